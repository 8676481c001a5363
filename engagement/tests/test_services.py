"""The programme's rules, the advice-meeting precondition, decisions, the budget and the opt-in."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, User
from municipalities.models import BuildingBlock, FundingProgramme
from outbox.models import OutboxMail
from volunteers.selfservice.signup import ConfirmationProblem

from .. import services
from ..models import AdviceMeeting, Application, Organisation
from ..selectors import budget_overview
from ..workflow import Decision
from .factories import (
    YEAR,
    cost_type,
    make_application,
    make_budget,
    make_organisation,
    member_of,
    successor_programme,
)

pytestmark = pytest.mark.django_db


def data(
    *,
    amount="1500.00",
    lines=None,
    starts_on=date(YEAR, 4, 1),
    ends_on=date(YEAR, 10, 31),
    area="1",
    municipalities=(),
):
    programme = successor_programme()
    return services.ApplicationData(
        measure_area=programme.building_blocks.get(code=area),
        title="Patenschaften für Familien aus der Ukraine",
        description="Ehrenamtliche begleiten Familien zu Ämtern und Schulen.",
        municipalities=list(municipalities),
        target_groups=[],
        starts_on=starts_on,
        ends_on=ends_on,
        expected_volunteers=8,
        expected_newcomers=30,
        requested_amount=Decimal(amount),
        cost_lines=lines
        if lines is not None
        else [
            (cost_type("honorare"), "Schulung", Decimal("900.00")),
            (cost_type("fahrtkosten"), "", Decimal("600.00")),
        ],
    )


# --- programme as data ------------------------------------------------------------------


def test_successor_programme_is_seeded_with_five_measure_areas_and_material_cost_types_only():
    programme = successor_programme()
    assert programme.name == "Ehrenamt im Kontext (Integration und) Prävention"
    assert (programme.valid_from, programme.valid_to) == (date(2025, 1, 1), date(2028, 12, 31))
    assert programme.building_blocks.count() == 5
    assert programme.building_blocks.filter(name__icontains="Demokratiebildung").exists()
    assert programme.get_area_kind_display() == "Maßnahmenbereich"
    assert programme.advice_meeting_required and programme.funds_local_initiatives
    assert not programme.cost_types.get(code="personal").is_eligible
    assert programme.cost_types.filter(is_eligible=True).count() == 6


def test_komm_an_stays_a_historical_programme_that_ended_in_2024():
    successor_programme()
    komm_an = FundingProgramme.objects.get(code="komm-an-nrw-2")
    assert komm_an.valid_to == date(2024, 12, 31)
    assert not komm_an.funds_local_initiatives
    assert not komm_an.is_active_on(date(2025, 1, 1))
    assert set(BuildingBlock.objects.filter(programme=komm_an).values_list("code", flat=True)) == {
        "A",
        "B",
        "C",
        "D",
    }


# --- eligibility rules ----------------------------------------------------------------------


def test_valid_application_is_saved_as_draft_with_its_cost_plan(district, unna):
    organisation = make_organisation(district)
    application = services.create_application(
        by=member_of(organisation),
        organisation=organisation,
        programme=successor_programme(),
        data=data(municipalities=[unna]),
    )
    assert application.status == Application.Status.DRAFT
    assert sum(item.amount for item in application.cost_items.all()) == Decimal("1500.00")
    assert list(application.municipalities.all()) == [unna]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"amount": "2500.00", "lines": None}, "requested_amount", "höchstens 2.000,00 €"),
        ({"amount": "1000.00"}, "requested_amount", "Summe des Kostenplans (1.500,00 €)"),
        ({"starts_on": date(2028, 12, 1), "ends_on": date(2029, 1, 31)}, "ends_on", "Laufzeit des Programms"),
        (
            {"starts_on": date(2024, 11, 1), "ends_on": date(2024, 12, 31)},
            "starts_on",
            "Laufzeit des Programms",
        ),
        ({"starts_on": date(YEAR, 11, 1), "ends_on": date(YEAR + 1, 2, 28)}, "ends_on", "selben Jahr"),
        ({"starts_on": date(YEAR, 6, 1), "ends_on": date(YEAR, 5, 1)}, "ends_on", "vor dem Beginn"),
    ],
)
def test_rules_refuse_an_application_with_a_german_message_on_the_field(district, kwargs, field, message):
    organisation = make_organisation(district)
    if kwargs.get("amount") == "2500.00":
        kwargs["lines"] = [(cost_type("material"), "", Decimal("2500.00"))]
    with pytest.raises(ValidationError) as error:
        services.create_application(
            by=member_of(organisation),
            organisation=organisation,
            programme=successor_programme(),
            data=data(**kwargs),
        )
    assert any(message in text for text in error.value.message_dict[field]), error.value.message_dict
    assert not Application.objects.exists()


def test_personnel_costs_are_refused_as_not_eligible(district):
    organisation = make_organisation(district)
    lines = [(cost_type("personal"), "Minijob", Decimal("1500.00"))]
    with pytest.raises(ValidationError) as error:
        services.create_application(
            by=member_of(organisation),
            organisation=organisation,
            programme=successor_programme(),
            data=data(lines=lines),
        )
    assert "„Personalkosten“ ist in diesem Programm nicht förderfähig." in error.value.messages


def test_a_district_budget_can_set_a_lower_local_cap(district):
    organisation = make_organisation(district)
    make_budget(district, cap="1000")
    with pytest.raises(ValidationError) as error:
        services.create_application(
            by=member_of(organisation),
            organisation=organisation,
            programme=successor_programme(),
            data=data(),
        )
    assert (
        "Je Antragsteller und Jahr sind höchstens 1.000,00 € möglich."
        in error.value.message_dict["requested_amount"]
    )


def test_municipality_of_another_district_is_refused(district):
    from municipalities.tests.factories import DistrictFactory, MunicipalityFactory

    soest = MunicipalityFactory(
        district=DistrictFactory(name="Kreis Soest", ags_prefix="05974"), name="Werl", ags="05974044"
    )
    organisation = make_organisation(district)
    with pytest.raises(ValidationError) as error:
        services.create_application(
            by=member_of(organisation),
            organisation=organisation,
            programme=successor_programme(),
            data=data(municipalities=[soest]),
        )
    assert "municipalities" in error.value.message_dict


def test_unconfirmed_organisation_cannot_apply(district):
    organisation = make_organisation(district, status=Organisation.Status.PENDING)
    with pytest.raises(PermissionDenied):
        services.create_application(
            by=member_of(organisation),
            organisation=organisation,
            programme=successor_programme(),
            data=data(),
        )


def test_submit_counts_the_organisations_other_applications_of_the_year_against_the_cap(district):
    organisation = make_organisation(district)
    make_application(organisation, amount="1500.00", status=Application.Status.SUBMITTED)
    draft = make_application(
        organisation, title="Zweites Vorhaben", amount="800.00", status=Application.Status.DRAFT
    )
    with pytest.raises(ValidationError) as error:
        services.submit_application(by=member_of(organisation), application=draft)
    assert "Höchstbetrag von 2.000,00 € überschritten" in error.value.message_dict["requested_amount"][0]
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submitting_moves_draft_to_submitted_and_tells_the_ki(district):
    organisation = make_organisation(district)
    draft = make_application(organisation, status=Application.Status.DRAFT)
    services.submit_application(by=member_of(organisation), application=draft)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED and draft.submitted_at
    mail = OutboxMail.objects.get(template="engagement_application_submitted")
    assert mail.recipients == [district.ki_email]


def test_another_organisation_cannot_submit_or_edit_the_application(district):
    own = make_organisation(district)
    other = make_organisation(district, name="Frauentreff Lünen", full_name="Olena Kovalenko")
    draft = make_application(own, status=Application.Status.DRAFT)
    with pytest.raises(Application.DoesNotExist):
        services.submit_application(by=member_of(other), application=draft)
    with pytest.raises(Application.DoesNotExist):
        services.update_application(by=member_of(other), application=draft, data=data())


# --- advice meeting and decision ------------------------------------------------------------


def test_application_cannot_be_decided_before_an_advice_meeting_is_recorded(district, ki_staff):
    make_budget(district)
    application = make_application(make_organisation(district))
    for decision in Decision:
        with pytest.raises(ValidationError, match="Beratungsgespräch"):
            services.decide_application(
                by=ki_staff,
                application=application,
                decision=decision,
                amount=Decimal("100"),
                comment="Begründung",
            )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    services.record_advice_meeting(
        by=ki_staff, application=application, held_on=date(YEAR, 2, 1), notes="Telefonat"
    )
    services.decide_application(
        by=ki_staff, application=application, decision=Decision.APPROVE, amount=Decimal("1000")
    )
    application.refresh_from_db()
    assert (application.status, application.approved_amount) == (
        Application.Status.APPROVED,
        Decimal("1000.00"),
    )


def test_advice_meeting_in_the_future_is_refused(district, ki_staff):
    application = make_application(make_organisation(district))
    with pytest.raises(ValidationError) as error:
        services.record_advice_meeting(
            by=ki_staff, application=application, held_on=date(2099, 1, 1), notes="geplant"
        )
    assert "held_on" in error.value.message_dict
    assert not AdviceMeeting.objects.exists()


def test_approval_mails_the_contact_and_writes_an_audit_entry(district, ki_staff):
    make_budget(district)
    organisation = make_organisation(district, email="kontakt@cafe-boenen.example")
    application = make_application(organisation, advice=True)
    services.decide_application(
        by=ki_staff,
        application=application,
        decision=Decision.APPROVE,
        amount=Decimal("900"),
        comment="Gekürzt: Catering",
    )
    mail = OutboxMail.objects.get(template="engagement_application_decided")
    assert mail.recipients == ["kontakt@cafe-boenen.example"]
    assert "bewilligt: 900,00 €" in mail.text_body
    assert "bewilligt" in mail.subject
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REVIEW_DECISION, object_id=str(application.pk)
    ).exists()


def test_approved_amount_may_be_lower_but_not_higher_than_requested(district, ki_staff):
    make_budget(district)
    application = make_application(make_organisation(district), amount="1200.00", advice=True)
    with pytest.raises(ValidationError) as error:
        services.decide_application(
            by=ki_staff, application=application, decision=Decision.APPROVE, amount=Decimal("1300")
        )
    assert "höchstens der beantragte Betrag" in error.value.message_dict["amount"][0]


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.REQUEST_CHANGES])
def test_rejection_and_change_request_need_a_reason(district, ki_staff, decision):
    application = make_application(make_organisation(district), advice=True)
    with pytest.raises(ValidationError) as error:
        services.decide_application(by=ki_staff, application=application, decision=decision, comment="  ")
    assert "comment" in error.value.message_dict
    services.decide_application(
        by=ki_staff, application=application, decision=decision, comment="Zeitraum zu lang"
    )
    application.refresh_from_db()
    assert application.decision_comment == "Zeitraum zu lang"
    assert OutboxMail.objects.filter(template="engagement_application_decided").count() == 1


def test_application_returned_for_changes_can_be_edited_and_submitted_again(district, ki_staff):
    organisation = make_organisation(district)
    application = make_application(organisation, advice=True)
    services.decide_application(
        by=ki_staff,
        application=application,
        decision=Decision.REQUEST_CHANGES,
        comment="Bitte Kostenplan aufteilen",
    )
    services.update_application(by=member_of(organisation), application=application, data=data())
    services.submit_application(by=member_of(organisation), application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_approval_beyond_the_free_budget_is_refused_with_the_free_amount(district, ki_staff):
    make_budget(district, amount="2500")
    first = make_application(make_organisation(district), amount="1500.00", advice=True)
    second = make_application(
        make_organisation(district, name="Afghanischer Kulturverein Kamen", full_name="Farid Ahmadi"),
        amount="1500.00",
        advice=True,
    )
    services.decide_application(
        by=ki_staff, application=first, decision=Decision.APPROVE, amount=Decimal("1500")
    )
    with pytest.raises(ValidationError) as error:
        services.decide_application(
            by=ki_staff, application=second, decision=Decision.APPROVE, amount=Decimal("1500")
        )
    assert error.value.message_dict["amount"] == [
        "Das Budget 2026 reicht dafür nicht: frei sind noch 1.000,00 €."
    ]
    services.decide_application(
        by=ki_staff, application=second, decision=Decision.APPROVE, amount=Decimal("1000")
    )
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    assert (overview.approved, overview.free) == (Decimal("2500.00"), Decimal("0.00"))


def test_approval_without_a_budget_for_the_year_is_refused(district, ki_staff):
    application = make_application(make_organisation(district), advice=True)
    with pytest.raises(ValidationError, match="kein Budget"):
        services.decide_application(
            by=ki_staff, application=application, decision=Decision.APPROVE, amount=Decimal("10")
        )


def test_decided_application_cannot_be_decided_again(district, ki_staff):
    make_budget(district)
    application = make_application(make_organisation(district), advice=True)
    services.decide_application(
        by=ki_staff, application=application, decision=Decision.REJECT, comment="Kein Bezug zur Integration"
    )
    with pytest.raises(ValidationError, match="Status: abgelehnt"):
        services.decide_application(
            by=ki_staff, application=application, decision=Decision.APPROVE, amount=Decimal("10")
        )


def test_ki_staff_of_another_district_cannot_decide(district, ki_staff):
    from municipalities.models import DistrictRole
    from municipalities.tests.factories import DistrictFactory, make_district_role

    soest_staff = make_district_role(
        DistrictFactory(name="Kreis Soest", ags_prefix="05974"), DistrictRole.Role.KI_STAFF
    )
    application = make_application(make_organisation(district), advice=True)
    with pytest.raises(Application.DoesNotExist):
        services.decide_application(
            by=soest_staff, application=application, decision=Decision.REJECT, comment="x"
        )


def test_budget_overview_counts_planned_and_approved_per_measure_area(district, ki_staff):
    make_budget(district, amount="10000")
    organisation = make_organisation(district)
    approved = make_application(organisation, amount="1000.00", area_code="5", advice=True)
    services.decide_application(
        by=ki_staff, application=approved, decision=Decision.APPROVE, amount=Decimal("800")
    )
    make_application(organisation, title="Planung", amount="700.00", area_code="5")
    make_application(
        organisation, title="Entwurf", amount="300.00", area_code="5", status=Application.Status.DRAFT
    )
    line = next(
        line
        for line in budget_overview(district=district, programme=successor_programme(), year=YEAR).lines
        if line.area.code == "5"
    )
    assert (line.planned, line.approved, line.applications) == (Decimal("700.00"), Decimal("800.00"), 2)


# --- organisations: registration with double opt-in -----------------------------------------------


def details(**kwargs):
    return services.OrganisationDetails(
        name="Syrischer Elternverein Unna",
        legal_form="ev",
        street="Massener Str. 5",
        postcode="59423",
        town="Unna",
        **kwargs,
    )


def test_registration_creates_an_inactive_account_and_mails_a_confirmation_link(district):
    organisation = services.register_organisation(
        district=district, details=details(), email="Kontakt@Elternverein.example", full_name="Rami Haddad",
        password="geheim-und-lang-2026",
    )  # fmt: skip
    user = User.objects.get(email="kontakt@elternverein.example")
    assert not user.is_active
    assert organisation.status == Organisation.Status.UNCONFIRMED
    mail = OutboxMail.objects.get(template="engagement_confirm_email")
    assert "/initiativen/bestaetigen/" in mail.text_body


def test_confirmation_link_activates_the_account_once_and_notifies_the_ki(district):
    organisation = services.register_organisation(
        district=district, details=details(), email="kontakt@elternverein.example", full_name="Rami Haddad",
        password="geheim-und-lang-2026",
    )  # fmt: skip
    token = services.make_confirmation_token(organisation.members.get())
    user = services.confirm_organisation_email(token=token)
    organisation.refresh_from_db()
    assert user.is_active and organisation.status == Organisation.Status.PENDING
    assert OutboxMail.objects.get(template="engagement_organisation_registered").recipients == [
        district.ki_email
    ]
    with pytest.raises(ConfirmationProblem) as problem:
        services.confirm_organisation_email(token=token)
    assert problem.value.reason == "already"


def test_registration_with_a_known_address_creates_nothing(district, volunteer):
    result = services.register_organisation(
        district=district,
        details=details(),
        email=volunteer.email,
        full_name="Jemand",
        password="geheim-und-lang-2026",
    )
    assert result is None
    assert not Organisation.objects.exists()


def test_ki_confirms_a_pending_organisation_and_the_contact_is_told(district, ki_staff, contact_unna):
    organisation = make_organisation(
        district, status=Organisation.Status.PENDING, email="info@verein.example"
    )
    with pytest.raises(PermissionDenied):
        services.confirm_organisation(by=contact_unna, organisation=organisation)
    services.confirm_organisation(by=ki_staff, organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.is_confirmed and organisation.confirmed_by == ki_staff
    assert OutboxMail.objects.get(template="engagement_organisation_confirmed").recipients == [
        "info@verein.example"
    ]


def test_unconfirmed_address_cannot_be_confirmed_by_the_ki(district, ki_staff):
    organisation = make_organisation(district, status=Organisation.Status.UNCONFIRMED)
    with pytest.raises(ValidationError):
        services.confirm_organisation(by=ki_staff, organisation=organisation)
