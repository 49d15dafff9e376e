"""The Client Online sync state of the contractant, through the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from portal_sync.selectors import sync_status

# --- Client Online sync -------------------------------------------------------------------


@extend_schema(tags=["sync"], responses=s.SyncStatusSerializer)
class SyncState(APIView):
    """The Client Online sync of this contractant: the runs, open failures, what waits."""

    def get(self, request):
        return Response(s.SyncStatusSerializer(sync_status()).data)
