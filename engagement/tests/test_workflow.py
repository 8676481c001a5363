"""The grant application's and the proof of use's workflow tables: every step outside them is
refused with the service's message, and only the allowed steps are offered."""

import pytest
from django.core.exceptions import ValidationError

from .. import services
from ..models import Application, ProofOfUse
from ..workflow import APPLICATION, PROOF, Decision, ProofDecision, allowed_actions, proof_allowed_actions
from .factories import make_application, make_contract, make_organisation, make_proof, member_of

pytestmark = pytest.mark.django_db

Status = Application.Status
ProofStatus = ProofOfUse.Status


def outside(workflow, action, statuses):
    return [status for status in statuses if status not in workflow[action].sources]


@pytest.fixture
def organisation(district):
    return make_organisation(district)


@pytest.mark.parametrize("status", outside(APPLICATION, "edit", Status.values))
def test_the_applicant_edits_only_where_the_table_allows(organisation, status):
    application = make_application(organisation, status=status)
    # The state is checked before the data is read.
    with pytest.raises(ValidationError, match="Ein eingereichter Antrag kann nicht mehr geändert werden"):
        services.update_application(by=member_of(organisation), application=application, data=None)


@pytest.mark.parametrize("status", outside(APPLICATION, "submit", Status.values))
def test_the_applicant_submits_only_where_the_table_allows(organisation, status):
    application = make_application(organisation, status=status)
    with pytest.raises(ValidationError, match="Dieser Antrag ist bereits eingereicht"):
        services.submit_application(by=member_of(organisation), application=application)
    application.refresh_from_db()
    assert application.status == status


# Drafts are not KI staff's to see: the scoped queryset answers before the table.
@pytest.mark.parametrize("decision", Decision.values)
@pytest.mark.parametrize(
    "status", outside(APPLICATION, "approve", [s for s in Status.values if s != Status.DRAFT])
)
def test_decisions_only_where_the_table_allows(organisation, ki_staff, decision, status):
    application = make_application(organisation, status=status, advice=True)
    label = Application.Status(status).label
    with pytest.raises(ValidationError) as error:
        services.decide_application(
            by=ki_staff, application=application, decision=decision, amount=1, comment="Begründung"
        )
    assert error.value.messages == [f"Über diesen Antrag kann so nicht entschieden werden (Status: {label})."]
    application.refresh_from_db()
    assert application.status == status


def test_every_decision_has_the_same_sources():
    assert {APPLICATION[decision].sources for decision in Decision.values} == {frozenset({Status.SUBMITTED})}
    assert {PROOF[decision].sources for decision in ProofDecision.values} == {
        frozenset({ProofStatus.SUBMITTED})
    }


@pytest.mark.parametrize(
    ("status", "member", "staff"),
    [
        (Status.DRAFT, {"edit", "submit"}, set()),
        (Status.CHANGES_REQUESTED, {"edit", "submit"}, set()),
        (Status.SUBMITTED, set(), set(Decision.values)),
        (Status.APPROVED, set(), set()),
        (Status.REJECTED, set(), set()),
    ],
)
def test_allowed_actions_of_an_application(organisation, ki_staff, district, status, member, staff):
    application = make_application(organisation, status=status)
    assert allowed_actions(application, member_of(organisation)) == member
    assert allowed_actions(application, ki_staff) == staff
    other = make_organisation(district, name="Anderer Verein", email="info@anderer-verein.example")
    assert allowed_actions(application, member_of(other)) == set()


@pytest.fixture
def contracted(organisation):
    return make_contract(make_application(organisation, status=Status.APPROVED, advice=True)).application


@pytest.mark.parametrize("status", outside(PROOF, "edit", ProofStatus.values))
def test_the_proof_is_edited_only_where_the_table_allows(contracted, status):
    make_proof(contracted, status=status)
    with pytest.raises(
        ValidationError, match="Ein eingereichter Verwendungsnachweis kann nicht mehr geändert werden"
    ):
        services.save_proof(by=member_of(contracted.organisation), application=contracted, data=None)


@pytest.mark.parametrize("status", outside(PROOF, "submit", ProofStatus.values))
def test_the_proof_is_submitted_only_where_the_table_allows(contracted, status):
    proof = make_proof(contracted, status=status)
    with pytest.raises(ValidationError, match="Dieser Verwendungsnachweis kann nicht eingereicht werden"):
        services.submit_proof(by=member_of(contracted.organisation), application=contracted)
    proof.refresh_from_db()
    assert proof.status == status


@pytest.mark.parametrize("decision", ProofDecision.values)
@pytest.mark.parametrize("status", outside(PROOF, "accept", ProofStatus.values))
def test_the_proof_is_reviewed_only_where_the_table_allows(contracted, ki_staff, decision, status):
    proof = make_proof(contracted, status=status)
    label = ProofOfUse.Status(status).label
    with pytest.raises(ValidationError) as error:
        services.review_proof(by=ki_staff, proof=proof, decision=decision, comment="Bitte korrigieren")
    assert error.value.messages == [
        f"Über diesen Verwendungsnachweis kann so nicht entschieden werden (Status: {label})."
    ]


@pytest.mark.parametrize(
    ("status", "member", "staff"),
    [
        (ProofStatus.DRAFT, {"edit", "submit"}, set()),
        (ProofStatus.RETURNED, {"edit", "submit"}, set()),
        (ProofStatus.SUBMITTED, set(), set(ProofDecision.values)),
        (ProofStatus.ACCEPTED, set(), set()),
    ],
)
def test_allowed_actions_of_a_proof(contracted, ki_staff, status, member, staff):
    proof = make_proof(contracted, status=status)
    assert proof_allowed_actions(proof, member_of(contracted.organisation)) == member
    assert proof_allowed_actions(proof, ki_staff) == staff
