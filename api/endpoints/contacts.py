"""Contacts and their links to relations, through the API."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.endpoints.common import recorded_write, validated
from api.filters import cleaned_filters, form_parameters
from contacts.access import get_contact_for_staff, get_contact_link_for_staff
from contacts.forms import ContactFilterForm
from contacts.models import ContactLink
from contacts.selectors import attribute_definitions, contact_list, contact_search_ids
from contacts.services.attributes import set_attribute_values
from contacts.services.contacts import CONTACT_FIELDS, create_contact, update_contact
from contacts.services.links import LINK_FIELDS, link_contact, unlink_contact, update_link
from portal_sync.selectors import contact_remote_view

# --- Contacts and their links -------------------------------------------------------------


def _contact_context(request) -> dict:
    return {"request": request, "attribute_definitions": attribute_definitions()}


def _contact_data(contact_pk: int, request) -> dict:
    contact = get_contact_for_staff(request, contact_pk)
    return s.ContactSerializer(contact, context=_contact_context(request)).data


def _attributes(values: dict | None) -> dict[int, object]:
    if not values:
        return {}
    try:
        return {int(key): value for key, value in values.items()}
    except ValueError:
        raise ValidationError({"attribute_values": [_("Unknown attribute.")]}) from None


@extend_schema(tags=["contacts"])
class ContactList(generics.ListCreateAPIView):
    serializer_class = s.ContactSerializer

    def get_serializer_class(self):
        return s.ContactCreateSerializer if self.request.method == "POST" else s.ContactSerializer

    def get_serializer_context(self):
        return _contact_context(self.request)

    def get_queryset(self):
        filters = cleaned_filters(ContactFilterForm, self.request)
        contacts = contact_list(status=filters["status"], kind=filters["kind"]).prefetch_related("attribute_values")
        if filters["q"]:
            # The list page's search: the first matches (contacts.selectors.SEARCH_CAP + 1).
            ids = contact_search_ids(query=filters["q"], status=filters["status"], kind=filters["kind"])
            contacts = contacts.filter(pk__in=ids)
        return contacts

    @extend_schema(parameters=form_parameters(ContactFilterForm))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.ContactCreateSerializer, responses={201: s.ContactSerializer})
    def post(self, request, *args, **kwargs):
        data = validated(s.ContactCreateSerializer, request)
        values = _attributes(data.pop("attribute_values", None))
        relation = data.pop("relation", None)
        fields = {name: value for name, value in data.items() if name in CONTACT_FIELDS}
        fields["phone"] = str(fields.get("phone") or "")

        def write():
            contact = create_contact(actor=request.user, relation=relation, **fields)
            if values:
                set_attribute_values(contact=contact, values=values, actor=request.user)
            return contact

        contact = recorded_write(request, gettext_noop("contact created:"), write, lambda contact: contact.full_name)
        return Response(_contact_data(contact.pk, request), status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"])
class ContactDetail(generics.RetrieveUpdateAPIView):
    serializer_class = s.ContactUpdateSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_context(self):
        return _contact_context(self.request)

    def get_object(self):
        return get_contact_for_staff(self.request, self.kwargs["pk"])

    @extend_schema(responses=s.ContactSerializer)
    def patch(self, request, *args, **kwargs):
        contact = self.get_object()
        data = validated(s.ContactUpdateSerializer, request, partial=True)
        values = _attributes(data.pop("attribute_values", None))
        version = data.pop("version", None)
        fields = {name: value for name, value in data.items() if name in CONTACT_FIELDS}
        if "phone" in fields:
            fields["phone"] = str(fields["phone"] or "")

        def write():
            update_contact(contact=contact, actor=request.user, data=fields, version=version)
            if values:
                set_attribute_values(contact=contact, values=values, actor=request.user)
            return contact

        recorded_write(request, gettext_noop("contact changed:"), write, lambda contact: contact.full_name)
        return Response(_contact_data(contact.pk, request))


@extend_schema(tags=["contacts"], responses=s.RemoteViewSerializer)
class ContactSync(APIView):
    """Client Online's state of this contact's user: wanted, acknowledged, its memberships."""

    def get(self, request, pk: int):
        view = contact_remote_view(get_contact_for_staff(request, pk))
        return Response(s.RemoteViewSerializer(view).data)


@extend_schema(tags=["contacts"])
class ContactLinkList(generics.ListCreateAPIView):
    """The contact's links to relations (gerelateerde accounts)."""

    serializer_class = s.ContactLinkSerializer
    pagination_class = None

    def get_queryset(self):
        contact = get_contact_for_staff(self.request, self.kwargs["pk"])
        return ContactLink.objects.filter(contact=contact).select_related("relation").order_by("relation__name", "pk")

    @extend_schema(responses={201: s.ContactLinkSerializer})
    def post(self, request, pk: int):
        contact = get_contact_for_staff(request, pk)
        data = validated(s.ContactLinkSerializer, request)
        relation = data.pop("relation")
        link = recorded_write(
            request,
            gettext_noop("contact linked:"),
            lambda: link_contact(contact=contact, relation=relation, actor=request.user, **data),
            lambda _link: f"{contact.full_name} → {relation.name}",
        )
        return Response(s.ContactLinkSerializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"])
class ContactLinkDetail(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = s.ContactLinkUpdateSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        contact = get_contact_for_staff(self.request, self.kwargs["pk"])
        return get_contact_link_for_staff(self.request, contact, self.kwargs["link_pk"])

    def patch(self, request, *args, **kwargs):
        link = self.get_object()
        data = validated(s.ContactLinkUpdateSerializer, request, partial=True)
        fields = {name: value for name, value in data.items() if name in LINK_FIELDS}
        recorded_write(
            request,
            gettext_noop("contact link changed:"),
            lambda: update_link(link=link, actor=request.user, data=fields),
            lambda link: f"{link.contact.full_name} → {link.relation.name}",
        )
        return Response(s.ContactLinkSerializer(link).data)

    def delete(self, request, *args, **kwargs):
        link = self.get_object()
        label = f"{link.contact.full_name} → {link.relation.name}"
        recorded_write(
            request,
            gettext_noop("contact unlinked:"),
            lambda: unlink_contact(link=link, actor=request.user),
            lambda _result: label,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
