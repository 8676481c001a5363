"""Celery tasks of the overview: thin wrappers that take ids and call one service each."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from municipalities.models import District

from . import services


# acks_late + reject_on_worker_lost: a worker killed mid-build leaves the message in the queue,
# so another worker gets it again (with Redis after CELERY_VISIBILITY_TIMEOUT). The build is
# idempotent (services._claim): a done or failed report is left alone, a running one is only taken
# over once its heartbeat is stale. A redelivery that comes earlier waits for that moment in
# short hops (each shorter than the visibility timeout, so the waiting message is not redelivered).
@shared_task(
    bind=True,
    name="overview.build_concept_report",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=100,
)
def build_concept_report(self, report_id: int) -> str | None:
    """Build one queued concept report; a second delivery of the same task does nothing."""
    report = services.build_report(report_id=report_id)
    if report is None:
        return None
    wait = services.seconds_until_takeover(report)
    if wait is not None and not (self.request.called_directly or self.request.is_eager):
        hop = max(1.0, settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600) / 2)
        raise self.retry(countdown=min(wait, hop))
    return report.state


@shared_task(name="overview.mark_stale_reports")
def mark_stale_reports() -> int:
    """Every 10 minutes: builds whose worker died end as failed instead of running forever."""
    return services.mark_stale_reports()


@shared_task(name="overview.rebuild_dashboards")
def rebuild_dashboards() -> int:
    """Nightly: one task per district recomputes the current year's dashboard figures."""
    year = timezone.localdate().year
    district_ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    for district_id in district_ids:
        rebuild_dashboard.delay(district_id, year)
    return len(district_ids)


@shared_task(name="overview.rebuild_dashboard")
def rebuild_dashboard(district_id: int, year: int) -> bool:
    return services.rebuild_dashboard(district_id=district_id, year=year)
