from auditlog.middleware import AuditlogMiddleware


class AuditlogActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording only who acted (no IP address, no port)."""

    def get_extra_data(self, request):
        return {"actor": self._get_actor(request), "remote_addr": None, "remote_port": None}
