"""Proof of an external qualification (e.g. a first-aid certificate) that a volunteer uploads.

KI staff of the volunteer's district confirm or reject it; a confirmed proof grants the
qualification (``volunteers.VolunteerQualification``, source „externer Nachweis“) from the date on
the certificate, with the qualification's validity. The file is kept through Django's storage under
a random name and served only by ``views.qualifications.QualificationProofFileView``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from volunteers.models import Qualification, Volunteer, expiry_date

from .proofs import ReceiptFile


def qualification_proof_path(instance: QualificationProof, filename: str) -> str:
    # Never the uploaded name: a random one per file, with the suffix of the checked kind.
    return f"engagement/qualification-proofs/{secrets.token_hex(16)}{ReceiptFile.SUFFIXES[instance.kind]}"


class QualificationProof(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Prüfung")
        CONFIRMED = "confirmed", _("bestätigt")
        REJECTED = "rejected", _("nicht anerkannt")

    Kind = ReceiptFile.Kind
    CONTENT_TYPES = ReceiptFile.CONTENT_TYPES
    SUFFIXES = ReceiptFile.SUFFIXES

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="qualification_proofs")
    qualification = models.ForeignKey(
        Qualification, verbose_name=_("Qualifikation"), on_delete=models.PROTECT, related_name="proofs"
    )
    earned_on = models.DateField(_("ausgestellt am"))
    file = models.FileField(_("Datei"), upload_to=qualification_proof_path, max_length=200)
    kind = models.CharField(_("Dateiart"), max_length=10, choices=Kind.choices)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    # The account that uploaded it: the account deletion finds the person's proofs by it (the
    # profile is detached from the account before engagement's part runs).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    rejection_reason = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Qualifikationsnachweis")
        verbose_name_plural = _("Qualifikationsnachweise")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["status", "uploaded_at"], name="qualification_proof_status_idx")]

    def __str__(self) -> str:
        return f"{self.qualification}: {self.get_status_display()}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def valid_until(self):
        return expiry_date(self.qualification, self.earned_on)

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]

    @property
    def download_name(self) -> str:
        return f"qualifikationsnachweis-{self.pk}{self.SUFFIXES[self.kind]}"

    @property
    def audit_district_id(self) -> int:
        return self.volunteer.district_id
