"""The project's permission matrix: role × URL × method → status, for every URL of the project,
and the objects its URLs name (built once per test module).

``test_permission_matrix.py`` runs it; the CSRF, HTML-validity, query-injection and Redis-outage
tests and engagement's matrix walk the same URLs with the same objects.

Adding a URL without adding it here fails ``test_every_url_is_in_the_matrix``.
Objects in URLs belong to Unna, so ``contact_luenen`` probes another
municipality's data (IDOR) through every GET and POST.
Expected codes: 200 ok, 302 redirect (anonymous → login, or success
redirect after a POST), 403 logged in without the right, 404/410 not found
or gone, 405 method not allowed.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from concept.models import AdviceMeeting, ConceptVersion, ConsultationComment, FollowUp
from concept.tests.factories import ConceptVersionFactory, GoalFactory, GoalIndicatorFactory, field_of_action
from concept.tests.matrix import CONCEPT_MATRIX, concept_objects, concept_url
from conftest import make_people
from engagement.tests.matrix import ENGAGEMENT_MATRIX, engagement_objects, engagement_url
from events.models import Event, EventImport
from events.tests.factories import make_event
from municipalities import services
from municipalities.models import DistrictRole, FieldOfAction, Invitation, Measure, Membership
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role
from outbox.models import OutboxMail
from overview.models import ConceptReport
from signlanguage.services import add_sign_language_video
from volunteers.models import Course, Registration
from volunteers.selfservice.signup import make_confirmation_token
from volunteers.services import register_for_course
from volunteers.tests.factories import make_course, make_volunteer

from .matrix_support import ROLES as BASE_ROLES
from .matrix_support import everyone, logged_in, only
from .shared_data import built_once, log_in, login_sessions  # noqa: F401 (log_in: the cases use matrix.log_in)

# KI staff of another district (Kreis Soest, with its own municipality Werl): see OTHER_DISTRICT_STAFF.
ROLES = [*BASE_ROLES, "ki_staff_other"]

# URL name → (URL kwargs key, {method: {role: status}})
MATRIX = {
    "home": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "healthz": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "imprint": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "privacy": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "accessibility": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "easy_language": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "sign_language": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # DGS videos: KI staff upload, replace and remove them; the files are public
    "signlanguage:manage": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "signlanguage:create": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "signlanguage:update": ("sign_video", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "signlanguage:remove": ("sign_video", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 302})}),
    "signlanguage:video": ("sign_video_file", {"GET": everyone(200), "POST": everyone(405)}),
    "signlanguage:captions": ("sign_captions_file", {"GET": everyone(200), "POST": everyone(405)}),
    "dashboard": (
        None,
        {
            # A contact of exactly one municipality goes straight to „Meine Kommune“.
            "GET": {**logged_in(200), "contact_unna": 302, "contact_luenen": 302},
            "POST": everyone(405),
        },
    ),
    # Django's set_language only changes the language on POST; a GET just redirects back.
    "set_language": (None, {"GET": everyone(302), "POST": everyone(302)}),
    # accounts
    "accounts:login": (
        None,
        # Logged-in users are sent on to their area; the empty form re-renders with errors.
        {"GET": {**logged_in(302), "anonymous": 200}, "POST": {**logged_in(302), "anonymous": 200}},
    ),
    "accounts:logout": (None, {"GET": everyone(405), "POST": everyone(302)}),
    "accounts:profile": (None, {"GET": logged_in(200), "POST": logged_in(200)}),
    "accounts:password_change": (None, {"GET": logged_in(200), "POST": logged_in(200)}),
    "accounts:password_reset": (None, {"GET": everyone(200), "POST": everyone(200)}),
    "accounts:password_reset_done": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "accounts:password_reset_confirm": ("reset", {"GET": everyone(200), "POST": everyone(200)}),
    "accounts:password_reset_complete": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # second factor: staff and trainers of the fixtures have passed it (conftest's client); the others
    # have not set it up, so the pages that need a device send them to the enrolment.
    "accounts:two_factor_setup": (
        None,
        {
            "GET": {**logged_in(200), "ki_staff": 302, "trainer": 302},
            "POST": {**logged_in(200), "ki_staff": 302, "trainer": 302},  # empty code re-renders
        },
    ),
    "accounts:two_factor_verify": (None, {"GET": everyone(302), "POST": everyone(302)}),
    "accounts:two_factor_recovery_codes": (
        None,
        {
            "GET": {**everyone(302), "ki_staff": 200, "trainer": 200},
            "POST": {**everyone(302), "ki_staff": 200, "trainer": 200},  # empty password re-renders
        },
    ),
    # Only right after new codes were made (kept in the session); otherwise nothing to download.
    "accounts:two_factor_recovery_download": (None, {"GET": logged_in(404), "POST": everyone(405)}),
    # Only for those whose role does not require a second factor, and who have one.
    "accounts:two_factor_disable": (
        None,
        {
            "GET": {**everyone(302), "ki_staff": 403, "trainer": 403},
            "POST": {**everyone(302), "ki_staff": 403, "trainer": 403},
        },
    ),
    # municipalities: public
    "municipalities:list": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "municipalities:detail": ("unna", {"GET": everyone(200), "POST": everyone(405)}),
    # municipalities: KI staff and the municipality's own contacts
    "municipalities:home": (
        "unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
    # municipalities: KI staff only
    "municipalities:create": ("", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "municipalities:update": (
        "unna",
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})},
    ),
    "municipalities:contacts": (
        "unna",
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})},
    ),
    "municipalities:membership_remove": (
        "membership",
        # GET: the confirmation page naming the consequence; POST removes.
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 302})},
    ),
    "municipalities:invitation_revoke": (
        "invitation",
        # GET: the confirmation page naming the consequence; POST withdraws.
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 302})},
    ),
    "municipalities:district": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    # The district's identity is on every page, public ones too; the fixture's district has no logo.
    "municipalities:district_theme": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "municipalities:district_logo": ("district_slug", {"GET": everyone(404), "POST": everyone(405)}),
    # the audit log: KI staff only, read-only (no method changes anything)
    "municipalities:audit_log": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "municipalities:audit_log_csv": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "municipalities:measures": (
        "unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
    "municipalities:measure_create": (
        "unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 200, "ki_staff": 200}),  # empty form re-renders with errors
        },
    ),
    "municipalities:measure_detail": (
        "measure",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
    "municipalities:measure_update": (
        "measure",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 200, "ki_staff": 200}),
        },
    ),
    # events: contacts of the event's municipality and KI staff; another municipality gets 404
    "events:mine": (
        None,
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "contact_luenen": 405, "ki_staff": 405}),
        },
    ),
    "events:create": (
        None,
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
        },
    ),
    "events:manage": (
        "event",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "contact_luenen": 404, "ki_staff": 405}),
        },
    ),
    "events:update": (
        "event",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
            "POST": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
        },
    ),
    # an empty POST removes nothing and redirects to the internal view
    "events:translations": (
        "event",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
            "POST": only({"contact_unna": 302, "contact_luenen": 404, "ki_staff": 302}),
        },
    ),
    "events:copy": (
        "event",
        {
            "GET": only({"contact_unna": 405, "contact_luenen": 404, "ki_staff": 405}),
            "POST": only({"contact_unna": 302, "contact_luenen": 404, "ki_staff": 302}),
        },
    ),
    "events:submit": (
        "event",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
            "POST": only({"contact_unna": 302, "contact_luenen": 404, "ki_staff": 302}),
        },
    ),
    "events:cancel": (
        "event",
        {
            # GET: the confirmation page (scoped like the action: Lünen does not find Unna's event).
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}),
            "POST": only({"contact_unna": 302, "contact_luenen": 404, "ki_staff": 302}),
        },
    ),
    "events:review_queue": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "events:review": ("event", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    # GET: the confirmation page of a rejection; POST rejects (or explains why not) and redirects.
    "events:reject": ("event", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 302})}),
    # events: public calendar, feeds and API (read-only; POST is refused)
    "events:calendar": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "events:detail": ("public_event", {"GET": everyone(200), "POST": everyone(405)}),
    "events:event_ics": ("public_event", {"GET": everyone(200), "POST": everyone(405)}),
    "events:feed_district": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "events:feed_municipality": ("unna", {"GET": everyone(200), "POST": everyone(405)}),
    "events:api_events": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "events:api_openapi": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "events:api_docs": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # open data: the same for everyone (the year of the published event)
    "overview:opendata": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "overview:opendata_catalogue": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "overview:opendata_events": ("opendata_year_csv", {"GET": everyone(200), "POST": everyone(405)}),
    "overview:opendata_offers": ("opendata_year_csv", {"GET": everyone(200), "POST": everyone(405)}),
    # the matrix's district has an adopted concept (concept_objects)
    "overview:opendata_indicators": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # events: import for contacts and KI staff, export for KI staff
    "events:import": (
        None,
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
        },
    ),
    "events:import_template": (
        "csv",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "contact_luenen": 405, "ki_staff": 405}),
        },
    ),
    # a big import in the worker: only the contact who uploaded it follows it (anyone else: 404)
    "events:import_progress": (
        "event_import",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 404}),
            "POST": only({"contact_unna": 405, "contact_luenen": 405, "ki_staff": 405}),
        },
    ),
    "events:import_status": (
        "event_import",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 404, "ki_staff": 404}),
            "POST": only({"contact_unna": 405, "contact_luenen": 405, "ki_staff": 405}),
        },
    ),
    "events:export": ("csv", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    # volunteers: public catalogue and sign-up
    "volunteers:catalogue": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "volunteers:course_detail": ("course", {"GET": everyone(200), "POST": everyone(405)}),
    "volunteers:verify_certificate": ("certificate", {"GET": everyone(200), "POST": everyone(405)}),
    "volunteers:signup": (
        None,
        {"GET": {**everyone(200), "volunteer": 302}, "POST": {**everyone(200), "volunteer": 302}},
    ),
    "volunteers:signup_done": (None, {"GET": everyone(200), "POST": everyone(405)}),
    "volunteers:confirm_email": (
        "confirm",
        {"GET": everyone(200), "POST": {**everyone(200), "anonymous": 302}},
    ),
    # volunteers: own profile and data (without a volunteer profile: 403, the page says how to get one)
    "volunteers:profile": (None, {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 200})}),
    "volunteers:data_export": (None, {"GET": logged_in(200), "POST": logged_in(405)}),
    "volunteers:own_data": (None, {"GET": logged_in(200), "POST": logged_in(405)}),
    "volunteers:own_data_pdf": (None, {"GET": logged_in(200), "POST": logged_in(405)}),
    "volunteers:delete_account": (None, {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 200})}),
    # Always one's own consent (no id in the URL); POST withdraws and goes back to the profile.
    "volunteers:withdraw_consent": (
        "consent",
        {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 302})},
    ),
    # volunteers: registrations (only people with a volunteer profile; someone else's id → 404)
    "volunteers:register": ("course", {"GET": only({"volunteer": 405}), "POST": only({"volunteer": 302})}),
    "volunteers:my_courses": (None, {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 405})}),
    "volunteers:cancel": (
        "registration",
        # GET: the confirmation page („Ihr Platz geht an die nächste Person auf der Warteliste“).
        {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 302})},
    ),
    "volunteers:accept_offer": (
        "registration",
        {"GET": only({"volunteer": 405}), "POST": only({"volunteer": 302})},
    ),
    "volunteers:decline_offer": (
        "registration",
        {"GET": only({"volunteer": 405}), "POST": only({"volunteer": 302})},
    ),
    # volunteers: KI staff course administration
    "volunteers:course_admin_list": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "volunteers:course_create": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "volunteers:course_update": ("course", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    # volunteers: trainers of the course and KI staff run it (another course's trainer gets 404)
    "volunteers:participants": (
        "course",
        {"GET": only({"trainer": 200, "ki_staff": 200}), "POST": only({"trainer": 405, "ki_staff": 405})},
    ),
    "volunteers:participants_export": (
        "course_pdf",
        {"GET": only({"trainer": 200, "ki_staff": 200}), "POST": only({"trainer": 405, "ki_staff": 405})},
    ),
    "volunteers:attendance": (
        "session",
        {"GET": only({"trainer": 200, "ki_staff": 200}), "POST": only({"trainer": 302, "ki_staff": 302})},
    ),
    "volunteers:complete": (
        "course",
        # GET: the confirmation page naming what completing does.
        {"GET": only({"trainer": 200, "ki_staff": 200}), "POST": only({"trainer": 302, "ki_staff": 302})},
    ),
    # volunteers: KI staff reports
    "volunteers:course_evidence": (
        "course_pdf",
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})},
    ),
    "volunteers:evidence": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "volunteers:figures": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "volunteers:volunteer_search": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "volunteers:volunteer_contact": (
        "volunteer_profile",
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})},
    ),
    # the certificate belongs to its volunteer (and KI staff of the district); roles without
    # certificates are refused, another volunteer or district is told it does not exist (below)
    "volunteers:certificate": (
        "own_certificate",
        {
            "GET": only({"volunteer": 200, "ki_staff": 200}),
            "POST": only({"volunteer": 405, "ki_staff": 405}),
        },
    ),
    # overview: KI staff see the district; a contact compares their own municipality with the average
    "overview:dashboard": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:cell": ("cell", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:comparison": (
        "unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
    # concept report snapshots: KI staff of the district only
    "overview:reports": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "overview:report_compare": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:texts": ("year", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}),
    "overview:report_detail": ("report", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:report_status": ("report", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:report_file": ("report_pdf", {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:report_retry": ("report", {"GET": only({"ki_staff": 405}), "POST": only({"ki_staff": 302})}),
    # mail outbox status page: KI staff of the mail's district (another district's mail: see below)
    "municipalities:mail_status": (None, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "municipalities:mail_retry": (
        "failed_mail",
        {"GET": only({"ki_staff": 405}), "POST": only({"ki_staff": 302})},
    ),
    # invitations: the token is the credential; a logged-in stranger is told it is not theirs
    "municipalities:invitation_accept": ("token", {"GET": everyone(200), "POST": everyone(200)}),
    "municipalities:invitation_renewal": (None, {"GET": everyone(200), "POST": everyone(200)}),
    # the Integrationskonzept (concept/tests/matrix.py)
    **CONCEPT_MATRIX,
    # small grants to local initiatives (engagement/tests/matrix.py, which also runs organisations A and B)
    **ENGAGEMENT_MATRIX,
    # concept: consultation. The draft is for KI staff and every municipality of the district (404 for
    # others); a municipality's part is for its own contacts and the KI (another municipality: 404).
    "concept:draft": (
        "consulting",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}, others=404),
            "POST": logged_in(405),
        },
    ),
    "concept:draft_pdf": (
        "consulting",
        {
            "GET": only({"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}, others=404),
            "POST": logged_in(405),
        },
    ),
    "concept:consultation_open": (
        "consulting",
        {"GET": only({"ki_staff": 200}, others=404), "POST": only({"ki_staff": 200}, others=404)},
    ),
    "concept:consultation_tracking": (
        "consulting",
        {"GET": only({"ki_staff": 200}, others=404), "POST": only({"ki_staff": 405}, others=404)},
    ),
    "concept:consultation_municipality": (
        "consult_unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}, others=404),
            "POST": only({"contact_unna": 405, "ki_staff": 405}, others=404),
        },
    ),
    # Only the municipality's contacts act for it; the KI reads along (403 on these POSTs).
    "concept:consultation_mark_read": (
        "consult_unna",
        {
            "GET": only({"contact_unna": 405, "ki_staff": 405}, others=404),
            "POST": only({"contact_unna": 302, "ki_staff": 403}, others=404),
        },
    ),
    "concept:consultation_comment": (
        "consult_unna",
        {
            "GET": only({"contact_unna": 405, "ki_staff": 405}, others=404),
            "POST": only({"contact_unna": 200, "ki_staff": 200}, others=404),  # empty form re-renders
        },
    ),
    "concept:consultation_position": (
        "consult_unna",
        {
            "GET": only({"contact_unna": 405, "ki_staff": 405}, others=404),
            "POST": only({"contact_unna": 200, "ki_staff": 200}, others=404),  # empty form re-renders
        },
    ),
    "concept:consultation_answer": (
        "comment",
        {"GET": logged_in(405), "POST": only({"ki_staff": 302}, others=404)},
    ),
    "concept:adopt": (
        "consulting",
        {"GET": only({"ki_staff": 200}, others=404), "POST": only({"ki_staff": 200}, others=404)},
    ),
    # the adopted concept is public
    "concept:public": ("district", {"GET": everyone(200), "POST": everyone(405)}),
    "concept:public_pdf": ("district", {"GET": everyone(200), "POST": everyone(405)}),
    # advice records: KI staff record; the municipality's own contacts read (another municipality: 404)
    "concept:advice_list": (
        "unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}, others=404),
            "POST": only({"contact_unna": 405, "ki_staff": 405}, others=404),
        },
    ),
    "concept:advice_create": (
        "unna",
        {"GET": only({"ki_staff": 200}, others=404), "POST": only({"ki_staff": 200}, others=404)},
    ),
    "concept:advice_detail": (
        "meeting",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}, others=404),
            "POST": only({"contact_unna": 405, "ki_staff": 405}, others=404),
        },
    ),
    # the follow-up belongs to KI staff: a contact of the municipality may read it, not close it
    "concept:follow_up_done": (
        "follow_up",
        {"GET": logged_in(405), "POST": only({"contact_unna": 403, "ki_staff": 302}, others=404)},
    ),
}


# KI staff of another district hold the same role as ``ki_staff``: every URL answers them as it
# answers ``ki_staff`` (their own district's lists and forms, the public pages), except the URLs
# naming one of Unna's objects, each listed here. A private object of another district does not
# exist for them (404, GET and POST alike); a municipality (public, so its existence is no secret)
# they may not act for is refused (403).
NOT_FOUND = {"GET": 404, "POST": 404}
READ_NOT_FOUND = {"GET": 404, "POST": 405}  # a read-only page
ACTION_NOT_FOUND = {"GET": 405, "POST": 404}  # a POST-only action
REFUSED = {"GET": 403, "POST": 403}
OTHER_DISTRICT_STAFF = {
    "municipalities:home": REFUSED,
    "municipalities:update": REFUSED,
    "municipalities:contacts": REFUSED,
    "municipalities:membership_remove": REFUSED,
    "municipalities:invitation_revoke": REFUSED,
    "municipalities:measures": REFUSED,
    "municipalities:measure_create": REFUSED,
    "municipalities:measure_detail": REFUSED,
    "municipalities:measure_update": REFUSED,
    "events:manage": NOT_FOUND,
    "events:update": NOT_FOUND,
    "events:translations": NOT_FOUND,
    "events:copy": NOT_FOUND,
    "events:submit": NOT_FOUND,
    "events:cancel": NOT_FOUND,
    "events:review": NOT_FOUND,
    "events:import_progress": READ_NOT_FOUND,
    "events:import_status": READ_NOT_FOUND,
    "events:reject": NOT_FOUND,
    "volunteers:course_update": NOT_FOUND,
    "volunteers:participants": NOT_FOUND,
    "volunteers:participants_export": NOT_FOUND,
    "volunteers:attendance": NOT_FOUND,
    "volunteers:complete": NOT_FOUND,
    "volunteers:course_evidence": NOT_FOUND,
    "volunteers:volunteer_contact": READ_NOT_FOUND,
    "volunteers:certificate": READ_NOT_FOUND,
    "overview:cell": READ_NOT_FOUND,
    "overview:comparison": REFUSED,
    "overview:report_detail": READ_NOT_FOUND,
    "overview:report_status": READ_NOT_FOUND,
    "overview:report_file": READ_NOT_FOUND,
    "overview:report_retry": ACTION_NOT_FOUND,
    "municipalities:mail_retry": ACTION_NOT_FOUND,
    "concept:version_detail": READ_NOT_FOUND,
    "concept:version_update": NOT_FOUND,
    "concept:version_adopt": NOT_FOUND,
    "concept:version_copy": ACTION_NOT_FOUND,
    "concept:goal_create": NOT_FOUND,
    "concept:goal_overview": READ_NOT_FOUND,
    "concept:municipality_focus": REFUSED,
    "concept:goal_detail": READ_NOT_FOUND,
    "concept:goal_update": NOT_FOUND,
    "concept:goal_target": NOT_FOUND,
    "concept:goal_delete": ACTION_NOT_FOUND,
    "concept:measure_create": NOT_FOUND,
    "concept:measure_status": NOT_FOUND,
    "concept:value_correct": NOT_FOUND,
    "engagement:application_detail": NOT_FOUND,
    "engagement:contract_pdf": NOT_FOUND,
    "engagement:proof_detail": NOT_FOUND,
    "engagement:proof_review": ACTION_NOT_FOUND,
    "engagement:repayment": NOT_FOUND,
    "engagement:payment_approve": ACTION_NOT_FOUND,
    "engagement:payment_paid": ACTION_NOT_FOUND,
    "engagement:organisation_confirm": ACTION_NOT_FOUND,
    "engagement:advice_meeting": NOT_FOUND,
    "engagement:decide": NOT_FOUND,
    "concept:draft": READ_NOT_FOUND,
    "concept:draft_pdf": READ_NOT_FOUND,
    "concept:consultation_open": NOT_FOUND,
    "concept:consultation_tracking": NOT_FOUND,
    "concept:consultation_municipality": NOT_FOUND,
    "concept:consultation_mark_read": NOT_FOUND,
    "concept:consultation_comment": NOT_FOUND,
    "concept:consultation_position": NOT_FOUND,
    "concept:consultation_answer": ACTION_NOT_FOUND,
    "concept:adopt": NOT_FOUND,
    "concept:advice_list": NOT_FOUND,
    "concept:advice_create": NOT_FOUND,
    "concept:advice_detail": NOT_FOUND,
    "concept:follow_up_done": ACTION_NOT_FOUND,
    "concept:version_outline": NOT_FOUND,
    "signlanguage:update": NOT_FOUND,
    "signlanguage:remove": NOT_FOUND,
    "engagement:receipt_file": NOT_FOUND,
    "engagement:placement_manage": READ_NOT_FOUND,
    "engagement:placement_update": NOT_FOUND,
    "engagement:placement_close": ACTION_NOT_FOUND,
    "engagement:interest_placed": ACTION_NOT_FOUND,
    "engagement:qualification_proof_file": READ_NOT_FOUND,
    "engagement:qualification_proof_review": NOT_FOUND,
    "engagement:initiative_newcomer_withdraw": NOT_FOUND,
}
# URL keys that name no object of Unna's (a format, a year, a kind of consent, a token).
KEYS_NAMING_NO_OBJECT = {
    None, "", "csv", "year", "consent", "reset", "confirm", "token", "opendata_year_csv", "concept_template",
    "engagement_budget_year",  # a programme year: staff of another district set their own district's budget
}  # fmt: skip


def with_other_district_staff(matrix: dict) -> dict:
    return {
        name: (
            key,
            {
                method: {
                    **codes,
                    "ki_staff_other": OTHER_DISTRICT_STAFF.get(name, {}).get(method, codes["ki_staff"]),
                }
                for method, codes in methods.items()
            },
        )
        for name, (key, methods) in matrix.items()
    }


MATRIX = with_other_district_staff(MATRIX)


def project_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin has its own permission system; see test_admin_access
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= project_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def build_matrix_objects() -> dict:
    """The matrix's objects, each role's prepared session included (``matrix_objects``)."""
    people = make_people(DistrictFactory())
    users = people["users"]
    objects = build_objects(
        unna=people["unna"],
        luenen=people["luenen"],
        ki_staff=users["ki_staff"],
        contact_unna=users["contact_unna"],
        contact_luenen=users["contact_luenen"],
        trainer=users["trainer"],
        volunteer=users["volunteer"],
    )
    objects["sessions"] = login_sessions({**objects["users"], **objects["engagement_users"]})
    return objects


# Built once for a module, each case in its own savepoint (``shared_data.built_once``).
matrix_objects = built_once(build_matrix_objects)


@pytest.fixture
def objects(matrix_objects, db):
    """The module's objects for one case (``db`` after them: the case's savepoint inside)."""
    return matrix_objects


def build_objects(*, unna, luenen, ki_staff, contact_unna, contact_luenen, trainer, volunteer) -> dict:
    _invitation, token = services.invite_contact(
        by=ki_staff, municipality=unna, email="neu@example.org", full_name="Ольга Петрова"
    )
    event = make_event(by=contact_unna, municipality=unna, title="Entwurf Unna")
    measure = Measure.objects.create(municipality=unna, title="Sprachpatenschaften")
    public_event = make_event(by=ki_staff, municipality=unna, title="Fest", status=Event.Status.APPROVED)
    course = make_course(unna.district, trainers=[trainer])
    registration = register_for_course(volunteer=volunteer.volunteer, course=course)
    finished = make_course(unna.district, title="Abgeschlossen", status=Course.Status.COMPLETED)
    certificate = Registration.objects.create(
        course=finished,
        volunteer=make_volunteer(unna.district, email="zertifikat@example.org", full_name="Ahmad Al-Hassan"),
        status=Registration.Status.ATTENDED,
        certificate_code="ABCDEF1234",
    )
    own_finished = make_course(unna.district, title="Eigener Abschluss", status=Course.Status.COMPLETED)
    own_certificate = Registration.objects.create(
        course=own_finished,
        volunteer=volunteer.volunteer,
        status=Registration.Status.ATTENDED,
        certificate_code="EIGEN12345",
    )
    # KI staff of another district: the same role as ``ki_staff``, none of Unna's objects in reach.
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    MunicipalityFactory(district=soest, name="Werl", slug="werl", ags="05974048")
    FieldOfAction.objects.create(district=soest, name="Sprache", slug="sprache")
    ki_staff_other = make_district_role(
        soest, DistrictRole.Role.KI_STAFF, email="ki-soest@example.org", full_name="Jürgen Böhm"
    )
    pending = User.objects.create_user(email="neu-ehrenamt@example.org", full_name="Neu", is_active=False)
    pending_profile = make_volunteer(unna.district, user=pending)
    pending_profile.email_confirmed_at = None  # signed up, not yet confirmed
    pending_profile.save()
    objects = {
        "event": event,
        "public_event": public_event,
        "course": course,
        "registration": registration,
        "certificate": certificate,
        "own_certificate": own_certificate,
        "volunteer_profile": volunteer.volunteer,
        "report": done_report(unna.district, ki_staff),
        "field_of_action": FieldOfAction.objects.create(
            district=unna.district, name="Sprache & Bildung", slug="sprache"
        ),
        "confirm_token": make_confirmation_token(pending),
        "measure": measure,
        "users": {
            "volunteer": volunteer,
            "trainer": trainer,
            "contact_unna": contact_unna,
            "contact_luenen": contact_luenen,
            "ki_staff": ki_staff,
            "ki_staff_other": ki_staff_other,
        },
        "other_district": soest,
        "token": token,
        "unna": unna,
        "failed_mail": make_outbox_mail(district_id=unna.district_id),
        "sign_video": add_sign_language_video(
            by=ki_staff,
            district=unna.district,
            title="Das Portal in Gebärdensprache",
            video=SimpleUploadedFile("dgs.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
            captions=SimpleUploadedFile("dgs.vtt", b"WEBVTT\n\n00:00.000 --> 00:02.000\nHallo\n"),
        ),
    }
    # After the reference data above: the concept's factories reuse its field of action.
    objects.update(concept_objects(unna=unna, contact_unna=contact_unna))
    objects.update(participation_objects(objects["concept_version"].concept, unna, contact_unna, ki_staff))
    objects.update(engagement_objects(district=unna.district))
    objects["event_import"] = EventImport.objects.create(
        municipality=unna, created_by=contact_unna, row_count=150
    )
    return objects


def participation_objects(concept, unna, contact_unna, ki_staff) -> dict:
    """An adopted concept (public page) and its Fortschreibung in consultation, with Unna's comment
    and an advice meeting with Unna whose follow-up belongs to KI staff."""
    # Numbered after the concept's versions so far: ConceptVersionFactory numbers by a counter of the
    # process, so fixed numbers (11, 12) collided once a test process had made ten versions before.
    last = concept.versions.aggregate(last=Max("number"))["last"] or 0
    adopted = ConceptVersionFactory(
        concept=concept,
        number=last + 1,
        status=ConceptVersion.Status.ADOPTED,
        adopted_on=datetime.date(2025, 12, 1),
        adopted_by_body="Kreistag",
        drucksache="DS 2025/001",
    )
    GoalIndicatorFactory(
        goal=GoalFactory(version=adopted, field_of_action=field_of_action(unna.district, "Arbeit & Beruf"))
    )
    consulting = ConceptVersionFactory(
        concept=concept,
        number=last + 2,
        status=ConceptVersion.Status.CONSULTATION,
        consultation_deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    comment = ConsultationComment.objects.create(
        version=consulting, municipality=unna, author=contact_unna, text="Bitte mehr Kita-Plätze."
    )
    meeting = AdviceMeeting.objects.create(
        district=unna.district,
        municipality=unna,
        held_on=datetime.date(2026, 3, 2),
        participants="M. Schäfer (KI)",
    )
    follow_up = FollowUp.objects.create(
        meeting=meeting, text="Bedarfe melden", owner=ki_staff, due_on=datetime.date(2026, 4, 1)
    )
    return {"consulting": consulting, "comment": comment, "meeting": meeting, "follow_up": follow_up}


def make_outbox_mail(*, district_id: int | None) -> OutboxMail:
    return OutboxMail.objects.create(
        idempotency_key=f"test:{district_id}",
        recipients=["nicht-zustellbar@example.org"],
        subject="Einladung",
        text_body="…",
        status=OutboxMail.Status.FAILED,
        attempts=8,
        district_id=district_id,
    )


def done_report(district, by) -> ConceptReport:
    report = ConceptReport.objects.create(
        district=district,
        year=2026,
        title="Integrationskonzept 2026",
        state=ConceptReport.State.DONE,
        created_by=by,
    )
    report.pdf.save(f"bericht-{report.pk}.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return report


def url_for(name: str, key: str | None, objects) -> str:
    unna = objects["unna"]
    if key and key.startswith("concept_"):
        return concept_url(name, key, objects)
    if key and key.startswith("engagement_"):
        return engagement_url(name, key, objects)
    if key == "event":
        return reverse(name, kwargs={"pk": objects["event"].pk})
    if key == "public_event":
        return reverse(name, kwargs={"pk": objects["public_event"].pk})
    if key == "event_import":
        return reverse(name, kwargs={"pk": objects["event_import"].pk})
    if key == "course":
        return reverse(name, kwargs={"pk": objects["course"].pk})
    if key == "registration":
        return reverse(name, kwargs={"pk": objects["registration"].pk})
    if key == "year":
        return reverse(name, kwargs={"year": 2026})
    if key == "report":
        return reverse(name, kwargs={"pk": objects["report"].pk})
    if key == "report_pdf":
        return reverse(name, kwargs={"pk": objects["report"].pk, "fmt": "pdf"})
    if key == "cell":
        return reverse(
            name, kwargs={"municipality": unna.slug, "field_of_action": objects["field_of_action"].slug}
        )
    if key == "course_pdf":
        return reverse(name, kwargs={"pk": objects["course"].pk, "fmt": "pdf"})
    if key == "session":
        return reverse(
            name, kwargs={"pk": objects["course"].pk, "session_pk": objects["course"].sessions.first().pk}
        )
    if key == "volunteer_profile":
        return reverse(name, kwargs={"pk": objects["volunteer_profile"].pk})
    if key == "own_certificate":
        return reverse(name, kwargs={"pk": objects["own_certificate"].pk})
    if key == "certificate":
        return reverse(name, kwargs={"code": objects["certificate"].certificate_code})
    if key == "confirm":
        return reverse(name, kwargs={"token": objects["confirm_token"]})
    if key == "consent":
        return reverse(name, kwargs={"kind": "neuzugewandert"})
    if key == "csv":
        return reverse(name, kwargs={"fmt": "csv"})
    if key == "measure":
        return reverse(name, kwargs={"slug": unna.slug, "pk": objects["measure"].pk})
    if key == "unna":
        return reverse(name, kwargs={"slug": unna.slug})
    if key in ("consulting", "comment", "meeting", "follow_up"):
        return reverse(name, kwargs={"pk": objects[key].pk})
    if key == "consult_unna":
        return reverse(name, kwargs={"pk": objects["consulting"].pk, "slug": unna.slug})
    if key == "district":
        return reverse(name, kwargs={"district": unna.district.slug})
    if key == "district_slug":
        return reverse(name, kwargs={"slug": unna.district.slug})
    if key == "membership":
        membership = Membership.objects.get(municipality=unna)
        return reverse(name, kwargs={"slug": unna.slug, "pk": membership.pk})
    if key == "invitation":
        invitation = Invitation.objects.get(municipality=unna)
        return reverse(name, kwargs={"slug": unna.slug, "pk": invitation.pk})
    if key == "token":
        return reverse(name, kwargs={"token": objects["token"]})
    if key == "sign_video":
        return reverse(name, kwargs={"pk": objects["sign_video"].pk})
    if key == "sign_video_file":
        return objects["sign_video"].get_video_url()
    if key == "sign_captions_file":
        return objects["sign_video"].get_captions_url()
    if key == "failed_mail":
        return reverse(name, kwargs={"pk": objects["failed_mail"].pk})
    if key == "reset":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    if key == "opendata_year_csv":
        year = objects["public_event"].occurrences.first().start.year
        return reverse(name, kwargs={"year": year, "fmt": "csv"})
    return reverse(name)
