"""Writes of the dashboard: storing the figures of a district and year (nightly and on demand)."""

from __future__ import annotations

from django.utils import timezone

from municipalities.models import District

from .figures import compute_figures
from .models import DashboardFigures


def rebuild_dashboard_figures(*, district: District, year: int) -> DashboardFigures:
    """Compute and store the figures of ``district`` and ``year``; safe to run twice or in parallel.

    ``computed_at`` is the moment the computation *started*: a change saved while it ran is
    newer than the stored figures, so the next reader recomputes instead of missing it.
    """
    started = timezone.now()
    figures = compute_figures(district=district, year=year)
    stored, _created = DashboardFigures.objects.update_or_create(
        district=district, year=year, defaults={"figures": figures, "computed_at": started}
    )
    return stored
