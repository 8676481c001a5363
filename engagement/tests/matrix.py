"""Engagement's rows of the project's permission matrix (kreisintegration/tests/matrix.py).

Besides the project's six roles, two organisations: ``organisation_a`` owns the applications in
the URLs, ``organisation_b`` is another confirmed initiative of the same district and must be told
that they do not exist (404, GET and POST). ``engagement/tests/test_permission_matrix.py`` runs all
eight roles; the project's matrix runs its six on the same rows.
"""

from datetime import date
from decimal import Decimal
from functools import partial

from django.urls import reverse
from django.utils import timezone

from kreisintegration.tests import matrix_support

from ..models import (
    Application,
    InitiativeNewcomer,
    Organisation,
    PaymentRequest,
    Placement,
    PlacementInterest,
    ProofOfUse,
)
from ..services import make_confirmation_token
from .factories import (
    YEAR,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    make_receipt_file,
    member_of,
)

ORGANISATION_ROLES = ["organisation_a", "organisation_b"]
ROLES = matrix_support.ROLES + ORGANISATION_ROLES
everyone = partial(matrix_support.everyone, roles=ROLES)
only = partial(matrix_support.only, roles=ROLES)


STAFF_PAGE = {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}
STAFF_FORM = {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}  # an empty POST re-renders
MEMBERS = {"organisation_a": 200, "organisation_b": 200}
# Rows of organisation A's objects (organisation B is told they do not exist):
# A's form (an empty POST re-renders), A's one-click step, and what A and KI staff both read.
A_FORM = {
    "GET": only({"organisation_a": 200, "organisation_b": 404}),
    "POST": only({"organisation_a": 200, "organisation_b": 404}),
}
A_STEP = {
    "GET": only({"organisation_a": 405, "organisation_b": 404}),
    "POST": only({"organisation_a": 302, "organisation_b": 404}),
}
A_AND_STAFF_READ = {
    "GET": only({"organisation_a": 200, "organisation_b": 404, "ki_staff": 200}),
    "POST": only({"organisation_a": 405, "organisation_b": 404, "ki_staff": 405}),
}
STAFF_STEP = {"GET": only({"ki_staff": 405}), "POST": only({"ki_staff": 302})}

ENGAGEMENT_MATRIX = {
    # registration: anyone; an organisation's members are sent to their area
    "engagement:signup": (
        None,
        {
            "GET": {**everyone(200), "organisation_a": 302, "organisation_b": 302},
            "POST": {**everyone(200), "organisation_a": 302, "organisation_b": 302},
        },
    ),
    "engagement:signup_done": (None, {"GET": everyone(200), "POST": everyone(405)}),
    # The token is the credential; a logged-in stranger is told it is not their account.
    "engagement:confirm_email": (
        "engagement_confirm",
        {"GET": everyone(200), "POST": {**everyone(200), "anonymous": 302}},
    ),
    "engagement:home": (None, {"GET": only(MEMBERS), "POST": only(dict.fromkeys(MEMBERS, 405))}),
    "engagement:application_create": (None, {"GET": only(MEMBERS), "POST": only(MEMBERS)}),
    # organisation A's submitted application: B is told it does not exist
    "engagement:application_detail": ("engagement_application", A_AND_STAFF_READ),
    # organisation A's draft: only A edits and submits it (KI staff do not edit applications)
    "engagement:application_update": ("engagement_draft", A_FORM),
    "engagement:application_submit": ("engagement_draft", A_STEP),
    # organisation A's approved applications: bank details (only A) and the contract PDF (A and KI staff)
    "engagement:contract_create": ("engagement_approved", A_FORM),
    "engagement:contract_pdf": ("engagement_contracted", A_AND_STAFF_READ),
    "engagement:payment_request": ("engagement_contracted", A_FORM),  # an empty POST re-renders
    # organisation A's proof of use: A writes and submits it, A and KI staff read it, B is told it does not exist
    "engagement:proof_detail": ("engagement_proof_submitted", A_AND_STAFF_READ),
    "engagement:proof_edit": ("engagement_contracted", A_FORM),  # an empty POST re-renders
    "engagement:proof_submit": ("engagement_proof_draft", A_STEP),
    # receipt files: A uploads and removes them while the proof is editable; A and KI staff download them
    "engagement:receipt_file_upload": ("engagement_contracted", A_FORM),  # an empty POST re-renders
    "engagement:receipt_file": ("engagement_receipt_file", A_AND_STAFF_READ),
    "engagement:receipt_file_delete": ("engagement_receipt_file_draft", A_STEP),
    # newcomers active in A's initiative: A records them while the proof is editable; A or KI staff
    # record a withdrawal
    "engagement:initiative_newcomer_add": ("engagement_proof_draft", A_FORM),  # an empty POST re-renders
    "engagement:initiative_newcomer_withdraw": (
        "engagement_initiative_newcomer",
        {
            "GET": only({"organisation_a": 405, "organisation_b": 404, "ki_staff": 405}),
            "POST": only({"organisation_a": 302, "organisation_b": 404, "ki_staff": 302}),
        },
    ),
    "engagement:proof_review": ("engagement_proof_submitted", STAFF_STEP),
    # KI staff record a repayment after the proof (the form; an empty POST re-renders with its errors)
    "engagement:repayment": ("engagement_proof_submitted", STAFF_FORM),
    # KI staff: release a payment request, then record the payment
    "engagement:payment_approve": ("engagement_payment", STAFF_STEP),
    "engagement:payment_paid": ("engagement_payment_approved", STAFF_STEP),
    # KI staff
    "engagement:organisations": (None, STAFF_PAGE),
    "engagement:organisation_confirm": ("engagement_pending_organisation", STAFF_STEP),
    "engagement:applications": (None, STAFF_PAGE),
    "engagement:advice_meeting": ("engagement_application", STAFF_FORM),
    "engagement:decide": ("engagement_application", STAFF_FORM),
    "engagement:proofs": (None, STAFF_PAGE),
    "engagement:budget": (None, STAFF_PAGE),
    "engagement:budget_xlsx": (None, STAFF_PAGE),
    "engagement:reports_pdf": (None, STAFF_PAGE),
    "engagement:budget_edit": ("engagement_budget_year", STAFF_FORM),
    # volunteer placements: volunteers of the district find them and answer (an empty POST says
    # "interested, nothing shared"; withdrawing without an interest is refused with a message)
    "engagement:placements": (None, {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 405})}),
    "engagement:placement_detail": (
        "engagement_placement",
        {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 302})},
    ),
    "engagement:interest_withdraw": (
        "engagement_placement",
        {"GET": only({"volunteer": 405}), "POST": only({"volunteer": 302})},
    ),
    # organisation A's placement: A and KI staff manage it, B is told it does not exist
    "engagement:placement_manage_list": (
        None,
        {
            "GET": only({**MEMBERS, "ki_staff": 200}),
            "POST": only({**dict.fromkeys(MEMBERS, 405), "ki_staff": 405}),
        },
    ),
    "engagement:placement_create": (
        None,
        {"GET": only({**MEMBERS, "ki_staff": 200}), "POST": only({**MEMBERS, "ki_staff": 200})},
    ),
    "engagement:placement_manage": (
        "engagement_placement",
        {
            "GET": only({"organisation_a": 200, "organisation_b": 404, "ki_staff": 200}),
            # read-only page: a POST is refused before any lookup, whoever owns the placement
            "POST": only({"organisation_a": 405, "organisation_b": 405, "ki_staff": 405}),
        },
    ),
    "engagement:placement_update": (
        "engagement_placement",
        {
            "GET": only({"organisation_a": 200, "organisation_b": 404, "ki_staff": 200}),
            "POST": only({"organisation_a": 200, "organisation_b": 404, "ki_staff": 200}),
        },
    ),
    "engagement:placement_close": (
        "engagement_placement",
        {
            "GET": only({"organisation_a": 405, "organisation_b": 405, "ki_staff": 405}),
            "POST": only({"organisation_a": 302, "organisation_b": 404, "ki_staff": 302}),
        },
    ),
    "engagement:interest_placed": (
        "engagement_interest",
        {
            "GET": only({"organisation_a": 405, "organisation_b": 405, "ki_staff": 405}),
            "POST": only({"organisation_a": 302, "organisation_b": 404, "ki_staff": 302}),
        },
    ),
    # external qualification proofs: volunteers upload their own (an empty POST re-renders); the
    # proof in the URL is another volunteer's, so the volunteer is told it does not exist
    "engagement:qualification_proofs": (
        None,
        {"GET": only({"volunteer": 200}), "POST": only({"volunteer": 200})},
    ),
    "engagement:qualification_proof_file": (
        "engagement_qualification_proof",
        {"GET": only({"volunteer": 404, "ki_staff": 200}), "POST": only({"volunteer": 405, "ki_staff": 405})},
    ),
    "engagement:qualification_proof_reviews": (None, STAFF_PAGE),
    "engagement:qualification_proof_review": ("engagement_qualification_proof", STAFF_FORM),
}


def engagement_objects(*, district) -> dict:
    organisation_a = make_organisation(district, name="Begegnungscafé Bönen e. V.", full_name="Ayşe Demir")
    organisation_b = make_organisation(
        district, name="Ukrainischer Verein Schwerte", full_name="Olena Kovalenko"
    )
    unconfirmed = make_organisation(
        district,
        name="Nachbarschaftshilfe Selm",
        full_name="Karim Mansour",
        status=Organisation.Status.UNCONFIRMED,
    )
    make_budget(district)
    contracted = make_contract(
        make_application(organisation_a, title="Mit Vertrag", status=Application.Status.APPROVED, advice=True)
    ).application
    proof_submitted = make_contract(
        make_application(organisation_a, title="Nachweis eingereicht", status=Application.Status.APPROVED)
    ).application
    submitted_proof = make_proof(proof_submitted)
    receipt_file = make_receipt_file(submitted_proof)
    proof_draft = make_contract(
        make_application(organisation_a, title="Nachweis im Entwurf", status=Application.Status.APPROVED)
    ).application
    receipt_file_draft = make_receipt_file(make_proof(proof_draft, status=ProofOfUse.Status.DRAFT))
    return {
        "engagement_contracted": contracted,
        "engagement_proof_submitted": proof_submitted,
        "engagement_proof_draft": proof_draft,
        "engagement_receipt_file": receipt_file,
        "engagement_receipt_file_draft": receipt_file_draft,
        "engagement_initiative_newcomer": InitiativeNewcomer.objects.create(
            proof=submitted_proof,
            full_name="Hamid Rahimi",
            consent_on=date(YEAR, 6, 1),
            consent_version="2026-12",
        ),
        "engagement_payment": PaymentRequest.objects.create(application=contracted, amount=Decimal("300")),
        "engagement_payment_approved": PaymentRequest.objects.create(
            application=contracted, amount=Decimal("200"), status=PaymentRequest.Status.APPROVED
        ),
        "engagement_application": make_application(organisation_a, advice=True),
        "engagement_draft": make_application(
            organisation_a, title="Entwurf", status=Application.Status.DRAFT
        ),
        "engagement_approved": make_application(
            organisation_a, title="Bewilligt", status=Application.Status.APPROVED, advice=True
        ),
        "engagement_pending_organisation": make_organisation(
            district,
            name="Jesidischer Kulturverein Werne",
            full_name="Nadia Murad",
            status=Organisation.Status.PENDING,
        ),
        "engagement_confirm": make_confirmation_token(unconfirmed.members.get()),
        "engagement_budget_year": YEAR,
        **placement_objects(district=district, organisation=organisation_a),
        "engagement_users": {
            "organisation_a": member_of(organisation_a),
            "organisation_b": member_of(organisation_b),
        },
    }


def placement_objects(*, district, organisation) -> dict:
    """Organisation A's placement in Unna, and a volunteer's interest in it with contact data released."""
    from municipalities.models import Municipality
    from volunteers.tests.factories import make_volunteer

    placement = Placement.objects.create(
        district=district,
        organisation=organisation,
        municipality=Municipality.objects.get(district=district, slug="unna"),
        title="Sprachmittlung im Familienzentrum",
        description="Begleitung zu Elterngesprächen.",
        schedule="dienstags 15–17 Uhr",
        contact="02303 123456",
    )
    interested = make_volunteer(district, full_name="Rasha Al-Khatib", email="rasha@example.org")
    interest = PlacementInterest.objects.create(
        placement=placement,
        user=interested.user,
        contact_consent_at=timezone.now(),
        contact_consent_version="2026-12",
    )
    return {
        "engagement_placement": placement,
        "engagement_interest": interest,
        "engagement_qualification_proof": qualification_proof(district=district, volunteer=interested),
    }


def qualification_proof(*, district, volunteer):
    """Rasha's uploaded first-aid certificate, waiting for KI staff."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from volunteers.models import Qualification

    from ..qualification_proofs import upload_qualification_proof
    from .factories import PDF_BYTES

    first_aid = Qualification.objects.create(
        district=district, name="Erste Hilfe", slug="erste-hilfe-matrix", validity_months=24
    )
    return upload_qualification_proof(
        by=volunteer.user,
        qualification=first_aid,
        earned_on=timezone.localdate(),
        upload=SimpleUploadedFile("erste-hilfe.pdf", PDF_BYTES),
    )


def engagement_url(name: str, key: str, objects) -> str:
    if key == "engagement_confirm":
        return reverse(name, kwargs={"token": objects[key]})
    if key.startswith("engagement_receipt_file"):
        receipt_file = objects[key]
        return reverse(name, kwargs={"pk": receipt_file.proof.application_id, "file_pk": receipt_file.pk})
    if key == "engagement_initiative_newcomer":
        newcomer = objects[key]
        return reverse(name, kwargs={"pk": newcomer.proof.application_id, "newcomer_pk": newcomer.pk})
    if key == "engagement_budget_year":
        return reverse(name, kwargs={"year": objects[key]})
    return reverse(name, kwargs={"pk": objects[key].pk})
