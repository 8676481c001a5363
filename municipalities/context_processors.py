from django.utils.functional import SimpleLazyObject

from .permissions import roles_of
from .selectors import portal_district


def portal(request):
    """The district the portal presents, and the visitor's roles for the navigation."""
    return {
        "portal_district": SimpleLazyObject(portal_district),
        "roles": SimpleLazyObject(lambda: roles_of(request.user)),
    }
