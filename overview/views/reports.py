"""KI staff: concept report snapshots (list, request, progress, files, retry, comparison) and texts.

Every lookup goes through ``reports_visible_to(user)``: a report of another district is a 404.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from concept.selectors import STATUSES
from municipalities.models import District, FieldOfAction
from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by

from .. import services, texts
from ..models import ConceptReport
from ..report_concept import with_year
from ..report_forms import CompareForm, FieldTextFormSet, ForewordForm, ReportRequestForm
from ..report_pdf import comparison_rows, number, signed, total_labels

logger = logging.getLogger(__name__)

S = ConceptReport.State
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def reports_visible_to(user) -> QuerySet[ConceptReport]:
    return ConceptReport.objects.filter(district__in=districts_administered_by(user)).select_related(
        "district", "created_by"
    )


class ReportMixin(KIStaffRequiredMixin):
    """Loads ``self.report`` from the ``pk`` URL argument, within the user's districts."""

    def get_report(self) -> ConceptReport:
        return get_object_or_404(reports_visible_to(self.request.user), pk=self.kwargs["pk"])


class ReportListView(KIStaffRequiredMixin, View):
    """All snapshots of the user's districts, newest first, and the form to build a new one."""

    template_name = "overview/report_list.html"
    page_size = 50

    def render_page(self, form: ReportRequestForm, status: int = 200):
        districts = districts_administered_by(self.request.user)
        # Opening the list is a natural moment to clear builds whose worker died.
        services.mark_stale_reports(districts=districts)
        reports = reports_visible_to(self.request.user).order_by("-year", "-created_at", "-pk")
        page_obj = Paginator(reports, self.page_size).get_page(self.request.GET.get("page"))
        context = {
            "form": form,
            "page_obj": page_obj,
            "reports": page_obj.object_list,
            "is_paginated": page_obj.has_other_pages(),
            "texts_year": form.fields["year"].initial,
            "missing_texts": self.missing_texts(form.districts, form.fields["year"].initial),
            "done_count": reports.filter(state=S.DONE).count(),
        }
        return render(self.request, self.template_name, context, status=status)

    @staticmethod
    def missing_texts(districts: list[District], year: int) -> list[str]:
        """Empty texts of the district the form proposes (the form's list: no extra query)."""
        if not districts:
            return []
        fields = texts.fields_with_text_parts(district=districts[0], year=year)
        return texts.missing_texts(district=districts[0], year=year, fields=fields)

    def get(self, request):
        return self.render_page(ReportRequestForm(user=request.user))

    def post(self, request):
        form = ReportRequestForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        try:
            report = services.request_report(
                by=request.user,
                district=form.cleaned_data["district"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "year", error)
            return self.render_page(form)
        messages.success(request, _("Der Bericht wird im Hintergrund erstellt."))
        return redirect("overview:report_detail", pk=report.pk)


class ReportDetailView(ReportMixin, View):
    """One snapshot: state and progress (polled by static/js/report_progress.js), files, figures."""

    template_name = "overview/report_detail.html"

    def get(self, request, pk: int):
        report = services.report_with_stale_state(report=self.get_report())
        active = report.state in (S.QUEUED, S.RUNNING)
        totals = report.figures.get("district_totals", {}) if report.state == S.DONE else {}
        context = {
            "report": report,
            "active": active,
            "step": services.step_label(report.step),
            "status": services.status_payload(report),
            "summary_rows": _summary_rows(totals, report.figures) if totals else [],
        }
        return render(request, self.template_name, context)


def _summary_rows(totals: dict, figures: dict) -> list[dict]:
    return comparison_rows(totals, (figures.get("previous_year") or {}).get("district_totals"))


class ReportStatusView(ReportMixin, View):
    def get(self, request, pk: int):
        report = services.report_with_stale_state(report=self.get_report())
        response = JsonResponse(services.status_payload(report))
        response["Cache-Control"] = "no-store"
        return response


class ReportFileView(ReportMixin, View):
    """The PDF or XLSX of a finished snapshot, from the storage (never rebuilt on request)."""

    def get(self, request, pk: int, fmt: str):
        if fmt not in CONTENT_TYPES:
            raise Http404
        report = self.get_report()
        stored = report.pdf if fmt == "pdf" else report.xlsx
        if report.state != S.DONE or not stored:
            raise Http404
        try:
            handle = default_storage.open(stored.name, "rb")
        except FileNotFoundError:
            logger.warning("Concept report %s: %s file %s is missing from the storage", pk, fmt, stored.name)
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=services.download_name(report, fmt),
            content_type=CONTENT_TYPES[fmt],
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReportRetryView(ReportMixin, View):
    """A failed snapshot is built again as a new attempt (the failed one stays in the list)."""

    def post(self, request, pk: int):
        report = services.report_with_stale_state(report=self.get_report())
        try:
            attempt = services.retry_report(by=request.user, report=report)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("overview:report_detail", pk=report.pk)
        messages.success(request, _("Der Bericht wird erneut erstellt."))
        return redirect("overview:report_detail", pk=attempt.pk)


class ReportCompareView(KIStaffRequiredMixin, View):
    """Two finished snapshots side by side (e.g. two years, or two states of the same year)."""

    template_name = "overview/report_compare.html"

    def get(self, request):
        done = reports_visible_to(request.user).filter(state=S.DONE).order_by("-year", "-created_at")
        if "a" not in request.GET and "b" not in request.GET:
            return render(
                request, self.template_name, {"form": CompareForm(reports=done), "comparison": None}
            )
        form = CompareForm(request.GET, reports=done)
        if not form.is_valid():
            codes = {error.code for errors in form.errors.as_data().values() for error in errors}
            if "invalid_choice" in codes:
                raise Http404  # not one of the user's finished snapshots: do not tell which
            return render(request, self.template_name, {"form": form, "comparison": None}, status=400)
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        context = {"form": form, "a": a, "b": b, "comparison": _formatted(services.compare_reports(a=a, b=b))}
        return render(request, self.template_name, context)


def _formatted(comparison: dict) -> dict:
    labels = {key: (label, decimals) for key, label, decimals in total_labels()}

    def rows(raw: list[dict]) -> list[dict]:
        return [
            {
                "label": labels[row["key"]][0],
                "a": number(row["a"], labels[row["key"]][1]),
                "b": number(row["b"], labels[row["key"]][1]),
                "change": signed(row["change"], labels[row["key"]][1]),
            }
            for row in raw
        ]

    status_labels = {status.key: f"{status.icon} {status.label}" for status in STATUSES}

    def side(place: dict | None) -> dict:
        if place is None:
            return {"latest": _("nicht im Bericht"), "target": "–", "status": "–"}
        return {
            "latest": with_year(place.get("latest")),
            "target": with_year(place.get("target")),
            "status": status_labels.get(place.get("status"), "–"),
        }

    return {
        "district": rows(comparison["district"]),
        "municipalities": [{**m, "rows": rows(m["rows"])} for m in comparison["municipalities"]],
        "goals": [
            {**goal, "a": side(goal["a"]), "b": side(goal["b"])} for goal in comparison.get("goals", [])
        ],
    }


class TextsView(KIStaffRequiredMixin, View):
    """The KI's own text per field of action for one year: situation, goals, recommendations."""

    template_name = "overview/report_texts.html"

    def setup_district(self, request, year: int) -> District:
        if not services.MIN_YEAR <= year <= services.MAX_YEAR:
            raise Http404
        districts = districts_administered_by(request.user).order_by("name")
        slug = request.GET.get("district")
        if slug and "\x00" in slug:  # PostgreSQL refuses NUL in text: no such district
            raise Http404
        district = get_object_or_404(districts, slug=slug) if slug else districts.first()
        if district is None:
            raise Http404
        self.districts = list(districts)
        return district

    def formset(self, district: District, year: int, data=None):
        entries = services.fields_with_texts(district=district, year=year)
        initial = [
            {
                "field_of_action": item.slug,
                **{name: getattr(text, name) if text else "" for name in services.TEXT_FIELDS},
            }
            for item, text in entries
        ]
        formset = FieldTextFormSet(
            data,
            initial=initial,
            prefix="texts",
            form_kwargs={"fields_of_action": FieldOfAction.objects.filter(district=district)},
        )
        by_slug = {item.slug: (item, text) for item, text in entries}
        for form in formset:
            form.entry = by_slug.get(form["field_of_action"].value(), (None, None))
        return formset

    def foreword_form(self, district: District, year: int, data=None) -> ForewordForm:
        return ForewordForm(
            data, prefix="foreword", initial={"text": texts.foreword_of(district=district, year=year)}
        )

    def render_page(self, request, district: District, year: int, formset, foreword_form=None):
        context = {
            "district": district,
            "districts": self.districts,
            "year": year,
            "formset": formset,
            "foreword_form": foreword_form or self.foreword_form(district, year),
            "previous_year": year - 1,
            "next_year": year + 1,
        }
        return render(request, self.template_name, context)

    def get(self, request, year: int):
        district = self.setup_district(request, year)
        return self.render_page(request, district, year, self.formset(district, year))

    def post(self, request, year: int):
        district = self.setup_district(request, year)
        formset = self.formset(district, year, data=request.POST)
        if not formset.management_form.is_valid():
            messages.error(request, _("Das Formular war unvollständig; es wurde nichts gespeichert."))
            return self.render_page(request, district, year, self.formset(district, year))
        foreword_form = self.foreword_form(district, year, data=request.POST)
        if not (formset.is_valid() and foreword_form.is_valid()):
            return self.render_page(request, district, year, formset, foreword_form)
        field_texts = {
            form.cleaned_data["field_of_action"]: form.cleaned_data
            for form in formset
            if form.cleaned_data.get("field_of_action")
        }
        changed = services.save_field_texts(by=request.user, district=district, year=year, texts=field_texts)
        changed += texts.save_foreword(
            by=request.user, district=district, year=year, text=foreword_form.cleaned_data["text"]
        )
        if changed:
            message = ngettext("%(count)s Text gespeichert.", "%(count)s Texte gespeichert.", changed)
            messages.success(request, message % {"count": changed})
        else:
            messages.info(request, _("Keine Änderungen."))
        url = reverse("overview:texts", kwargs={"year": year})
        if len(self.districts) > 1:
            url += f"?district={district.slug}"
        return redirect(url)
