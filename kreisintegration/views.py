"""Project-wide pages: start page, role dashboard, legal pages, health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from accounts import twofactor
from engagement.permissions import organisation_of
from events import review_counts
from events import selectors as event_selectors
from municipalities import permissions
from municipalities.selectors import portal_district
from outbox.models import OutboxMail
from overview import selectors as overview_selectors
from signlanguage.selectors import public_sign_language_videos
from volunteers import selectors as volunteer_selectors
from volunteers import services as volunteer_services
from volunteers.models import PRIVACY_NOTICE_VERSION
from volunteers.permissions import courses_run_by, volunteer_of

from . import outage


def _database_status(request) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # A load balancer probes every few seconds: once a minute in the log, like the 503 page.
        outage.log_outage(request, error)
        return "down"
    return "ok"


def _redis_status() -> str:
    # Without REDIS_URL the cache lives in process memory: nothing that could be down.
    is_available = getattr(cache, "is_available", None)
    if is_available is None:
        return "ok"
    return "ok" if is_available() else "down"


@require_GET
@never_cache
def healthz(request):
    """Health of each dependency for monitoring: one real query and one Redis PING.

    The database is required (503 "down" without it); without Redis the portal keeps
    answering without cache (200 "degraded").
    """
    report = {"database": _database_status(request), "redis": _redis_status()}
    if report["database"] != "ok":
        status, code = "down", 503
    elif report["redis"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse({"status": status, **report}, status=code)
    # Logged above (once a minute); Django would log every 5xx answer at ERROR, i.e. every probe.
    response._has_been_logged = True
    return response


@require_safe
def home(request):
    return render(request, "pages/home.html")


@require_safe
@login_required
def dashboard(request):
    """„Mein Bereich“: what each of the user's roles allows, in one place.

    A contact of exactly one municipality and nothing else goes straight to
    „Meine Kommune“.
    """
    user = request.user
    roles = permissions.roles_of(user)
    contact_municipalities = list(
        permissions.municipalities_managed_by(user)
        .filter(pk__in=roles.contact_municipality_ids)
        .order_by("name")
    )
    if (
        len(contact_municipalities) == 1
        and not roles.is_ki_staff
        and not roles.is_trainer
        and not roles.is_volunteer
    ):
        return redirect("municipalities:home", slug=contact_municipalities[0].slug)
    if not roles.has_any and organisation_of(user) is not None:
        # Someone who acts only for a local initiative goes straight to its area.
        return redirect("engagement:home")
    context = {
        **_tasks(user, roles, contact_municipalities),
        "trainer_courses": list(courses_run_by(user).order_by("-registration_closes")[:20])
        if roles.is_trainer
        else [],
        "contact_municipalities": contact_municipalities,
        "staff_districts": list(permissions.districts_administered_by(user)) if roles.is_ki_staff else [],
        # With REQUIRE_TWO_FACTOR off (the demo of `make run`), staff are only advised to set it up.
        "two_factor_recommended": not settings.REQUIRE_TWO_FACTOR
        and twofactor.two_factor_required(user)
        and not twofactor.has_two_factor(user),
    }
    return render(request, "pages/dashboard.html", context)


def _tasks(user, roles, contact_municipalities) -> dict:
    """What waits for this person, per role, first on „Mein Bereich“ (a fixed number of queries)."""
    tasks = {"review_tasks": None, "failed_mail_count": 0, "report_builds": None, "contact_tasks": None,
             "trainer_sessions": [], "volunteer_tasks": None}  # fmt: skip
    if roles.is_ki_staff:
        tasks["review_tasks"] = event_selectors.review_tasks(user)
        if review_counts.cached_review_waiting_count(user) is None:
            review_counts.refresh_review_counts()  # the navigation's count, e.g. after a cache flush
        tasks["failed_mail_count"] = (
            permissions.outbox_mails_visible_to(user).filter(status=OutboxMail.Status.FAILED).count()
        )
        tasks["report_builds"] = overview_selectors.report_builds_to_watch(user)
    if contact_municipalities:
        tasks["contact_tasks"] = event_selectors.contact_tasks(user, municipalities=contact_municipalities)
    if roles.is_trainer:
        sessions = volunteer_selectors.trainer_sessions(user)
        for session in sessions:
            # The same rule as the attendance page: its link records or only shows.
            session.attendance_blocker = volunteer_services.attendance_blocker(session)
        tasks["trainer_sessions"] = sessions
    if roles.is_volunteer:
        volunteer = volunteer_of(user)
        if volunteer is not None:
            tasks["volunteer_tasks"] = volunteer_selectors.volunteer_tasks(volunteer)
    return tasks


# Languages whose catalogue holds every string of the legal pages.
FULLY_TRANSLATED_LANGUAGES = ("de", "en")


@require_safe
def imprint(request):
    return render(request, "pages/impressum.html")


@require_safe
def privacy(request):
    return render(
        request,
        "pages/datenschutz.html",
        {
            "privacy_notice_version": PRIVACY_NOTICE_VERSION,
            "retention_years": settings.PARTICIPANT_RETENTION_YEARS,
            "inactivity_months": settings.VOLUNTEER_INACTIVITY_MONTHS,
            "warning_days": settings.VOLUNTEER_INACTIVITY_WARNING_DAYS,
            "full_text_in_german": _full_text_in_german(),
        },
    )


@require_safe
def accessibility(request):
    return render(request, "pages/barrierefreiheit.html", {"full_text_in_german": _full_text_in_german()})


def _full_text_in_german() -> bool:
    """The newcomers' catalogues hold the legal pages' summaries only; the full text shown below them
    is the German source, marked ``lang="de"`` for screen readers (English has the whole text)."""
    return get_language() not in FULLY_TRANSLATED_LANGUAGES


@require_safe
def easy_language(request):
    """BITV 2.0 § 4: what the portal holds, how to use it and the accessibility statement, in Leichte Sprache."""
    return render(request, "pages/leichte_sprache.html")


@require_safe
def sign_language(request):
    """BITV 2.0 § 4: the same explanation in German Sign Language (DGS), as videos from our own storage.

    KI staff upload the videos with WebVTT captions in the portal (``signlanguage``); until they
    have, the files named by ``DGS_VIDEO``/``DGS_CAPTIONS`` are shown. No third-party player,
    nothing loaded from elsewhere. Without any video the page says that it is coming and links the
    Leichte-Sprache text, which is also its text alternative.
    """
    videos = [
        {
            "title": video.title,
            "video_url": video.get_video_url(),
            "video_type": video.video_content_type,
            "captions_url": video.get_captions_url(),
            "transcript": video.transcript,
        }
        for video in public_sign_language_videos(district=portal_district())
    ]
    if not videos and settings.DGS_VIDEO:
        videos = [
            {
                "title": "",
                "video_url": default_storage.url(settings.DGS_VIDEO),
                "video_type": "",
                "captions_url": default_storage.url(settings.DGS_CAPTIONS) if settings.DGS_CAPTIONS else "",
                "transcript": "",
            }
        ]
    return render(request, "pages/gebaerdensprache.html", {"videos": videos})


def too_many_requests(request, exception=None):
    """Answer of every rate-limited form (settings.RATELIMIT_VIEW): the same for everybody."""
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    """A form without a valid CSRF token (settings.CSRF_FAILURE_VIEW): explain it in plain German."""
    return render(request, "403_csrf.html", status=403)
