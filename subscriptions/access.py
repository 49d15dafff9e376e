from django.shortcuts import get_object_or_404

from subscriptions.models import RelinkRecord, Subscription


def get_subscription_for_staff(request, pk: int) -> Subscription:
    return get_object_or_404(Subscription.objects.select_related("relation"), pk=pk)


def get_relink_record_for_staff(request, pk: int) -> RelinkRecord:
    return get_object_or_404(
        RelinkRecord.objects.select_related("from_relation", "to_relation", "contractant", "actor"), pk=pk
    )
