from __future__ import annotations

from datetime import date, datetime, time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from municipalities import permissions
from municipalities.models import FieldOfAction, Language, Measure, TargetGroup

from .models import Event, EventTranslation, translation_languages

WEEKDAY_CHOICES = [
    (0, _("Montag")),
    (1, _("Dienstag")),
    (2, _("Mittwoch")),
    (3, _("Donnerstag")),
    (4, _("Freitag")),
    (5, _("Samstag")),
    (6, _("Sonntag")),
]


def parse_german_or_iso_date(raw: str) -> date:
    raw = raw.strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise forms.ValidationError(
        _("„%(value)s“ ist kein Datum. Bitte TT.MM.JJJJ verwenden, z. B. 24.12.2026."), params={"value": raw}
    )


class EventForm(forms.ModelForm):
    """Create/edit an event; every choice is limited to what the user may manage."""

    start_date = forms.DateField(
        label=_("Datum (Beginn)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Uhrzeit (Beginn)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_date = forms.DateField(
        label=_("Datum (Ende)"),
        required=False,
        help_text=_("Leer lassen, wenn die Veranstaltung am selben Tag endet."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_time = forms.TimeField(
        label=_("Uhrzeit (Ende)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("an diesen Wochentagen"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nur bei wöchentlicher Wiederholung; ohne Auswahl gilt der Wochentag des Beginns."),
    )
    online_url = forms.URLField(label=_("Online-Link"), required=False, assume_scheme="https")
    excluded_dates_text = forms.CharField(
        label=_("Ausgenommene Tage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Termine, die ausfallen: ein Datum pro Zeile (TT.MM.JJJJ), z. B. Feiertage."),
    )

    class Meta:
        model = Event
        fields = [
            "municipality", "measure", "title", "description",
            "all_day", "frequency", "interval", "monthly_mode", "repeat_until", "repeat_count",
            "location_name", "street", "postcode", "town", "online_url",
            "fields_of_action", "target_groups", "languages",
            "accessibility_notes", "organiser", "public_contact",
            "expected_participants", "actual_participants", "internal_note",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
            "frequency": forms.RadioSelect,
            "monthly_mode": forms.RadioSelect,
            "repeat_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "description": _("Nur Text; Links und Formatierungen werden als Text angezeigt."),
            "internal_note": _("Sieht nur das Integrationszentrum, nie die Öffentlichkeit."),
            "actual_participants": _("Nach der Veranstaltung eintragen – fließt in die Kreisübersicht ein."),
            "interval": _("1 = jede Woche bzw. jeden Monat, 2 = jede zweite …"),
            "repeat_count": _(
                "Alternativ zu „wiederholen bis“. Ohne beides endet eine Serie nach zwei Jahren."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        municipalities = (
            permissions.municipalities_managed_by(user).select_related("district").order_by("name")
        )
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = None
        self.fields["measure"].queryset = Measure.objects.filter(municipality__in=municipalities).order_by(
            "title"
        )
        self.fields["measure"].empty_label = _("keine Maßnahme")
        district_ids = municipalities.values("district_id")
        self.fields["fields_of_action"].queryset = FieldOfAction.objects.filter(
            district_id__in=district_ids, is_active=True
        )
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(
            district_id__in=district_ids, is_active=True
        )
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["frequency"].required = False
        self.fields["frequency"].label = _("Wie oft?")
        self.fields["interval"].widget.attrs["min"] = 1
        # Only a series needs it (and it defaults to 1): no required marker on a one-off event.
        self.fields["interval"].required = False
        self.fields["monthly_mode"].required = False
        self.fields["monthly_mode"].choices = Event.MonthlyMode.choices
        instance = self.instance
        if instance.pk:
            start = timezone.localtime(instance.start)
            end = timezone.localtime(instance.end)
            self.initial.update(
                {
                    "start_date": start.date(),
                    "start_time": None if instance.all_day else start.time(),
                    "end_date": end.date(),
                    "end_time": None if instance.all_day else end.time(),
                    "weekdays": instance.weekdays,
                    "excluded_dates_text": "\n".join(
                        date.fromisoformat(d).strftime("%d.%m.%Y") for d in instance.excluded_dates or []
                    ),
                }
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Worum geht es?"), "municipality", "measure", "title", "description", "organiser"),
            Fieldset(
                _("Wann?"),
                "start_date",
                "start_time",
                "end_date",
                "end_time",
                "all_day",
            ),
            Fieldset(
                _("Wiederholung"),
                "frequency",
                # Progressive disclosure: static/js/recurrence.js hides these for a one-off event;
                # without JavaScript they stay visible with this note.
                Div(
                    HTML(
                        '<p class="ki-small kern-body--muted" id="recurrence-note">'
                        + str(_("Nur für Serien (wöchentlich oder monatlich) ausfüllen."))
                        + "</p>"
                    ),
                    "interval",
                    "weekdays",
                    "monthly_mode",
                    "repeat_until",
                    "repeat_count",
                    "excluded_dates_text",
                    css_id="recurrence-details",
                    css_class="ki-recurrence-details",
                ),
            ),
            Fieldset(_("Wo?"), "location_name", "street", "postcode", "town", "online_url"),
            Fieldset(_("Für wen?"), "fields_of_action", "target_groups", "languages", "accessibility_notes"),
            Fieldset(
                _("Kontakt und Zahlen"),
                "public_contact",
                "expected_participants",
                "actual_participants",
                "internal_note",
            ),
        )
        self.helper.add_input(Submit("save", _("Speichern")))

    def clean_excluded_dates_text(self) -> list[str]:
        lines = [
            line for line in (self.cleaned_data.get("excluded_dates_text") or "").splitlines() if line.strip()
        ]
        if len(lines) > 200:
            raise forms.ValidationError(_("Bitte höchstens 200 ausgenommene Tage angeben."))
        return sorted({parse_german_or_iso_date(line).isoformat() for line in lines})

    def clean(self):
        cleaned = super().clean()
        start_date = cleaned.get("start_date")
        if not start_date:
            return cleaned
        all_day = cleaned.get("all_day") or not cleaned.get("start_time")
        end_date = cleaned.get("end_date") or start_date
        if all_day:
            start = datetime.combine(start_date, time.min)
            end = datetime.combine(end_date, time(23, 59))
        else:
            start = datetime.combine(start_date, cleaned["start_time"])
            end_time = cleaned.get("end_time") or cleaned["start_time"]
            end = datetime.combine(end_date, end_time)
        if end < start:
            self.add_error(
                "end_date", _("Das Ende liegt vor dem Beginn. Bitte prüfen Sie Datum und Uhrzeit.")
            )
        self.instance.start = timezone.make_aware(start)
        self.instance.end = timezone.make_aware(end)
        self.instance.all_day = bool(all_day)
        self.instance.weekdays = cleaned.get("weekdays") or []
        if not cleaned.get("interval"):
            cleaned["interval"] = 1
        self.instance.excluded_dates = cleaned.get("excluded_dates_text") or []
        cleaned["all_day"] = bool(all_day)
        return cleaned

    def _post_clean(self):
        # Model validation runs in services.save_event (with the workflow rules); here only
        # the field values are copied onto the instance.
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        try:
            self.instance.clean()
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                target = {
                    "start": "start_date",
                    "end": "end_date",
                    "excluded_dates": "excluded_dates_text",
                }.get(field, field)
                if target in self.errors:
                    continue  # already reported by the form's own check
                self.add_error(target if target in self.fields else None, messages)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            ("approve", _("Veröffentlichen")),
            ("return", _("Zur Überarbeitung zurückgeben")),
            ("reject", _("Ablehnen")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar an die Kommune"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht beim Zurückgeben: Was soll geändert werden?"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                _("Bitte schreiben Sie, was geändert werden soll – die Kommune sieht diesen Kommentar."),
            )
        return cleaned


class CancelForm(forms.Form):
    comment = forms.CharField(
        label=_("Grund der Absage (öffentlich sichtbar im Verlauf der Kommune)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("Begründung an die Kommune"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Die Kommune sieht diese Begründung in der E-Mail und bei der Veranstaltung."),
    )


def text_direction(language: str) -> str:
    return "rtl" if get_language_info(language)["bidi"] else "ltr"


class EventTranslationsForm(forms.Form):
    """Title and short description per interface language; an empty title removes that translation."""

    def __init__(self, *args, initial_translations: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_translations = initial_translations or {}
        title_field = EventTranslation._meta.get_field("title")
        description_field = EventTranslation._meta.get_field("description")
        fieldsets = []
        for code, name in translation_languages():
            attrs = {"lang": code, "dir": text_direction(code)}
            stored = initial_translations.get(code, {})
            self.fields[f"title_{code}"] = title_field.formfield(
                label=_("Titel"),
                required=False,
                initial=stored.get("title", ""),
                widget=forms.TextInput(attrs),
            )
            self.fields[f"description_{code}"] = description_field.formfield(
                label=_("Kurzbeschreibung"),
                required=False,
                initial=stored.get("description", ""),
                widget=forms.Textarea({**attrs, "rows": 3}),
            )
            fieldsets.append(Fieldset(name, f"title_{code}", f"description_{code}"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fieldsets, Submit("save", _("Übersetzungen speichern")))

    def translations(self) -> dict[str, dict]:
        return {
            code: {
                "title": self.cleaned_data.get(f"title_{code}", ""),
                "description": self.cleaned_data.get(f"description_{code}", ""),
            }
            for code, _name in translation_languages()
        }
