"""The municipalities app's pages, one module per area (the URLconf names them through here)."""

from .district import DistrictOverviewView, MailRetryView, MailStatusView
from .invitations import (
    INVITATION_PROBLEM_STATUS,
    INVITATION_PROBLEMS,
    InvitationAcceptView,
    InvitationRenewalView,
)
from .measures import (
    MeasureCreateView,
    MeasureDetailView,
    MeasureFormMixin,
    MeasureListView,
    MeasureUpdateView,
)
from .memberships import InvitationRevokeView, MembershipRemoveView
from .municipalities import (
    MunicipalityContactsView,
    MunicipalityCreateView,
    MunicipalityDetailView,
    MunicipalityHomeView,
    MunicipalityListView,
    MunicipalityUpdateView,
)

__all__ = [
    "INVITATION_PROBLEMS",
    "INVITATION_PROBLEM_STATUS",
    "DistrictOverviewView",
    "InvitationAcceptView",
    "InvitationRenewalView",
    "InvitationRevokeView",
    "MailRetryView",
    "MailStatusView",
    "MeasureCreateView",
    "MeasureDetailView",
    "MeasureFormMixin",
    "MeasureListView",
    "MeasureUpdateView",
    "MembershipRemoveView",
    "MunicipalityContactsView",
    "MunicipalityCreateView",
    "MunicipalityDetailView",
    "MunicipalityHomeView",
    "MunicipalityListView",
    "MunicipalityUpdateView",
]
