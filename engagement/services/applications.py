"""Applications: the programme's rules, drafts, submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from municipalities.models import BuildingBlock, CostType, District, FundingProgramme, Municipality
from outbox.services import send_templated_mail

from .. import permissions
from ..models import AnnualBudget, Application, CostItem, Organisation
from ..workflow import APPLICATION
from .common import euro, raise_if

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
            % {"requested": euro(data.requested_amount), "total": euro(total)},
        )
    cap = cap_for(programme=programme, district=organisation.district, year=data.starts_on.year)
    if cap is not None and data.requested_amount > cap:
        add(
            "requested_amount",
            _("Je Antragsteller und Jahr sind höchstens %(cap)s möglich.") % {"cap": euro(cap)},
        )
    return errors


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
    raise_if(application_rule_errors(organisation=organisation, programme=programme, data=data))
    application = Application(organisation=organisation, programme=programme, created_by=by)
    return _write(application, data)


@transaction.atomic
def update_application(*, by: User, application: Application, data: ApplicationData) -> Application:
    application = permissions.applications_editable_by(by).select_for_update().get(pk=application.pk)
    APPLICATION.check(
        "edit", application, by, message=_("Ein eingereichter Antrag kann nicht mehr geändert werden.")
    )
    organisation = application.organisation
    raise_if(application_rule_errors(organisation=organisation, programme=application.programme, data=data))
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
    APPLICATION.check("submit", application, by, message=_("Dieser Antrag ist bereits eingereicht."))
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
            % {"cap": euro(cap)}
        )
    raise_if(errors)
    application.status = APPLICATION.target_of("submit")
    application.submitted_at = now or timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.SUBMITTED_FOR_REVIEW,
        target=application,
        district_id=application.organisation.district_id,
        details={"amount": str(application.requested_amount)},
    )
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_application_submitted",
        context={"application": application},
        district_id=application.organisation.district_id,
    )
    return application
