"""Who works where: district roles, municipal memberships and the invitations that grant them."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import District, Municipality


class DistrictRole(models.Model):
    """A district-wide role: KI staff, trainer or volunteer of one district."""

    class Role(models.TextChoices):
        KI_STAFF = "ki_staff", _("Mitarbeiter*in des Integrationszentrums")
        TRAINER = "trainer", _("Referent*in")
        VOLUNTEER = "volunteer", _("Ehrenamtliche*r")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="district_roles"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle im Kreis")
        verbose_name_plural = _("Rollen im Kreis")
        constraints = [
            models.UniqueConstraint(fields=["user", "district", "role"], name="district_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.district})"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.district_id


class Membership(models.Model):
    """A person's role in one municipality; a person may belong to several."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Kommunale Ansprechperson")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft in einer Kommune")
        verbose_name_plural = _("Mitgliedschaften in Kommunen")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """KI staff invite a person by e-mail to become a municipality's contact.

    Only a hash of the token is stored: a leaked database does not leak
    usable links.
    """

    email = models.EmailField(_("E-Mail-Adresse"))
    full_name = models.CharField(_("Name (optional)"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.CONTACT
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angenommen von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"

    # The audit log (accounts.ModelChange) files a change under this district; no personal label.
    @property
    def audit_district_id(self) -> int:
        return self.municipality.district_id

    @property
    def audit_label(self) -> str:
        return self.municipality.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "open"

    def get_state_display(self) -> str:
        return {
            "accepted": _("angenommen"),
            "revoked": _("zurückgezogen"),
            "expired": _("abgelaufen"),
            "open": _("offen"),
        }[self.state]
