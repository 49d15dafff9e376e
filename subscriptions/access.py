from django.shortcuts import get_object_or_404

from subscriptions.models import Subscription


def get_subscription_for_staff(request, pk: int) -> Subscription:
    return get_object_or_404(Subscription.objects.select_related("relation"), pk=pk)
