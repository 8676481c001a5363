"""Entering, correcting and importing indicator values (KI staff: all; contacts: their own)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from events.importer import ImportFileError, ImportValidationError, read_upload
from kreisintegration.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from .. import importer, permissions, values
from ..forms import CorrectionForm, ImportForm, ValueForm
from ..models import IndicatorValue
from .base import district_of

RECENT_VALUES = 50


class ValuesView(permissions.ConceptUserRequiredMixin, View):
    """The recent values the user may change, and a form to enter one."""

    def setup_scope(self):
        self.district = district_of(self.request.user)
        if self.district is None:
            raise Http404
        self.municipalities = permissions.value_municipalities_of(self.request.user).filter(
            district=self.district
        )
        self.district_allowed = permissions.may_enter_district_values(self.request.user, self.district)

    def form(self, data=None):
        return ValueForm(
            data,
            indicators=permissions.indicators_visible_to(self.request.user).filter(district=self.district),
            municipalities=self.municipalities,
            district_allowed=self.district_allowed,
        )

    def get(self, request):
        self.setup_scope()
        return self.page(self.form())

    def post(self, request):
        self.setup_scope()
        posted = request.POST.get("municipality")
        # Another municipality's id is not "invalid input" but outside the user's world: 404.
        if posted and not self.municipalities.filter(pk=posted if posted.isdigit() else 0).exists():
            raise Http404
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                values.record_indicator_value(
                    by=request.user,
                    indicator=data["indicator"],
                    municipality=data["municipality"],
                    year=data["year"],
                    value=data["value"],
                    source=data["source"],
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Der Wert wurde gespeichert."))
                return redirect("concept:values")
        return self.page(form)

    def page(self, form):
        recent = (
            permissions.values_editable_by(self.request.user)
            .filter(indicator__district=self.district)
            .select_related("indicator", "municipality", "entered_by")
            .order_by("-entered_at")[:RECENT_VALUES]
        )
        return render(
            self.request, "concept/values.html", {"form": form, "recent": recent, "district": self.district}
        )


class ValueCorrectView(permissions.ConceptUserRequiredMixin, View):
    def get_row(self) -> IndicatorValue:
        return get_object_or_404(
            permissions.values_editable_by(self.request.user).select_related("indicator", "municipality"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, pk):
        row = self.get_row()
        return self.page(row, CorrectionForm(initial={"value": row.value, "source": row.source}))

    def post(self, request, pk):
        row = self.get_row()
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                values.correct_indicator_value(by=request.user, row=row, **form.cleaned_data)
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Der Wert wurde korrigiert; der bisherige bleibt in der Historie.")
                )
                return redirect("concept:values")
        return self.page(row, form)

    def page(self, row, form):
        return render(
            self.request,
            "concept/value_correct.html",
            {
                "row": row,
                "form": form,
                "revisions": row.revisions.select_related("changed_by", "old_entered_by"),
            },
        )


class ValueImportView(permissions.ConceptUserRequiredMixin, View):
    def get(self, request):
        return self.page(ImportForm())

    def post(self, request):
        district = district_of(request.user)
        if district is None:
            raise Http404
        form = ImportForm(request.POST, request.FILES)
        errors, row_count = [], 0
        if form.is_valid():
            try:
                saved = importer.import_values(
                    by=request.user, district=district, data=read_upload(form.cleaned_data["file"])
                )
            except ImportFileError as error:
                form.add_error("file", error.message)
            except ImportValidationError as error:
                errors, row_count = error.errors, error.row_count
                form.add_error(
                    None,
                    _("Nichts wurde gespeichert: %(bad)s von %(rows)s Zeilen enthalten Fehler.")
                    % {"bad": error.bad_rows, "rows": error.row_count},
                )
            else:
                messages.success(request, _("%(n)s Werte wurden übernommen.") % {"n": len(saved)})
                return redirect("concept:values")
        return self.page(form, errors=errors, row_count=row_count)

    def page(self, form, errors=(), row_count=0):
        return render(
            self.request,
            "concept/value_import.html",
            {"form": form, "errors": errors, "row_count": row_count},
        )


class ValueImportTemplateView(permissions.ConceptUserRequiredMixin, View):
    def get(self, request, fmt):
        district = district_of(request.user)
        if district is None or fmt not in ("csv", "xlsx"):
            raise Http404
        content = importer.template_file(district=district, fmt=fmt)
        response = HttpResponse(content, content_type=CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="kennzahlwerte-vorlage.{fmt}"'
        return response
