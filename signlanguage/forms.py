from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from municipalities.models import District

from . import files
from .models import SignLanguageVideo


class SignLanguageVideoForm(forms.Form):
    """New video (both files required) or changes to one (a file left empty keeps the stored one)."""

    district = forms.ModelChoiceField(label=_("Kreis"), queryset=District.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Titel"), max_length=200)
    video = forms.FileField(
        label=_("Video (MP4 oder WebM)"),
        validators=[files.validate_video],
        widget=forms.FileInput(attrs={"accept": ".mp4,.webm,video/mp4,video/webm"}),
    )
    video_link = forms.URLField(
        label=_("oder Link zum Video auf dem eigenen Server"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[files.validate_video_link],
        help_text=_("Eine https-Adresse einer MP4- oder WebM-Datei. Statt einer hochgeladenen Datei."),
    )
    captions = forms.FileField(
        label=_("Untertitel (WebVTT-Datei)"),
        validators=[files.validate_captions],
        widget=forms.FileInput(attrs={"accept": ".vtt,text/vtt"}),
        help_text=_("Deutsche Untertitel zum Video im Format WebVTT (.vtt)."),
    )
    transcript = forms.CharField(
        label=SignLanguageVideo._meta.get_field("transcript").verbose_name,
        help_text=SignLanguageVideo._meta.get_field("transcript").help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
    )
    position = forms.IntegerField(
        label=SignLanguageVideo._meta.get_field("position").verbose_name,
        help_text=SignLanguageVideo._meta.get_field("position").help_text,
        min_value=0,
        max_value=1000,
        initial=1,
    )

    def __init__(
        self, *args, districts, entry: SignLanguageVideo | None = None, max_video_bytes: int, **kwargs
    ):
        if entry is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": entry.title,
                    "video_link": entry.video_link,
                    "transcript": entry.transcript,
                    "position": entry.position,
                },
            )
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["video"].required = False  # a video file or a link, checked in clean()
        self.fields["video"].help_text = _("Höchstens %(size)s.") % {"size": filesizeformat(max_video_bytes)}
        if entry is not None:
            # A video does not move to another district; empty file fields keep the stored files.
            del self.fields["district"]
            self.fields["video_link"].help_text = _("Ein Link ersetzt ein hochgeladenes Video.")
            for name, label in (
                ("video", _("Neues Video (MP4 oder WebM, ersetzt das bisherige)")),
                ("captions", _("Neue Untertitel (WebVTT, ersetzen die bisherigen)")),
            ):
                self.fields[name].required = False
                self.fields[name].label = label
                self.fields[name].widget = forms.FileInput(attrs=self.fields[name].widget.attrs)
        else:
            self.fields["district"].queryset = districts
            scoped = list(districts[:2])
            self.only_district = scoped[0] if len(scoped) == 1 else None
            if self.only_district is not None:
                del self.fields["district"]  # the usual case: KI staff of one district

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "only_district", None) is not None:
            cleaned["district"] = self.only_district
        video, link = cleaned.get("video"), cleaned.get("video_link")
        if video and link:
            self.add_error(
                "video_link", _("Bitte geben Sie entweder ein Video oder einen Link an, nicht beides.")
            )
        elif (
            not video
            and not link
            and "video_link" not in self.errors
            and (self.entry is None or not self.entry.video)
        ):
            self.add_error("video", _("Bitte laden Sie ein Video hoch oder geben Sie einen Link an."))
        return cleaned
