from django.http import Http404

from transfer.models import ImportJob


def get_import_job_for_staff(request, code) -> ImportJob:
    """An import of the current contractant (staff see every colleague's); another schema's
    code is not found, like a missing one."""
    job = ImportJob.objects.select_related("actor").filter(code=code).first()
    if job is None:
        raise Http404
    return job
