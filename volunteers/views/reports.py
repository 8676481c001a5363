"""KI staff: funding evidence, KOMM-AN figures and the search for volunteers (language mediators)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.audit import record_audit_event
from accounts.models import AuditEvent
from municipalities.models import District, FundingProgramme, Language, Municipality
from municipalities.permissions import (
    KIStaffRequiredMixin,
    RoleRequiredMixin,
    districts_administered_by,
    municipalities_administered_by,
    roles_of,
)

from .. import documents, figures, permissions
from ..models import Qualification, VolunteerLanguage, VolunteerQualification

# --- one course -------------------------------------------------------------------------


class CourseEvidenceView(RoleRequiredMixin, View):
    """Funding evidence of one course; KI staff of the course's district only."""

    writers = {
        "pdf": (documents.course_evidence_pdf, documents.PDF_CONTENT_TYPE),
        "xlsx": (documents.course_evidence_xlsx, documents.XLSX_CONTENT_TYPE),
    }

    def has_role(self) -> bool:
        if not roles_of(self.request.user).is_ki_staff:
            return False
        # Another district's course is a 404: loaded among the courses the user manages.
        self.course = get_object_or_404(
            permissions.courses_managed_by(self.request.user).select_related(
                "district", "funding_programme", "building_block"
            ),
            pk=self.kwargs["pk"],
        )
        return True

    def get(self, request, pk: int, fmt: str):
        if fmt not in self.writers:
            raise Http404
        write, content_type = self.writers[fmt]
        content = write(figures.course_evidence(self.course))
        record_audit_event(
            actor=request.user,
            action=AuditEvent.Action.EXPORTED_FUNDING_EVIDENCE,
            target=self.course,
            district_id=self.course.district_id,
            description=self.course.title,
            details={"format": fmt},
        )
        return documents.file_response(
            content, content_type, documents.course_evidence_filename(self.course, fmt)
        )


# --- filters --------------------------------------------------------------------------


def _this_year() -> int:
    return timezone.localdate().year


class DistrictYearForm(forms.Form):
    """Year and (for staff of several districts) the district a report is about."""

    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2100)
    district = forms.ModelChoiceField(
        label=_("Kreis"), queryset=District.objects.none(), to_field_name="slug", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = list(districts_administered_by(user).order_by("name"))
        self.fields["district"].queryset = districts_administered_by(user)
        self.fields["district"].empty_label = None
        self.fields["year"].initial = _this_year()
        if len(self.districts) == 1:
            self.fields["district"].widget = forms.HiddenInput()

    def clean_district(self):
        district = self.cleaned_data["district"] or (self.districts[0] if self.districts else None)
        if district is None:
            raise forms.ValidationError(_("Sie sind keinem Kreis als Mitarbeiter*in zugeordnet."))
        return district


class EvidenceForm(DistrictYearForm):
    FORMATS = (("html", _("Webseite")), ("pdf", _("PDF")), ("xlsx", _("Excel (XLSX)")))

    programme = forms.ModelChoiceField(
        label=_("Förderprogramm"),
        queryset=FundingProgramme.objects.order_by("-valid_from", "name"),
        to_field_name="code",
    )
    format = forms.ChoiceField(label=_("Ausgabe"), choices=FORMATS, required=False, initial="html")

    field_order = ["programme", "year", "format", "district"]


def _bind(form_class, request, **kwargs):
    """A bound form once any filter was sent, else an unbound one showing the defaults."""
    if request.GET:
        data = request.GET.copy()
        data.setdefault("year", str(_this_year()))
        return form_class(data, user=request.user, **kwargs)
    return form_class(user=request.user, **kwargs)


def _single(district: District):
    return District.objects.filter(pk=district.pk)


class EvidenceView(KIStaffRequiredMixin, View):
    """Funding evidence of a programme for one year: one row per course, plus totals."""

    template_name = "volunteers/reports/evidence.html"

    def get(self, request):
        form = _bind(EvidenceForm, request)
        context = {"form": form, "courses": None}
        if form.is_bound and form.is_valid():
            programme, year = form.cleaned_data["programme"], form.cleaned_data["year"]
            district = form.cleaned_data["district"]
            queryset = figures.evidence_courses(districts=_single(district), year=year, programme=programme)
            courses, totals = list(queryset), figures.evidence_totals(queryset)
            output = form.cleaned_data["format"] or "html"
            record_audit_event(
                actor=request.user,
                action=AuditEvent.Action.VIEWED_FUNDING_EVIDENCE
                if output == "html"
                else AuditEvent.Action.EXPORTED_FUNDING_EVIDENCE,
                target=programme,
                district_id=district.pk,
                description=f"{programme.name} {year}",
                details={"year": year, "format": output},
            )
            if output == "pdf":
                content = documents.programme_evidence_pdf(
                    programme=programme, year=year, courses=courses, totals=totals, district=district
                )
                return documents.file_response(
                    content,
                    documents.PDF_CONTENT_TYPE,
                    documents.programme_evidence_filename(programme, year, "pdf"),
                )
            if output == "xlsx":
                content = documents.programme_evidence_xlsx(
                    programme=programme, year=year, courses=courses, totals=totals
                )
                return documents.file_response(
                    content,
                    documents.XLSX_CONTENT_TYPE,
                    documents.programme_evidence_filename(programme, year, "xlsx"),
                )
            context.update(courses=courses, totals=totals, programme=programme, year=year, district=district)
        status = 400 if form.is_bound and form.errors else 200
        return render(request, self.template_name, context, status=status)


class FiguresView(KIStaffRequiredMixin, View):
    """KOMM-AN figures of a year, led by the newcomers who later became volunteers."""

    template_name = "volunteers/reports/figures.html"

    def get(self, request):
        form = _bind(DistrictYearForm, request)
        context = {"form": form, "figures": None, "year": None, "district": None}
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, context, status=400)
        if form.is_bound:
            year, district = form.cleaned_data["year"], form.cleaned_data["district"]
        else:
            year, district = _this_year(), form.districts[0] if form.districts else None
        context.update(year=year, district=district)
        if district is not None:
            context["figures"] = figures.komm_an_figures(districts=_single(district), year=year)
        return render(request, self.template_name, context)


# --- volunteer search -----------------------------------------------------------------


class VolunteerSearchForm(forms.Form):
    qualification = forms.ModelChoiceField(
        label=_("Qualifikation"),
        queryset=Qualification.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle"),
    )
    language = forms.ModelChoiceField(
        label=_("Sprache"),
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("alle"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Wohnort (Kommune)"),
        queryset=Municipality.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = districts_administered_by(user)
        self.fields["qualification"].queryset = Qualification.objects.filter(district__in=districts)
        self.fields["municipality"].queryset = municipalities_administered_by(user).order_by("name")


def _searchable_volunteers(user):
    """Volunteers a KI staff member may find: their districts, with an active account (never
    anonymised ones)."""
    return (
        permissions.volunteers_visible_to(user)
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user", "municipality")
        .prefetch_related(
            Prefetch(
                "languages",
                queryset=VolunteerLanguage.objects.select_related("language").order_by(
                    "language__position", "language__name"
                ),
            ),
            Prefetch(
                "qualifications",
                queryset=VolunteerQualification.objects.select_related("qualification").order_by(
                    "qualification__name"
                ),
            ),
        )
    )


class VolunteerSearchView(KIStaffRequiredMixin, View):
    """Find volunteers, e.g. a language mediator for Tigrinya in Lünen; never anonymised ones.

    Data minimisation: nobody is listed until at least one filter is set, and the list shows no
    contact details; e-mail address and phone are on the detail page of one result (logged).
    """

    template_name = "volunteers/reports/volunteer_search.html"
    page_size = 50

    def get(self, request):
        form = VolunteerSearchForm(request.GET or None, user=request.user)
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, {"form": form, "page_obj": None}, status=400)
        filters = {
            name: value for name, value in (form.cleaned_data if form.is_bound else {}).items() if value
        }
        if not filters:
            return render(request, self.template_name, {"form": form, "page_obj": None})
        volunteers = _searchable_volunteers(request.user).order_by("user__full_name", "pk")
        if filters.get("qualification"):
            volunteers = volunteers.filter(qualifications__qualification=filters["qualification"])
        if filters.get("language"):
            volunteers = volunteers.filter(languages__language=filters["language"])
        if filters.get("municipality"):
            volunteers = volunteers.filter(municipality=filters["municipality"])
        page_obj = Paginator(volunteers, self.page_size).get_page(request.GET.get("page"))
        _record_search(request.user, filters, page_obj.number)
        return render(request, self.template_name, {"form": form, "page_obj": page_obj})


class VolunteerContactView(KIStaffRequiredMixin, View):
    """One search result with the contact details; each look is logged (who saw whose contact)."""

    template_name = "volunteers/reports/volunteer_contact.html"

    def get(self, request, pk: int):
        volunteer = get_object_or_404(_searchable_volunteers(request.user), pk=pk)
        record_audit_event(
            actor=request.user,
            action=AuditEvent.Action.VIEWED_VOLUNTEER_CONTACT,
            target=volunteer,
            district_id=volunteer.district_id,
        )
        return render(request, self.template_name, {"volunteer": volunteer})


def _record_search(user, filters: dict, page: int) -> None:
    """The criteria of a volunteer search go into the audit log, never the people found."""
    municipality = filters.get("municipality")
    staff_districts = roles_of(user).staff_district_ids
    if municipality is not None:
        district_id = municipality.district_id
    elif len(staff_districts) == 1:
        district_id = next(iter(staff_districts))
    else:
        district_id = None  # several districts and no filter: seen by superusers only
    criteria = {
        name: getattr(value, "slug", None) or getattr(value, "code", None) or str(value)
        for name, value in filters.items()
        if value
    }
    record_audit_event(
        actor=user,
        action=AuditEvent.Action.SEARCHED_VOLUNTEERS,
        district_id=district_id,
        details={"criteria": criteria, "page": page},
    )
