"""Newcomers who became active volunteers in a funded initiative, recorded in its proof of use.

A pseudonymous count is not enough to count a person "with their consent": the initiative records
each person by name with the date on which they signed the portal's consent text and that text's
version, as the portal records a volunteer's own newcomer consent (``volunteers.Volunteer``:
``newcomer_consent_at`` and ``newcomer_consent_version``). Only rows with a consent that has not
been withdrawn count in the overview and the report. A withdrawal erases the name at once and keeps
an anonymous row that counts nowhere; the retention job erases the names of old grants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.text import SingleLineCharField

from .proofs import ProofOfUse

# Raised when the wording of INITIATIVE_NEWCOMER_CONSENT_TEXT changes; each row keeps its version.
INITIATIVE_NEWCOMER_CONSENT_VERSION = "2026-12"
INITIATIVE_NEWCOMER_CONSENT_TEXT = _(
    "Ich bin selbst als Neuzugewanderte*r nach Deutschland gekommen und in dieser Initiative "
    "ehrenamtlich aktiv geworden. Ich willige ein, dass die Initiative meinen Namen dem Kommunalen "
    "Integrationszentrum im Verwendungsnachweis mitteilt und ich in dessen anonymen Zahlen "
    "(Neuzugewanderte, die Ehrenamtliche geworden sind) mitgezählt werde. Ich kann die Einwilligung "
    "jederzeit bei der Initiative oder beim Integrationszentrum widerrufen; dann wird mein Name "
    "gelöscht und ich werde nicht mehr gezählt."
)


class InitiativeNewcomer(models.Model):
    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="newcomers")
    # Empty once the consent is withdrawn or the grant is anonymised after its retention period.
    full_name = SingleLineCharField(_("Name"), max_length=200, blank=True)
    consent_on = models.DateField(_("Einwilligung unterschrieben am"))
    consent_version = models.CharField(_("Fassung des Einwilligungstextes"), max_length=20)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("eingetragen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("neuzugewanderte*r Ehrenamtliche*r einer Initiative")
        verbose_name_plural = _("neuzugewanderte Ehrenamtliche von Initiativen")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(full_name=""),
                name="initiative_newcomer_withdrawn_has_no_name",
            ),
            models.CheckConstraint(condition=~Q(consent_version=""), name="initiative_newcomer_has_consent"),
        ]

    def __str__(self) -> str:
        return self.full_name or str(_("anonymisiert"))

    @property
    def counts(self) -> bool:
        return self.withdrawn_at is None

    @property
    def audit_district_id(self) -> int:
        return self.proof.application.organisation.district_id
