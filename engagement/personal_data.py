"""Engagement's part of a person's own-data export and of the account deletion (GDPR).

The contact person of an organisation is personal data: their membership (organisation, role,
phone) and what they uploaded (receipt files: name, description, size, time – the receipts
themselves are the organisation's records). A volunteer's proofs of external qualifications are
theirs: exported, and deleted (rows and files) with the account. The organisation itself, its applications and
decisions are the organisation's records (funding law keeps them, ``services.retention``); after
deletion they stay without a person attached.

When the person leaving is the organisation's last member, nobody can act for it any more:
its drafts (never sent to anybody) are deleted; an organisation that then has no application left
is deleted with them (its address may be a private one); otherwise it stays with its grants and
the KI is told by mail that the initiative has nobody left in the portal.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from outbox.services import send_templated_mail

from .models import (
    Application,
    ForwardingContract,
    InitiativeNewcomer,
    Organisation,
    OrganisationMember,
    ReceiptFile,
)
from .models.placements import Placement, PlacementInterest
from .models.qualifications import QualificationProof
from .receipt_files import delete_rows_and_files


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
        ],
        # Receipt files this person uploaded: that they did, and what; the file is the organisation's.
        "receipt_files_uploaded": [
            {
                "application": item.proof.application.title,
                "original_name": item.original_name,
                "description": item.description,
                "file_type": item.get_kind_display(),
                "size_bytes": item.size,
                "uploaded_at": item.uploaded_at.isoformat(),
            }
            for item in ReceiptFile.objects.filter(uploaded_by=user)
            .select_related("proof__application")
            .order_by("uploaded_at", "pk")
        ],
        # A volunteer's interest in placements: what they shared with whom, and their consent.
        "placement_interests": [
            {
                "placement": interest.placement.title,
                "offered_by": interest.placement.organisation.name if interest.placement.organisation else "",
                "shared_languages": [language.name for language in interest.shared_languages.all()],
                "status": interest.status,
                "status_display": interest.get_status_display(),
                "contact_consent_at": _iso(interest.contact_consent_at),
                "contact_consent_version": interest.contact_consent_version,
                "created_at": interest.created_at.isoformat(),
                "placed_at": _iso(interest.placed_at),
            }
            for interest in PlacementInterest.objects.filter(user=user)
            .select_related("placement__organisation")
            .prefetch_related("shared_languages")
            .order_by("pk")
        ],
        # Proofs of external qualifications the person uploaded (the files themselves: on the page
        # „Meine Qualifikationen und Nachweise“, and deleted with the account).
        "qualification_proofs": [
            {
                "qualification": proof.qualification.name,
                "earned_on": proof.earned_on.isoformat(),
                "original_name": proof.original_name,
                "file_type": proof.get_kind_display(),
                "size_bytes": proof.size,
                "uploaded_at": proof.uploaded_at.isoformat(),
                "status": proof.status,
                "status_display": proof.get_status_display(),
                "decided_at": _iso(proof.decided_at),
                "rejection_reason": proof.rejection_reason,
            }
            for proof in QualificationProof.objects.filter(uploaded_by=user)
            .select_related("qualification")
            .order_by("uploaded_at", "pk")
        ],
        # Newcomers the person recorded in a proof of use, with the consent they signed.
        "initiative_newcomers_recorded": [
            {
                "application": item.proof.application.title,
                "full_name": item.full_name,
                "consent_on": item.consent_on.isoformat(),
                "consent_version": item.consent_version,
                "withdrawn_at": _iso(item.withdrawn_at),
                "recorded_at": item.recorded_at.isoformat(),
            }
            for item in InitiativeNewcomer.objects.filter(recorded_by=user)
            .select_related("proof__application")
            .order_by("pk")
        ],
        # Placements the person published: the contact given for them may name the person.
        "placements_created": [
            {
                "placement": placement.title,
                "contact": placement.contact,
                "created_at": placement.created_at.isoformat(),
            }
            for placement in Placement.objects.filter(created_by=user).order_by("pk")
        ],
    }


def organisations_left_without_member(user: User) -> list[Organisation]:
    """The organisations for which ``user`` is the only member."""
    return [
        member.organisation
        for member in OrganisationMember.objects.filter(user=user).select_related("organisation")
        if not OrganisationMember.objects.filter(organisation=member.organisation_id)
        .exclude(user=user)
        .exists()
    ]


def deletion_summary(*, user: User) -> dict | None:
    """What deleting the account means for the person's organisations (the confirmation page), or
    None when the person acts for none."""
    memberships = list(OrganisationMember.objects.filter(user=user).select_related("organisation"))
    if not memberships:
        return None
    last = organisations_left_without_member(user)
    return {
        "template": "engagement/_delete_account.html",
        "organisations": [member.organisation for member in memberships],
        "last_member_of": [
            {
                "organisation": organisation,
                "drafts": organisation.applications.filter(status=Application.Status.DRAFT).count(),
                "kept": organisation.applications.exclude(status=Application.Status.DRAFT).count(),
            }
            for organisation in last
        ],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def anonymise_user(*, user: User, now=None) -> int:
    """Remove the person from every organisation they acted for; returns how many memberships went."""
    for organisation in organisations_left_without_member(user):
        organisation.applications.filter(status=Application.Status.DRAFT).delete()
        if not organisation.applications.exists():
            organisation.delete()  # its membership goes with it
            continue
        send_templated_mail(
            to=organisation.district.ki_email,
            template="engagement_organisation_orphaned",
            context={"organisation": organisation, "list_path": reverse("engagement:organisations")},
            district_id=organisation.district_id,
            idempotency_key=f"organisation-orphaned:{organisation.pk}:{user.pk}",
        )
    deleted, _ = OrganisationMember.objects.filter(user=user).delete()
    # Interests lose everything the person shared; a placement made stays as an anonymous count
    # (the account row itself is anonymised), an open interest is withdrawn.
    interests = PlacementInterest.objects.filter(user=user)
    PlacementInterest.shared_languages.through.objects.filter(placementinterest__in=interests).delete()
    interests.update(contact_consent_at=None, contact_consent_version="")
    interests.filter(status=PlacementInterest.Status.INTERESTED).update(
        status=PlacementInterest.Status.WITHDRAWN
    )
    # Certificates of external qualifications name the person: rows and files go. A qualification
    # they confirmed stays with the anonymous profile, like one from a course.
    delete_rows_and_files(QualificationProof.objects.filter(uploaded_by=user))
    # The newcomers they recorded are the organisation's records (with the persons' consent).
    InitiativeNewcomer.objects.filter(recorded_by=user).update(recorded_by=None)
    # The contact they gave for a placement may be their own name or number.
    Placement.objects.filter(created_by=user).update(contact="", created_by=None)
    return deleted
