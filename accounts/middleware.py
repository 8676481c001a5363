from auditlog.middleware import AuditlogMiddleware
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from . import user_state


class AuditlogActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording only who acted (no IP address, no port)."""

    def get_extra_data(self, request):
        return {"actor": self._get_actor(request), "remote_addr": None, "remote_port": None}


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (``request.user.is_verified()``), with the device that verified the
    session read from the person's cached state (``accounts.user_state``) instead of the database
    on every request. Adding, confirming, changing or removing a device renews that state
    (``accounts.signals``), so a removed or unconfirmed device ends the verified state on the
    next request, as with django-otp's own lookup; the owner and confirmation checks of
    django-otp (``_finalize_device``) still run on every request."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = None
            if isinstance(persistent_id, str) and persistent_id:
                # With the roles (``municipalities.permissions.roles_of``) in one round trip.
                stored_id, stored = user_state.cached(
                    user,
                    "otp-device",
                    lambda: (persistent_id, self._device_from_persistent_id(persistent_id)),
                    also=("roles",),
                )
                device = (
                    stored if stored_id == persistent_id else self._device_from_persistent_id(persistent_id)
                )
            user.otp_device = self._finalize_device(request, user, device)
        return user
