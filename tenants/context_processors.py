from tenants.models import Contractant


def contractant(request):
    tenant = getattr(request, "tenant", None)
    return {"contractant": tenant if isinstance(tenant, Contractant) else None}
