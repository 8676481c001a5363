"""Import of events from CSV/XLSX (contacts and KI staff) and the staff export."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView

from municipalities import permissions

from .. import exporter, importer
from ..filters import FilterError, parse_event_filter
from ..importer import jobs
from ..models import EventImport

FORMATS = {
    "csv": ("csv", exporter.CSV_CONTENT_TYPE),
    "xlsx": ("xlsx", exporter.XLSX_CONTENT_TYPE),
}
# How many row problems the page lists; the rest is counted (the file has to be fixed anyway).
MAX_SHOWN_ERRORS = 500


class ImportPermissionMixin(permissions.RoleRequiredMixin):
    """Whoever manages at least one municipality (its contacts, KI staff) may import into it."""

    def has_role(self) -> bool:
        self.municipalities = (
            permissions.municipalities_managed_by(self.request.user)
            .select_related("district")
            .order_by("name")
        )
        return self.municipalities.exists()


class ImportForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Kommune"),
        queryset=None,
        help_text=gettext_lazy("Alle Veranstaltungen der Datei werden für diese Kommune angelegt."),
    )
    file = forms.FileField(
        label=gettext_lazy("Datei (CSV oder XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own municipalities can be chosen – also when a POST names another id.
        self.fields["municipality"].queryset = municipalities
        only = list(municipalities[:2])
        if len(only) == 1:
            self.fields["municipality"].initial = only[0].pk
            self.fields["municipality"].empty_label = None
        else:
            self.fields["municipality"].empty_label = _("Bitte wählen")
        self.fields["file"].help_text = _(
            "Höchstens %(size)s und %(rows)s Veranstaltungen. Die Dateiart wird am Inhalt erkannt."
        ) % {
            "size": importer.format_size(settings.EVENTS_IMPORT_MAX_BYTES),
            "rows": settings.EVENTS_IMPORT_MAX_ROWS,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.EVENTS_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(size)s). Bitte teilen Sie sie in mehrere Dateien auf.")
                % {"size": importer.format_size(settings.EVENTS_IMPORT_MAX_BYTES)}
            )
        return upload


class ImportView(ImportPermissionMixin, FormView):
    template_name = "events/import.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["municipalities"] = self.municipalities
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("row_errors", [])
        context.setdefault("hidden_error_count", 0)
        context.setdefault("bad_rows", 0)
        context.setdefault("row_count", 0)
        context["columns"] = importer.COLUMNS
        context["list_separator"] = importer.LIST_SEPARATOR
        context["max_rows"] = settings.EVENTS_IMPORT_MAX_ROWS
        context["max_size"] = importer.format_size(settings.EVENTS_IMPORT_MAX_BYTES)
        return context

    def form_valid(self, form):
        try:
            result = jobs.start_import(
                by=self.request.user,
                municipality=form.cleaned_data["municipality"],
                upload=form.cleaned_data["file"],
            )
        except importer.ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        except importer.ImportValidationError as error:
            return self.render_errors(form, error.errors, row_count=error.row_count)
        if isinstance(result, EventImport):  # a big file: the worker imports it
            return redirect("events:import_progress", pk=result.pk)
        return self.done(result.count, result.encoding)

    def render_errors(self, form, errors, *, row_count: int):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                row_errors=errors[:MAX_SHOWN_ERRORS],
                hidden_error_count=max(0, len(errors) - MAX_SHOWN_ERRORS),
                bad_rows=len({error.row for error in errors}),
                row_count=row_count,
            )
        )

    def done(self, count: int, encoding: str):
        message = ngettext(
            "%(count)s Veranstaltung wurde als Entwurf angelegt.",
            "%(count)s Veranstaltungen wurden als Entwurf angelegt.",
            count,
        ) % {"count": count}
        message += " " + _("Reichen Sie sie zur Prüfung ein, wenn sie veröffentlicht werden sollen.")
        if encoding == importer.ENCODING_CP1252:
            message += " " + _(
                "Die Datei wurde als Windows-1252 (ANSI) gelesen. Bitte prüfen Sie, ob Umlaute richtig "
                "angekommen sind; speichern Sie künftig am besten als „CSV UTF-8“."
            )
        messages.success(self.request, message)
        return redirect("events:mine")


class ImportProgressView(ImportView):
    """A big import in the worker: the progress page (polled by ``import_progress.js``, with a
    refresh link without JavaScript), and at the end the same result as a small import – the
    drafts under „Meine Veranstaltungen“ or the import page with every problem of every row."""

    http_method_names = ["get", "head"]

    def get(self, request, pk: int):
        job = get_object_or_404(jobs.imports_of(request.user), pk=pk)
        if job.state == EventImport.State.DONE:
            return self.done(job.created_count, job.encoding)
        if job.state == EventImport.State.FAILED:
            # A fresh upload form for the same municipality, with the problems found.
            form = self.get_form_class()(
                data={"municipality": job.municipality_id}, municipalities=self.municipalities
            )
            form.full_clean()
            form.errors.clear()  # the file is missing, of course: it has to be uploaded again
            if job.file_error:
                form.add_error("file", job.file_error)
                return self.form_invalid(form)
            return self.render_errors(form, jobs.row_errors_of(job), row_count=job.row_count)
        return render(
            request,
            "events/import_progress.html",
            {"job": job, "status": jobs.status_of(job)},
        )


class ImportStatusView(ImportPermissionMixin, View):
    """The JSON the progress page polls; only the importer's own imports (anyone else's: 404)."""

    http_method_names = ["get", "head"]

    def get(self, request, pk: int):
        job = get_object_or_404(jobs.imports_of(request.user), pk=pk)
        response = JsonResponse(jobs.status_of(job))
        response["Cache-Control"] = "no-store"
        return response


class ImportTemplateView(ImportPermissionMixin, View):
    """The template with header and one example row, matched to the user's (first) municipality."""

    def get(self, request, fmt: str):
        if fmt not in FORMATS:
            raise Http404
        first_two = list(self.municipalities[:2])
        write = exporter.template_csv if fmt == "csv" else exporter.template_xlsx
        content = write(first_two[0], name_municipality=len(first_two) == 1)
        extension, content_type = FORMATS[fmt]
        return _attachment(content, content_type, f"vorlage-veranstaltungen.{extension}")


class ExportView(permissions.KIStaffRequiredMixin, View):
    """Every event (all statuses) of the staff member's district, filtered like the calendar."""

    def get(self, request, fmt: str):
        if fmt not in FORMATS:
            raise Http404
        district = permissions.districts_administered_by(request.user).first()
        try:
            flt = parse_event_filter(request.GET, district=district)
            statuses = exporter.parse_statuses(request.GET)
        except FilterError as error:
            return HttpResponse(
                _("Ungültiger Filter „%(parameter)s“: %(message)s")
                % {"parameter": error.parameter, "message": error.message},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        events = exporter.events_for_export(user=request.user, flt=flt, statuses=statuses)
        content = exporter.export_csv(events) if fmt == "csv" else exporter.export_xlsx(events)
        extension, content_type = FORMATS[fmt]
        return _attachment(content, content_type, exporter.export_filename(flt=flt, extension=extension))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


import_template = ImportTemplateView.as_view()
export_events = ExportView.as_view()
