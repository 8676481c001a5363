"""Every write with business meaning in engagement: registration, applications, advice, decisions,
contracts, payments and the proof of use.

Services take keyword-only arguments (the acting person first), run in a transaction, raise
``ValidationError`` with German messages per field, and write the mail into the outbox in the
same transaction. The modules of this package hold one step of the grant each; their public
names are re-exported here, so ``from engagement import services`` keeps working
(``services.retention`` is the scheduled job's own module).
"""

from .applications import (
    ApplicationData,
    application_rule_errors,
    cap_for,
    create_application,
    submit_application,
    update_application,
)
from .contracts import approve_payment, conclude_forwarding_contract, mark_payment_paid, request_payment
from .decisions import BudgetExceeded, committed_amount, decide_application, record_advice_meeting
from .newcomers import record_initiative_newcomer, withdraw_initiative_newcomer
from .organisations import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    OrganisationDetails,
    confirm_organisation,
    confirm_organisation_email,
    contact_addresses,
    make_confirmation_token,
    organisation_for_confirmation_token,
    register_organisation,
)
from .proofs import ProofData, proof_rule_errors, review_proof, save_proof, submit_proof
from .receipts import add_receipt_file, remove_receipt_file
from .repayments import record_repayment, repayment_open

__all__ = [
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "ApplicationData",
    "BudgetExceeded",
    "OrganisationDetails",
    "ProofData",
    "add_receipt_file",
    "application_rule_errors",
    "approve_payment",
    "cap_for",
    "committed_amount",
    "conclude_forwarding_contract",
    "confirm_organisation",
    "confirm_organisation_email",
    "contact_addresses",
    "create_application",
    "decide_application",
    "make_confirmation_token",
    "mark_payment_paid",
    "organisation_for_confirmation_token",
    "proof_rule_errors",
    "record_advice_meeting",
    "record_initiative_newcomer",
    "record_repayment",
    "register_organisation",
    "remove_receipt_file",
    "repayment_open",
    "request_payment",
    "review_proof",
    "save_proof",
    "submit_application",
    "submit_proof",
    "update_application",
    "withdraw_initiative_newcomer",
]
