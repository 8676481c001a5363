"""Forms for courses: the public catalogue filter, and the staff course form with its sessions.

Every choice of a foreign key is limited to what the acting KI staff member
manages (their districts' municipalities, trainers and qualifications) and is
checked again against the course's district on submit.
"""

from __future__ import annotations

from datetime import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from municipalities.models import (
    BuildingBlock,
    District,
    DistrictRole,
    FundingProgramme,
    Language,
    Municipality,
)

from .models import Course, CourseSession, Qualification
from .services import seats_taken
from .workflow import course_status_choices

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


# --- public catalogue filter ------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    topic = forms.ChoiceField(label=_("Thema"), required=False)
    starts_from = forms.DateField(
        label=_("Beginn ab"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    starts_until = forms.DateField(
        label=_("Beginn bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Kommunen"),
    )
    language = forms.ModelChoiceField(
        label=_("Kurssprache"),
        queryset=Language.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("alle Sprachen"),
    )
    past = forms.BooleanField(label=_("Auch vergangene und abgeschlossene Kurse zeigen"), required=False)

    def __init__(self, *args, topics: list[str], municipalities: QuerySet, languages: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("alle Themen")), *((topic, topic) for topic in topics)]
        self.fields["municipality"].queryset = municipalities
        self.fields["language"].queryset = languages

    def clean_topic(self) -> str:
        return (self.cleaned_data.get("topic") or "").strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_from"), cleaned.get("starts_until")
        if start and end and end < start:
            self.add_error("starts_until", _("Das Ende des Zeitraums liegt vor dem Beginn."))
        return cleaned


# --- staff: course ------------------------------------------------------------------


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class CourseForm(forms.ModelForm):
    registration_opens = forms.DateTimeField(
        label=_("Anmeldung ab"),
        required=False,
        help_text=_("Leer lassen, wenn die Anmeldung sofort nach der Veröffentlichung möglich ist."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )
    registration_closes = forms.DateTimeField(
        label=_("Anmeldeschluss"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )
    online_url = forms.URLField(label=_("Online-Link"), required=False, assume_scheme="https")

    class Meta:
        model = Course
        fields = [
            "district", "title", "topic", "description", "target_audience", "language",
            "municipality", "location_name", "address", "online_url",
            "capacity", "registration_opens", "registration_closes",
            "teaching_units", "min_attendance_percent", "qualification", "trainers",
            "funding_programme", "building_block",
            "status",
        ]  # fmt: skip
        field_classes = {"trainers": TrainerChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "trainers": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "capacity": _("Wird die Zahl erhöht, bekommen Wartende sofort ein Platzangebot per E-Mail."),
            "teaching_units": _("Für den Verwendungsnachweis: 1 UE = 45 Minuten."),
            "building_block": _("Muss zum gewählten Förderprogramm gehören."),
            "trainers": _("Zur Auswahl stehen Personen mit der Rolle „Referent*in“ im Kreis."),
        }

    def __init__(self, *args, districts: QuerySet[District], **kwargs):
        super().__init__(*args, **kwargs)
        course = self.instance
        if course.pk:
            # The district of an existing course never changes: its registrations belong to it.
            districts = District.objects.filter(pk=course.district_id)
            self.fields.pop("district")
        else:
            only = list(districts[:2])
            if len(only) == 1:
                # Staff of one district (the usual case) are not asked.
                course.district = only[0]
                districts = District.objects.filter(pk=only[0].pk)
                self.fields.pop("district")
            else:
                self.fields["district"].queryset = districts
                self.fields["district"].empty_label = None
        self.fields["municipality"].queryset = Municipality.objects.filter(district__in=districts).order_by(
            "name"
        )
        self.fields["qualification"].queryset = Qualification.objects.filter(district__in=districts)
        self.fields["trainers"].queryset = (
            User.objects.filter(
                district_roles__district__in=districts, district_roles__role=DistrictRole.Role.TRAINER
            )
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["language"].queryset = Language.objects.order_by("position", "name")
        self.fields["funding_programme"].queryset = FundingProgramme.objects.all()
        self.fields["building_block"].queryset = BuildingBlock.objects.select_related("programme")
        self.fields["building_block"].label_from_instance = lambda block: f"{block.programme.name} – {block}"
        # „abgeschlossen“ is reached only through ``services.complete_course``, never here.
        allowed = course_status_choices(course)
        self.fields["status"].choices = [
            (value, label) for value, label in Course.Status.choices if value in allowed
        ]
        self.fields["status"].help_text = _(
            "„veröffentlicht“ zeigt den Kurs im Katalog und öffnet die Anmeldung. "
            "„abgeschlossen“ wird ein Kurs erst nach der Anwesenheitserfassung über „Kurs abschließen“."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Worum geht es?"),
                *(["district"] if "district" in self.fields else []),
                "title",
                "topic",
                "description",
                "target_audience",
                "language",
            ),
            Fieldset(_("Wo?"), "municipality", "location_name", "address", "online_url"),
            Fieldset(_("Plätze und Anmeldung"), "capacity", "registration_opens", "registration_closes"),
            Fieldset(
                _("Inhalt und Abschluss"),
                "teaching_units",
                "min_attendance_percent",
                "qualification",
                "trainers",
            ),
            Fieldset(_("Förderung"), "funding_programme", "building_block"),
            Fieldset(_("Status"), "status"),
        )

    @property
    def district(self) -> District | None:
        if "district" in self.fields:
            return self.cleaned_data.get("district")
        return self.instance.district

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            taken = seats_taken(self.instance)
            if capacity < taken:
                raise forms.ValidationError(
                    _(
                        "Es sind bereits %(taken)s Plätze vergeben. Die Zahl der Plätze kann nicht kleiner "
                        "werden; sagen Sie stattdessen einzelnen Personen ab."
                    ),
                    params={"taken": taken},
                    code="below_taken",
                )
        return capacity

    def clean(self):
        cleaned = super().clean()
        district = self.district
        if district is None:
            return cleaned
        # The choices span all of the user's districts; each value must match this course's.
        municipality = cleaned.get("municipality")
        if municipality is not None and municipality.district_id != district.pk:
            self.add_error("municipality", _("Diese Kommune gehört nicht zum Kreis des Kurses."))
        qualification = cleaned.get("qualification")
        if qualification is not None and qualification.district_id != district.pk:
            self.add_error("qualification", _("Diese Qualifikation gehört nicht zum Kreis des Kurses."))
        trainers = cleaned.get("trainers")
        if trainers:
            allowed = set(
                DistrictRole.objects.filter(
                    district=district, role=DistrictRole.Role.TRAINER, user__in=trainers
                ).values_list("user_id", flat=True)
            )
            strangers = [trainer for trainer in trainers if trainer.pk not in allowed]
            if strangers:
                self.add_error(
                    "trainers",
                    _("%(names)s ist nicht als Referent*in für diesen Kreis eingetragen.")
                    % {"names": ", ".join(t.full_name or t.email for t in strangers)},
                )
        return cleaned


# --- staff: sessions -------------------------------------------------------------------


class CourseSessionForm(forms.ModelForm):
    day = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("Beginn (Uhrzeit)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ende (Uhrzeit)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = CourseSession
        fields = ["location_name", "topics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start = timezone.localtime(self.instance.start)
            end = timezone.localtime(self.instance.end)
            self.initial.update(day=start.date(), start_time=start.time(), end_time=end.time())
        # Field order: when first, then where and what.
        self.order_fields(["day", "start_time", "end_time", "location_name", "topics", "DELETE"])

    def clean(self):
        cleaned = super().clean()
        day, start_time, end_time = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start_time and end_time:
            if end_time <= start_time:
                self.add_error("end_time", _("Das Ende muss nach dem Beginn liegen."))
            else:
                # Local wall-clock time of the course's place (Europe/Berlin), stored as UTC.
                self.instance.start = timezone.make_aware(datetime.combine(day, start_time))
                self.instance.end = timezone.make_aware(datetime.combine(day, end_time))
        return cleaned


class BaseCourseSessionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Diesen Termin löschen")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # Attendance is funding evidence: a session with recorded attendance stays.
        locked_days = [
            timezone.localtime(form.instance.start).strftime("%d.%m.%Y")
            for form in self.forms
            if form.instance.pk and self._should_delete_form(form) and form.instance.attendances.exists()
        ]
        if locked_days:
            raise forms.ValidationError(
                _(
                    "Für %(days)s ist bereits Anwesenheit erfasst; dieser Termin kann nicht gelöscht werden "
                    "(Verwendungsnachweis)."
                ),
                params={"days": ", ".join(locked_days)},
            )


CourseSessionFormSet = forms.inlineformset_factory(
    Course,
    CourseSession,
    form=CourseSessionForm,
    formset=BaseCourseSessionFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)
