from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import District
from municipalities.text import SingleLineCharField

from . import files


class SignLanguageVideo(models.Model):
    """A video in German Sign Language (DGS) on the page „Gebärdensprache“ (BITV 2.0 § 4).

    Uploaded by KI staff with WebVTT captions; the files live in the portal's storage and are
    served by the portal itself (``views.video_file``), never by a third-party player.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="sign_language_videos", verbose_name=_("Kreis")
    )
    title = SingleLineCharField(_("Titel"), max_length=200)
    video = models.FileField(
        _("Video"),
        upload_to=files.video_upload_to,
        max_length=200,
        blank=True,
        validators=[files.validate_video],
    )
    # Instead of an uploaded file: a https link to the KI's own video server (SIGN_LANGUAGE_VIDEO_HOSTS).
    video_link = models.URLField(
        _("Link zum Video"),
        max_length=500,
        blank=True,
        validators=[files.validate_video_link],
    )
    captions = models.FileField(
        _("Untertitel (WebVTT)"),
        upload_to=files.captions_upload_to,
        max_length=200,
        validators=[files.validate_captions],
    )
    transcript = models.TextField(
        _("Text zum Video"),
        blank=True,
        max_length=10000,
        help_text=_("Was im Video gesagt wird, als Text. Wird unter dem Video angezeigt."),
    )
    position = models.PositiveSmallIntegerField(
        _("Reihenfolge"), default=1, help_text=_("Kleinere Zahlen stehen weiter oben.")
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Video in Gebärdensprache")
        verbose_name_plural = _("Videos in Gebärdensprache")
        ordering = ["district", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(video="") & ~Q(video_link="")) | (~Q(video="") & Q(video_link="")),
                name="signlanguage_video_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    # The audit log (accounts.ModelChange) files a change under this district, labelled by title.
    @property
    def audit_district_id(self) -> int:
        return self.district_id

    @property
    def audit_label(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if bool(self.video) == bool(self.video_link):
            raise ValidationError(
                _("Bitte laden Sie ein Video hoch oder geben Sie einen Link an – eines von beiden.")
            )

    @property
    def video_content_type(self) -> str:
        name = self.video.name if self.video else self.video_link.split("?", 1)[0]
        return files.content_type_of_video(name) or ""

    def get_video_url(self) -> str:
        if self.video_link:
            return self.video_link
        # The file name is part of the address: a replaced video is never served from a stale cache.
        return reverse(
            "signlanguage:video", kwargs={"pk": self.pk, "name": self.video.name.rsplit("/", 1)[-1]}
        )

    def get_captions_url(self) -> str:
        return reverse(
            "signlanguage:captions", kwargs={"pk": self.pk, "name": self.captions.name.rsplit("/", 1)[-1]}
        )
