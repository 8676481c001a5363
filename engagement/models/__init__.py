"""Small grants of the current volunteer programme: organisations, budgets, applications, decisions.

An organisation (a local initiative) applies for money of a ``municipalities.FundingProgramme`` that
funds local initiatives; the KI records the advice meeting and decides. Approvals commit the
district's ``AnnualBudget`` of the funding year, which is locked while an approval is written.
"""

from .applications import AdviceMeeting, Application, CostItem
from .contracts import (
    DEFAULT_CONTRACT_TERMS,
    DEFAULT_REPORTING_DUTIES,
    ContractTemplate,
    ForwardingContract,
    PaymentRequest,
)
from .organisations import MONEY, AnnualBudget, Organisation, OrganisationMember
from .proofs import ProofOfUse, Receipt, ReceiptFile, Repayment

__all__ = [
    "DEFAULT_CONTRACT_TERMS",
    "DEFAULT_REPORTING_DUTIES",
    "MONEY",
    "AdviceMeeting",
    "AnnualBudget",
    "Application",
    "ContractTemplate",
    "CostItem",
    "ForwardingContract",
    "Organisation",
    "OrganisationMember",
    "PaymentRequest",
    "ProofOfUse",
    "Receipt",
    "ReceiptFile",
    "Repayment",
]

# Volunteer placements have their own module; importing them registers the models with the app.
# External qualification proofs of volunteers likewise.
from .placements import Placement, PlacementInterest
from .qualifications import QualificationProof

__all__ += ["Placement", "PlacementInterest", "QualificationProof"]

from .newcomers import InitiativeNewcomer  # noqa: E402

__all__ += ["InitiativeNewcomer"]
