"""The events app's part of a person's own-data export and of the account deletion (GDPR).

A big import (``EventImport``) names who uploaded it and keeps the problems of the file's rows,
cell values included, to show the result page. The events created are the municipality's records
and stay; the import records of the person go with the account.
"""

from __future__ import annotations

from accounts.models import User

from .models import EventImport


def export_own_data(*, user: User) -> dict:
    # Named like the reverse relation User.event_imports (the export completeness test).
    return {
        "event_imports": [
            {
                "id": job.pk,
                "municipality": job.municipality.name,
                "created_by": user.email,
                "created_at": job.created_at.isoformat(),
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                "file": job.file.name or None,
                "state": job.get_state_display(),
                "row_count": job.row_count,
                "created_count": job.created_count,
                "encoding": job.encoding,
                "file_error": job.file_error,
                "row_errors": job.row_errors,
            }
            for job in EventImport.objects.filter(created_by=user)
            .select_related("municipality")
            .order_by("pk")
        ]
    }


def anonymise_user(*, user: User, now=None) -> int:
    """Delete the person's import records and any upload still stored; returns how many went."""
    jobs = list(EventImport.objects.filter(created_by=user))
    for job in jobs:
        if job.file:
            job.file.delete(save=False)
    deleted, _ = EventImport.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return deleted
