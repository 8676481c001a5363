"""Every write with business meaning in the municipalities app, one module per area; callers use
``municipalities.services.<name>`` as before."""

from .invitations import (
    InvitationError,
    accept_invitation,
    get_usable_invitation,
    invitation_url,
    invite_contact,
    request_new_invitation,
    revoke_invitation,
)
from .municipalities import (
    grant_district_role,
    grant_membership,
    remove_membership,
    save_measure,
    save_municipality,
    unique_municipality_slug,
)
from .reference_data import (
    DEFAULT_FIELDS_OF_ACTION,
    DEFAULT_FUNDING_PROGRAMMES,
    DEFAULT_LANGUAGES,
    DEFAULT_TARGET_GROUPS,
    SUCCESSOR_COST_TYPES,
    SUCCESSOR_MEASURE_AREAS,
    SUCCESSOR_PROGRAMME_CODE,
    ensure_default_funding_programmes,
    ensure_default_languages,
    ensure_default_reference_data,
)

__all__ = [
    "DEFAULT_FIELDS_OF_ACTION",
    "DEFAULT_FUNDING_PROGRAMMES",
    "DEFAULT_LANGUAGES",
    "DEFAULT_TARGET_GROUPS",
    "SUCCESSOR_COST_TYPES",
    "SUCCESSOR_MEASURE_AREAS",
    "SUCCESSOR_PROGRAMME_CODE",
    "InvitationError",
    "accept_invitation",
    "ensure_default_funding_programmes",
    "ensure_default_languages",
    "ensure_default_reference_data",
    "get_usable_invitation",
    "grant_district_role",
    "grant_membership",
    "invitation_url",
    "invite_contact",
    "remove_membership",
    "request_new_invitation",
    "revoke_invitation",
    "save_measure",
    "save_municipality",
    "unique_municipality_slug",
]
