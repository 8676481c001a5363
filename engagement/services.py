"""Every write with business meaning in engagement: registration, applications, advice, decisions.

Services take keyword-only arguments (the acting person first), run in a transaction, raise
``ValidationError`` with German messages per field, and write the mail into the outbox in the
same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from accounts.services import find_user_by_email, send_templated_mail
from municipalities.models import BuildingBlock, CostType, District, FundingProgramme, Municipality
from municipalities.permissions import is_ki_staff
from volunteers.accounts import ConfirmationProblem, _signup_mail_allowed

from . import permissions
from .iban import validate_iban
from .models import (
    AdviceMeeting,
    AnnualBudget,
    Application,
    ContractTemplate,
    CostItem,
    ForwardingContract,
    Organisation,
    OrganisationMember,
    PaymentRequest,
    ProofOfUse,
    Receipt,
)
from .workflow import (
    ORGANISATION_EDITABLE,
    PROOF_EDITABLE,
    PROOF_TRANSITIONS,
    TRANSITIONS,
    Decision,
    ProofDecision,
)

CONFIRM_SALT = "organisation-confirm"
CONFIRM_MAX_AGE = timedelta(days=3)


def _euro(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True) + " €"


# --- registration with double opt-in ------------------------------------------


def make_confirmation_token(member: OrganisationMember) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{member.user_id}.{member.organisation_id}")


def organisation_for_confirmation_token(token: str) -> OrganisationMember:
    """The membership behind a confirmation link, or ConfirmationProblem; reads only (mail
    scanners open every link), like the volunteers' opt-in."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationProblem("expired") from None
    except signing.BadSignature:
        raise ConfirmationProblem("invalid") from None
    user_id, _sep, organisation_id = value.partition(".")
    if not (user_id.isdigit() and organisation_id.isdigit()):
        raise ConfirmationProblem("invalid")
    member = (
        OrganisationMember.objects.filter(user_id=int(user_id), organisation_id=int(organisation_id))
        .select_related("user", "organisation__district")
        .first()
    )
    if member is None:
        raise ConfirmationProblem("invalid")
    if member.organisation.email_confirmed_at:
        raise ConfirmationProblem("already", member.user)
    return member


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    legal_form: str
    street: str
    postcode: str
    town: str
    municipality: Municipality | None = None


def _notify_ki_of_new_organisation(organisation: Organisation) -> None:
    send_templated_mail(
        to=organisation.district.ki_email,
        template="engagement_organisation_registered",
        context={"organisation": organisation, "list_path": reverse("engagement:organisations")},
        district_id=organisation.district_id,
        idempotency_key=f"organisation-registered:{organisation.pk}",
    )


@transaction.atomic
def register_organisation(
    *,
    district: District,
    details: OrganisationDetails,
    email: str = "",
    full_name: str = "",
    password: str = "",
    phone: str = "",
    user: User | None = None,
    language: str = "",
    now=None,
) -> Organisation | None:
    """Register an initiative with its contact person.

    A logged-in ``user`` has proven their address already: the organisation waits for the KI at
    once. Otherwise an inactive account is made and a confirmation link is mailed (double opt-in);
    an address that already has an account gets nothing created and no hint on the page (the
    result is None, as for the volunteers' sign-up).
    """
    password_hash = make_password(password) if user is None else ""  # hashed on every anonymous path
    now = now or timezone.now()
    if details.municipality is not None and details.municipality.district_id != district.pk:
        raise ValidationError({"municipality": _("Bitte wählen Sie eine Kommune aus der Liste.")})
    if user is not None:
        if OrganisationMember.objects.filter(user=user).exists():
            raise ValidationError(_("Sie vertreten bereits eine Organisation."))
        organisation = Organisation.objects.create(
            district=district, status=Organisation.Status.PENDING, email_confirmed_at=now, **details.__dict__
        )
        OrganisationMember.objects.create(organisation=organisation, user=user, is_contact=True, phone=phone)
        _notify_ki_of_new_organisation(organisation)
        return organisation
    email = User.objects.normalize_email(email)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if find_user_by_email(email) is not None:
        return None
    try:
        with transaction.atomic():
            account = User.objects.create_user(
                email=email, password=None, full_name=full_name.strip(), preferred_language=language,
                is_active=False,
            )  # fmt: skip
    except IntegrityError:
        return None  # the same address registered in the same moment
    account.password = password_hash
    account.save(update_fields=["password"])
    organisation = Organisation.objects.create(district=district, **details.__dict__)
    member = OrganisationMember.objects.create(
        organisation=organisation, user=account, is_contact=True, phone=phone
    )
    if _signup_mail_allowed(email):
        send_templated_mail(
            to=email,
            template="engagement_confirm_email",
            context={
                "user": account,
                "organisation": organisation,
                "confirm_path": reverse(
                    "engagement:confirm_email", kwargs={"token": make_confirmation_token(member)}
                ),
                "valid_days": CONFIRM_MAX_AGE.days,
                "district": district,
            },
            language=language,
            reply_to=district.ki_email,
            district_id=district.pk,
        )
    return organisation


@transaction.atomic
def confirm_organisation_email(*, token: str, now=None) -> User:
    member = organisation_for_confirmation_token(token)
    organisation = Organisation.objects.select_for_update().get(pk=member.organisation_id)
    if organisation.email_confirmed_at:  # a double click that waited for the lock
        raise ConfirmationProblem("already", member.user)
    organisation.email_confirmed_at = now or timezone.now()
    organisation.status = Organisation.Status.PENDING
    organisation.save(update_fields=["email_confirmed_at", "status"])
    user = User.objects.select_for_update().get(pk=member.user_id)
    user.is_active = True
    user.save(update_fields=["is_active"])
    _notify_ki_of_new_organisation(organisation)
    return user


def contact_addresses(organisation: Organisation) -> list[str]:
    return list(
        OrganisationMember.objects.filter(organisation=organisation, is_contact=True, user__is_active=True)
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def confirm_organisation(*, by: User, organisation: Organisation, now=None) -> Organisation:
    """KI staff confirm that the initiative exists and may apply."""
    organisation = Organisation.objects.select_for_update().select_related("district").get(pk=organisation.pk)
    if not is_ki_staff(by, organisation.district):
        raise PermissionDenied
    if organisation.status != Organisation.Status.PENDING:
        raise ValidationError(_("Nur Organisationen mit bestätigter E-Mail-Adresse können bestätigt werden."))
    organisation.status = Organisation.Status.CONFIRMED
    organisation.confirmed_at = now or timezone.now()
    organisation.confirmed_by = by
    organisation.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    send_templated_mail(
        to=contact_addresses(organisation),
        template="engagement_organisation_confirmed",
        context={"organisation": organisation, "home_path": reverse("engagement:home")},
        reply_to=organisation.district.ki_email,
        district_id=organisation.district_id,
        idempotency_key=f"organisation-confirmed:{organisation.pk}",
    )
    return organisation


# --- applications -------------------------------------------------------------


def cap_for(*, programme: FundingProgramme, district: District, year: int) -> Decimal | None:
    budget = AnnualBudget.objects.filter(programme=programme, district=district, year=year).first()
    return budget.effective_cap if budget else programme.cap_per_applicant


@dataclass(frozen=True)
class ApplicationData:
    measure_area: BuildingBlock
    title: str
    description: str
    municipalities: list[Municipality]
    target_groups: list
    starts_on: date
    ends_on: date
    expected_volunteers: int
    expected_newcomers: int
    requested_amount: Decimal
    cost_lines: list[tuple[CostType, str, Decimal]]  # (cost type, explanation, amount)


def application_rule_errors(
    *, organisation: Organisation, programme: FundingProgramme, data: ApplicationData
) -> dict[str, list[str]]:
    """The programme's rules for one application, as German messages per field (empty: all kept)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not programme.funds_local_initiatives:
        add("__all__", _("Aus diesem Förderprogramm können Initiativen keine Mittel beantragen."))
    if data.measure_area.programme_id != programme.pk:
        add("measure_area", _("Der Maßnahmenbereich gehört nicht zu diesem Förderprogramm."))
    if data.ends_on < data.starts_on:
        add("ends_on", _("Das Ende liegt vor dem Beginn."))
    for field, day in (("starts_on", data.starts_on), ("ends_on", data.ends_on)):
        if not programme.is_active_on(day):
            add(
                field,
                _("Der Zeitraum muss innerhalb der Laufzeit des Programms liegen (%(start)s bis %(end)s).")
                % {
                    "start": formats.date_format(programme.valid_from, "SHORT_DATE_FORMAT")
                    if programme.valid_from
                    else "…",
                    "end": formats.date_format(programme.valid_to, "SHORT_DATE_FORMAT")
                    if programme.valid_to
                    else "…",
                },
            )
    if data.starts_on.year != data.ends_on.year and "ends_on" not in errors:
        add("ends_on", _("Ein Vorhaben wird je Förderjahr beantragt: Beginn und Ende liegen im selben Jahr."))
    for municipality in data.municipalities:
        if municipality.district_id != organisation.district_id:
            add("municipalities", _("Bitte wählen Sie Kommunen aus der Liste."))
            break
    if not data.cost_lines:
        add("__all__", _("Bitte tragen Sie mindestens eine Kostenposition in den Kostenplan ein."))
    for cost_type, _text, _amount in data.cost_lines:
        if cost_type.programme_id != programme.pk or not cost_type.is_eligible:
            add(
                "__all__",
                _("„%(cost_type)s“ ist in diesem Programm nicht förderfähig.")
                % {"cost_type": cost_type.name},
            )
    total = sum((amount for _type, _text, amount in data.cost_lines), Decimal("0"))
    if data.cost_lines and total != data.requested_amount:
        add(
            "requested_amount",
            _("Der beantragte Betrag (%(requested)s) muss der Summe des Kostenplans (%(total)s) entsprechen.")
            % {"requested": _euro(data.requested_amount), "total": _euro(total)},
        )
    cap = cap_for(programme=programme, district=organisation.district, year=data.starts_on.year)
    if cap is not None and data.requested_amount > cap:
        add(
            "requested_amount",
            _("Je Antragsteller und Jahr sind höchstens %(cap)s möglich.") % {"cap": _euro(cap)},
        )
    return errors


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _write(application: Application, data: ApplicationData) -> Application:
    for field in (
        "measure_area", "title", "description", "starts_on", "ends_on", "expected_volunteers",
        "expected_newcomers", "requested_amount",
    ):  # fmt: skip
        setattr(application, field, getattr(data, field))
    application.save()
    application.municipalities.set(data.municipalities)
    application.target_groups.set(data.target_groups)
    application.cost_items.all().delete()
    CostItem.objects.bulk_create(
        CostItem(application=application, cost_type=cost_type, description=text, amount=amount)
        for cost_type, text, amount in data.cost_lines
    )
    return application


@transaction.atomic
def create_application(
    *, by: User, organisation: Organisation, programme: FundingProgramme, data: ApplicationData
) -> Application:
    if permissions.organisation_of(by) != organisation or not organisation.is_confirmed:
        raise PermissionDenied
    _raise_if(application_rule_errors(organisation=organisation, programme=programme, data=data))
    application = Application(organisation=organisation, programme=programme, created_by=by)
    return _write(application, data)


@transaction.atomic
def update_application(*, by: User, application: Application, data: ApplicationData) -> Application:
    application = permissions.applications_editable_by(by).select_for_update().get(pk=application.pk)
    if application.status not in ORGANISATION_EDITABLE:
        raise ValidationError(_("Ein eingereichter Antrag kann nicht mehr geändert werden."))
    organisation = application.organisation
    _raise_if(application_rule_errors(organisation=organisation, programme=application.programme, data=data))
    return _write(application, data)


def _committed_by_organisation(application: Application) -> Decimal:
    """What the organisation already has pending or approved in the same programme and year."""
    others = Application.objects.filter(
        organisation=application.organisation,
        programme=application.programme,
        starts_on__year=application.funding_year,
    ).exclude(pk=application.pk)
    pending = others.filter(
        status__in=[Application.Status.SUBMITTED, Application.Status.CHANGES_REQUESTED]
    ).aggregate(total=Sum("requested_amount"))["total"] or Decimal("0")
    approved = others.filter(status=Application.Status.APPROVED).aggregate(total=Sum("approved_amount"))[
        "total"
    ] or Decimal("0")
    return pending + approved


@transaction.atomic
def submit_application(*, by: User, application: Application, now=None) -> Application:
    application = (
        permissions.applications_editable_by(by)
        .select_for_update(of=("self",))
        .select_related("organisation__district", "programme")
        .get(pk=application.pk)
    )
    if application.status not in TRANSITIONS["submit"].sources:
        raise ValidationError(_("Dieser Antrag ist bereits eingereicht."))
    items = list(application.cost_items.select_related("cost_type"))
    data = ApplicationData(
        measure_area=application.measure_area,
        title=application.title,
        description=application.description,
        municipalities=list(application.municipalities.all()),
        target_groups=list(application.target_groups.all()),
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        expected_volunteers=application.expected_volunteers,
        expected_newcomers=application.expected_newcomers,
        requested_amount=application.requested_amount,
        cost_lines=[(item.cost_type, item.description, item.amount) for item in items],
    )
    errors = application_rule_errors(
        organisation=application.organisation, programme=application.programme, data=data
    )
    cap = cap_for(
        programme=application.programme,
        district=application.organisation.district,
        year=application.funding_year,
    )
    if cap is not None and _committed_by_organisation(application) + application.requested_amount > cap:
        errors.setdefault("requested_amount", []).append(
            _(
                "Zusammen mit Ihren anderen Anträgen dieses Jahres wäre der Höchstbetrag von %(cap)s überschritten."
            )
            % {"cap": _euro(cap)}
        )
    _raise_if(errors)
    application.status = TRANSITIONS["submit"].target
    application.submitted_at = now or timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_application_submitted",
        context={"application": application},
        district_id=application.organisation.district_id,
    )
    return application


# --- advice meeting and decision ------------------------------------------------


@transaction.atomic
def record_advice_meeting(*, by: User, application: Application, held_on: date, notes: str) -> AdviceMeeting:
    application = permissions.applications_decidable_by(by).get(pk=application.pk)
    if held_on > timezone.localdate():
        raise ValidationError(
            {"held_on": _("Ein Beratungsgespräch kann erst erfasst werden, wenn es stattgefunden hat.")}
        )
    return AdviceMeeting.objects.create(application=application, held_on=held_on, notes=notes, recorded_by=by)


class BudgetExceeded(ValidationError):
    """The approval would commit more money than the year's budget has left."""


def committed_amount(*, budget: AnnualBudget) -> Decimal:
    return Application.objects.filter(
        programme=budget.programme_id,
        organisation__district=budget.district_id,
        starts_on__year=budget.year,
        status=Application.Status.APPROVED,
    ).aggregate(total=Sum("approved_amount"))["total"] or Decimal("0")


@transaction.atomic
def decide_application(
    *,
    by: User,
    application: Application,
    decision: Decision,
    amount: Decimal | None = None,
    comment: str = "",
    now=None,
) -> Application:
    """Approve (with an amount, at most the requested one), ask for changes or reject (with reasons).

    An approval locks the district's budget row of the funding year first, like the seats of a
    course: two KI staff approving the last euros at once are served one after the other, and the
    second sees what the first committed.
    """
    transition = TRANSITIONS[decision]
    application = (
        permissions.applications_decidable_by(by)
        .select_related("organisation__district", "programme")
        .get(pk=application.pk)
    )
    budget = None
    if decision == Decision.APPROVE:
        budget = (
            AnnualBudget.objects.select_for_update()
            .select_related("programme")
            .filter(
                programme=application.programme,
                district=application.organisation.district,
                year=application.funding_year,
            )
            .first()
        )
    # The application row after the budget row: every approver takes the locks in the same order.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in transition.sources:
        raise ValidationError(
            _("Über diesen Antrag kann so nicht entschieden werden (Status: %(status)s).")
            % {"status": application.get_status_display()}
        )
    if application.programme.advice_meeting_required and not application.advice_meetings.exists():
        raise ValidationError(_("Vor der Entscheidung muss ein Beratungsgespräch erfasst sein."))
    if decision == Decision.APPROVE:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Bitte geben Sie den bewilligten Betrag an.")})
        if amount > application.requested_amount:
            raise ValidationError(
                {"amount": _("Bewilligt werden kann höchstens der beantragte Betrag (%(amount)s).")
                 % {"amount": _euro(application.requested_amount)}}
            )  # fmt: skip
        if budget is None:
            raise ValidationError(
                _("Für %(year)s ist kein Budget hinterlegt.") % {"year": application.funding_year}
            )
        free = budget.amount - committed_amount(budget=budget)
        if amount > free:
            raise BudgetExceeded(
                {"amount": _("Das Budget %(year)s reicht dafür nicht: frei sind noch %(free)s.")
                 % {"year": budget.year, "free": _euro(max(free, Decimal("0")))}}
            )  # fmt: skip
        application.approved_amount = amount
    elif not comment.strip():
        raise ValidationError({"comment": _("Bitte begründen Sie die Entscheidung für die Initiative.")})
    application.status = transition.target
    application.decision_comment = comment.strip()
    application.decided_at = now or timezone.now()
    application.decided_by = by
    application.save()
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.REVIEW_DECISION,
        target=application,
        district_id=application.organisation.district_id,
        details={"decision": str(decision), "amount": str(amount) if amount is not None else ""},
    )
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_application_decided",
        context={"application": application, "detail_path": application.get_absolute_url()},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
    )
    return application


# --- forwarding contract ----------------------------------------------------------


@transaction.atomic
def conclude_forwarding_contract(
    *, by: User, application: Application, account_holder: str, iban: str
) -> ForwardingContract:
    """The organisation enters its bank details for an approved application; the contract is made
    from the district's template (terms copied, deadline for the proof of use set)."""
    application = (
        permissions.applications_editable_by(by)
        .select_for_update(of=("self",))
        .select_related("organisation__district")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.APPROVED:
        raise ValidationError(_("Ein Weiterleitungsvertrag wird erst nach der Bewilligung geschlossen."))
    if ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Für diesen Antrag gibt es bereits einen Weiterleitungsvertrag."))
    errors: dict[str, list[str]] = {}
    try:
        iban = validate_iban(iban)
    except ValidationError as error:
        errors["iban"] = error.messages
    if not account_holder.strip():
        errors["account_holder"] = [
            _("Bitte geben Sie den Namen der Kontoinhaberin oder des Kontoinhabers an.")
        ]
    _raise_if(errors)
    template, _created = ContractTemplate.objects.get_or_create(district=application.organisation.district)
    contract = ForwardingContract.objects.create(
        application=application,
        account_holder=account_holder.strip(),
        iban=iban,
        terms=template.terms,
        reporting_duties=template.reporting_duties,
        proof_due_on=application.ends_on + timedelta(days=template.proof_due_days),
        created_by=by,
    )
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_contract_concluded",
        context={"application": application, "contract": contract},
        district_id=application.organisation.district_id,
        idempotency_key=f"contract-concluded:{contract.pk}",
    )
    return contract


# --- payment requests (Mittelabruf) -----------------------------------------------------


@transaction.atomic
def request_payment(*, by: User, application: Application, amount: Decimal) -> PaymentRequest:
    """The organisation calls (part of) the approved money; all its requests together stay within it."""
    application = (
        permissions.applications_editable_by(by).select_for_update(of=("self",)).get(pk=application.pk)
    )
    if not ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Mittel können erst nach dem Weiterleitungsvertrag abgerufen werden."))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Der Betrag muss größer als 0 € sein.")})
    called = application.payment_requests.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    left = application.approved_amount - called
    if amount > left:
        raise ValidationError(
            {"amount": _("Abrufbar sind noch %(left)s.") % {"left": _euro(max(left, Decimal("0")))}}
        )
    payment = PaymentRequest.objects.create(application=application, amount=amount, requested_by=by)
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_payment_requested",
        context={"application": application, "payment": payment},
        district_id=application.organisation.district_id,
    )
    return payment


def _staff_payment(by: User, payment: PaymentRequest) -> PaymentRequest:
    return (
        PaymentRequest.objects.select_for_update()
        .filter(application__in=permissions.applications_decidable_by(by))
        .get(pk=payment.pk)
    )


@transaction.atomic
def approve_payment(*, by: User, payment: PaymentRequest, now=None) -> PaymentRequest:
    payment = _staff_payment(by, payment)
    if payment.status != PaymentRequest.Status.REQUESTED:
        raise ValidationError(_("Dieser Mittelabruf ist bereits freigegeben."))
    payment.status = PaymentRequest.Status.APPROVED
    payment.approved_at = now or timezone.now()
    payment.approved_by = by
    payment.save(update_fields=["status", "approved_at", "approved_by"])
    return payment


@transaction.atomic
def mark_payment_paid(*, by: User, payment: PaymentRequest, paid_on: date) -> PaymentRequest:
    payment = _staff_payment(by, payment)
    if payment.status != PaymentRequest.Status.APPROVED:
        raise ValidationError(_("Ausgezahlt werden kann nur ein freigegebener Mittelabruf."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Das Auszahlungsdatum liegt in der Zukunft.")})
    payment.status = PaymentRequest.Status.PAID
    payment.paid_on = paid_on
    payment.save(update_fields=["status", "paid_on"])
    application = payment.application
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_payment_paid",
        context={"application": application, "payment": payment},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
        idempotency_key=f"payment-paid:{payment.pk}",
    )
    return payment


# --- proof of use (Verwendungsnachweis) ---------------------------------------------------


@dataclass(frozen=True)
class ProofData:
    report: str
    volunteers_reached: int
    newcomers_reached: int
    newcomers_became_volunteers: int
    receipts: list[tuple[date, CostType, str, str, Decimal]]  # (date, cost type, payee, purpose, amount)


def proof_rule_errors(*, application: Application, data: ProofData) -> dict[str, list[str]]:
    """The rules for a receipts list, as German messages per field (empty: all kept)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.newcomers_became_volunteers > data.newcomers_reached:
        add(
            "newcomers_became_volunteers",
            _("Es können nicht mehr Neuzugewanderte ehrenamtlich aktiv geworden sein, als erreicht wurden."),
        )
    period = {
        "start": formats.date_format(application.starts_on, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(application.ends_on, "SHORT_DATE_FORMAT"),
    }
    for number, (paid_on, cost_type, _payee, _purpose, amount) in enumerate(data.receipts, start=1):
        if cost_type.programme_id != application.programme_id or not cost_type.is_eligible:
            add(
                "receipts",
                _("Beleg %(number)s: „%(cost_type)s“ ist in diesem Programm nicht förderfähig.")
                % {"number": number, "cost_type": cost_type.name},
            )
        if amount < 0:
            add("receipts", _("Beleg %(number)s: Der Betrag darf nicht negativ sein.") % {"number": number})
        if not application.starts_on <= paid_on <= application.ends_on:
            add(
                "receipts",
                _("Beleg %(number)s: Das Datum muss im geförderten Zeitraum liegen (%(start)s bis %(end)s).")
                % {"number": number, **period},
            )
    return errors


def _proof_application(by: User, application: Application) -> Application:
    application = (
        permissions.applications_editable_by(by)
        .select_for_update(of=("self",))
        .select_related("organisation__district", "programme")
        .get(pk=application.pk)
    )
    if not ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Ein Verwendungsnachweis folgt erst auf den Weiterleitungsvertrag."))
    return application


@transaction.atomic
def save_proof(*, by: User, application: Application, data: ProofData) -> ProofOfUse:
    """The organisation saves its report and receipts list (a draft, or a returned proof corrected)."""
    application = _proof_application(by, application)
    proof, _created = ProofOfUse.objects.select_for_update().get_or_create(application=application)
    if proof.status not in PROOF_EDITABLE:
        raise ValidationError(_("Ein eingereichter Verwendungsnachweis kann nicht mehr geändert werden."))
    _raise_if(proof_rule_errors(application=application, data=data))
    proof.report = data.report.strip()
    proof.volunteers_reached = data.volunteers_reached
    proof.newcomers_reached = data.newcomers_reached
    proof.newcomers_became_volunteers = data.newcomers_became_volunteers
    proof.save()
    proof.receipts.all().delete()
    Receipt.objects.bulk_create(
        Receipt(
            proof=proof, paid_on=paid_on, cost_type=cost_type, payee=payee, purpose=purpose, amount=amount
        )
        for paid_on, cost_type, payee, purpose, amount in data.receipts
    )
    return proof


@transaction.atomic
def submit_proof(*, by: User, application: Application, now=None) -> ProofOfUse:
    application = _proof_application(by, application)
    proof = ProofOfUse.objects.select_for_update().filter(application=application).first()
    if proof is None or proof.status not in PROOF_TRANSITIONS["submit"].sources:
        raise ValidationError(_("Dieser Verwendungsnachweis kann nicht eingereicht werden."))
    receipts = list(proof.receipts.select_related("cost_type"))
    data = ProofData(
        report=proof.report,
        volunteers_reached=proof.volunteers_reached,
        newcomers_reached=proof.newcomers_reached,
        newcomers_became_volunteers=proof.newcomers_became_volunteers,
        receipts=[(r.paid_on, r.cost_type, r.payee, r.purpose, r.amount) for r in receipts],
    )
    errors = proof_rule_errors(application=application, data=data)
    if not proof.report.strip():
        errors.setdefault("report", []).append(
            _("Bitte beschreiben Sie im Sachbericht, was stattgefunden hat.")
        )
    if not receipts:
        errors.setdefault("receipts", []).append(_("Bitte tragen Sie mindestens einen Beleg ein."))
    _raise_if(errors)
    proof.status = PROOF_TRANSITIONS["submit"].target
    proof.submitted_at = now or timezone.now()
    proof.save(update_fields=["status", "submitted_at", "updated_at"])
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_proof_submitted",
        context={"application": application, "proof": proof, "detail_path": proof.get_absolute_url()},
        district_id=application.organisation.district_id,
    )
    return proof


@transaction.atomic
def review_proof(
    *, by: User, proof: ProofOfUse, decision: ProofDecision, comment: str = "", now=None
) -> ProofOfUse:
    """KI staff accept a submitted proof, or return it with a comment for correction."""
    transition = PROOF_TRANSITIONS[decision]
    proof = (
        ProofOfUse.objects.select_for_update(of=("self",))
        .select_related("application__organisation__district")
        .filter(application__in=permissions.applications_decidable_by(by))
        .get(pk=proof.pk)
    )
    if proof.status not in transition.sources:
        raise ValidationError(
            _("Über diesen Verwendungsnachweis kann so nicht entschieden werden (Status: %(status)s).")
            % {"status": proof.get_status_display()}
        )
    if decision == ProofDecision.RETURN and not comment.strip():
        raise ValidationError({"comment": _("Bitte schreiben Sie der Initiative, was zu korrigieren ist.")})
    proof.status = transition.target
    proof.review_comment = comment.strip()
    proof.reviewed_at = now or timezone.now()
    proof.reviewed_by = by
    proof.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"])
    application = proof.application
    record_audit_event(
        actor=by, action=AuditEvent.Action.REVIEW_DECISION, target=proof,
        district_id=application.organisation.district_id, details={"proof_decision": str(decision)},
    )  # fmt: skip
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_proof_reviewed",
        context={"application": application, "proof": proof, "detail_path": proof.get_absolute_url()},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
    )
    return proof
