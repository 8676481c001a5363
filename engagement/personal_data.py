"""Engagement's part of a person's own-data export and of the account deletion (GDPR).

The contact person of an organisation is personal data: their membership (organisation, role,
phone). The organisation itself, its applications and decisions are the organisation's records
(funding law keeps them); after deletion they stay without a person attached.
"""

from __future__ import annotations

from accounts.models import User

from .models import ForwardingContract, OrganisationMember


def export_own_data(*, user: User) -> dict:
    return {
        # Named like the reverse relation User.organisation_memberships (the export completeness test).
        "organisation_memberships": [
            {
                "organisation": member.organisation.name,
                "legal_form": member.organisation.get_legal_form_display(),
                "address": f"{member.organisation.street}, {member.organisation.postcode} {member.organisation.town}",
                "is_contact": member.is_contact,
                "phone": member.phone,
                "created_at": member.created_at.isoformat(),
                # Bank details entered for the organisation's contracts (the account holder may be a person).
                "forwarding_contracts": [
                    {
                        "application": contract.application.title,
                        "account_holder": contract.account_holder,
                        "iban": contract.iban,
                        "proof_due_on": contract.proof_due_on.isoformat(),
                    }
                    for contract in ForwardingContract.objects.filter(
                        application__organisation=member.organisation
                    )
                    .select_related("application")
                    .order_by("pk")
                ],
            }
            for member in OrganisationMember.objects.filter(user=user)
            .select_related("organisation")
            .order_by("pk")
        ]
    }


def anonymise_user(*, user: User, now=None) -> int:
    """Remove the person from every organisation they acted for; returns how many memberships went."""
    deleted, _ = OrganisationMember.objects.filter(user=user).delete()
    return deleted
