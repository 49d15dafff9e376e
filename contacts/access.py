from django.http import Http404
from django.shortcuts import get_object_or_404

from contacts.models import AttributeDefinition, Contact, ContactLink, MergeRecord
from contacts.selectors import contact_detail


def get_contact_for_staff(request, pk: int) -> Contact:
    try:
        return contact_detail(pk=pk)
    except Contact.DoesNotExist:
        raise Http404 from None


def get_contact_link_for_staff(request, contact: Contact, pk: int) -> ContactLink:
    return get_object_or_404(ContactLink.objects.select_related("relation", "contact"), pk=pk, contact=contact)


def get_attribute_for_staff(request, pk: int) -> AttributeDefinition:
    return get_object_or_404(AttributeDefinition, pk=pk)


def get_merge_record_for_staff(request, pk: int) -> MergeRecord:
    return get_object_or_404(MergeRecord, pk=pk)
