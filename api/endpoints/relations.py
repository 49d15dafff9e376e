"""Relations, their subscriptions and technical setup, and the relink, through the API."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.endpoints.common import id_param, recorded_write, validated
from api.filters import cleaned_filters, form_parameters
from portal_sync.selectors import relation_remote_view
from relations import services as relation_services
from relations.access import get_relation_for_staff
from relations.forms import RelationFilterForm
from relations.selectors import relation_list
from relations.services import RELATION_FIELDS
from subscriptions import relink
from subscriptions.access import get_subscription_for_staff
from subscriptions.models import Subscription
from subscriptions.services import (
    bind_technical_setup,
    subscription_create,
    subscription_update,
    unbind_technical_setup,
)
from tenants.models import Contractant

# --- Relations ----------------------------------------------------------------------------


@extend_schema(tags=["relations"])
class RelationList(generics.ListCreateAPIView):
    serializer_class = s.RelationSerializer

    def get_serializer_class(self):
        return s.RelationCreateSerializer if self.request.method == "POST" else s.RelationSerializer

    def get_queryset(self):
        filters = cleaned_filters(RelationFilterForm, self.request)
        return relation_list(query=filters["q"], kind=filters["kind"], active=filters["active"])

    @extend_schema(parameters=form_parameters(RelationFilterForm))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.RelationCreateSerializer, responses={201: s.RelationSerializer})
    def post(self, request, *args, **kwargs):
        data = validated(s.RelationCreateSerializer, request)
        data.pop("version", None)
        person = data.pop("person_input", None)
        if data.get("kind") == "person":

            def write():
                return relation_services.create_person_relation(
                    actor=request.user, relation_data=data, contact_data=person
                )
        else:

            def write():
                return relation_services.relation_create(actor=request.user, **data)

        relation = recorded_write(request, gettext_noop("relation created:"), write, str)
        return Response(s.RelationSerializer(relation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["relations"])
class RelationDetail(generics.RetrieveUpdateAPIView):
    serializer_class = s.RelationSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_relation_for_staff(self.request, self.kwargs["pk"])

    def patch(self, request, *args, **kwargs):
        relation = self.get_object()
        data = validated(s.RelationSerializer, request, partial=True)
        version = data.pop("version", None)
        fields = {name: value for name, value in data.items() if name in RELATION_FIELDS}
        recorded_write(
            request,
            gettext_noop("relation changed:"),
            lambda: relation_services.relation_update(
                relation=relation, actor=request.user, data=fields, version=version
            ),
            str,
        )
        return Response(s.RelationSerializer(relation).data)


@extend_schema(tags=["relations"], responses=s.RemoteViewSerializer)
class RelationSync(APIView):
    """Client Online's state of this relation's client: wanted, acknowledged, its members."""

    def get(self, request, pk: int):
        view = relation_remote_view(get_relation_for_staff(request, pk))
        return Response(s.RemoteViewSerializer(view).data)


# --- Subscriptions and technical setup ----------------------------------------------------


def _subscriptions():
    return Subscription.objects.select_related("technical_setup__contractant")


@extend_schema(tags=["subscriptions"])
class SubscriptionList(generics.ListCreateAPIView):
    serializer_class = s.SubscriptionSerializer

    def get_queryset(self):
        subscriptions = _subscriptions()
        relation = self.request.query_params.get("relation")
        if relation:
            relation_pk = id_param(relation, "relation")
            subscriptions = subscriptions.filter(relation=get_relation_for_staff(self.request, relation_pk))
        return subscriptions

    @extend_schema(parameters=[OpenApiParameter("relation", int, description="Relation id")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.SubscriptionSerializer})
    def post(self, request, *args, **kwargs):
        data = validated(s.SubscriptionSerializer, request)
        subscription = recorded_write(
            request,
            gettext_noop("subscription created:"),
            lambda: subscription_create(actor=request.user, **data),
            str,
        )
        return Response(s.SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["subscriptions"])
class SubscriptionDetail(generics.RetrieveUpdateAPIView):
    serializer_class = s.SubscriptionUpdateSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        subscription = get_subscription_for_staff(self.request, self.kwargs["pk"])
        return _subscriptions().get(pk=subscription.pk)

    def patch(self, request, *args, **kwargs):
        subscription = self.get_object()
        data = validated(s.SubscriptionUpdateSerializer, request, partial=True)
        recorded_write(
            request,
            gettext_noop("subscription changed:"),
            lambda: subscription_update(subscription=subscription, actor=request.user, data=data),
            str,
        )
        return Response(s.SubscriptionSerializer(_subscriptions().get(pk=subscription.pk)).data)


@extend_schema(tags=["subscriptions"])
class SubscriptionSetup(APIView):
    """The technical setup: bind the subscription to (database, contractant), or remove it."""

    @extend_schema(request=s.BindSerializer, responses={201: s.SubscriptionSerializer})
    def post(self, request, pk: int):
        subscription = get_subscription_for_staff(request, pk)
        data = validated(s.BindSerializer, request)
        contractant = Contractant.objects.filter(pk=data["contractant"]).first()
        if contractant is None:
            raise ValidationError({"contractant": [_("Unknown contractant.")]})
        recorded_write(
            request,
            gettext_noop("technical setup bound:"),
            lambda: bind_technical_setup(
                subscription=subscription, contractant=contractant, database=data["database"], actor=request.user
            ),
            lambda setup: f"{subscription.relation.name} → {contractant.name}",
        )
        return Response(s.SubscriptionSerializer(_subscriptions().get(pk=pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        subscription = get_subscription_for_staff(request, pk)
        recorded_write(
            request,
            gettext_noop("technical setup removed:"),
            lambda: unbind_technical_setup(subscription=subscription, actor=request.user),
            lambda _result: subscription.relation.name,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Relink -------------------------------------------------------------------------------


@extend_schema(tags=["relink"])
class Relink(APIView):
    """Move the relation's binding and its open tasks to another relation: GET previews what will
    move (?to=), POST does it. The same service as the relink wizard."""

    @extend_schema(
        parameters=[OpenApiParameter("to", int, required=True, description="The relation to relink to")],
        responses=s.RelinkPreviewSerializer,
    )
    def get(self, request, pk: int):
        relation = get_relation_for_staff(request, pk)
        to_relation = get_relation_for_staff(request, id_param(request.query_params.get("to"), "to"))
        plan = relink.relink_plan(from_relation=relation, to_relation=to_relation)
        return Response(s.RelinkPreviewSerializer(plan).data)

    @extend_schema(request=s.RelinkRequestSerializer, responses=s.RelinkResultSerializer)
    def post(self, request, pk: int):
        relation = get_relation_for_staff(request, pk)
        to_relation = validated(s.RelinkRequestSerializer, request)["to"]
        result = recorded_write(
            request,
            gettext_noop("relinked:"),
            lambda: relink.relink(from_relation=relation, to_relation=to_relation, actor=request.user),
            lambda _result: f"{relation.name} → {to_relation.name}",
        )
        return Response(s.RelinkResultSerializer(result).data)
