"""The municipalities app's models: the district and its municipalities, roles and invitations,
the shared reference data, and measures."""

from .measures import Measure
from .places import District, Municipality, ags_prefix_validator, ags_validator
from .reference import (
    BuildingBlock,
    CostType,
    FieldOfAction,
    FundingProgramme,
    Language,
    ReferenceData,
    TargetGroup,
)
from .roles import DistrictRole, Invitation, InvitationQuerySet, Membership, hash_invitation_token

__all__ = [
    "BuildingBlock",
    "CostType",
    "District",
    "DistrictRole",
    "FieldOfAction",
    "FundingProgramme",
    "Invitation",
    "InvitationQuerySet",
    "Language",
    "Measure",
    "Membership",
    "Municipality",
    "ReferenceData",
    "TargetGroup",
    "ags_prefix_validator",
    "ags_validator",
    "hash_invitation_token",
]
