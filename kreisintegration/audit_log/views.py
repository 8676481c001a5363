"""KI staff: the audit log of their district(s), read-only (GET only), with a CSV export."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.audit import record_audit_event
from accounts.models import AuditEvent
from kreisintegration import private_cache, public_cache
from kreisintegration.fragments import cached_fragment
from municipalities.permissions import KIStaffRequiredMixin, roles_of, roles_scope

from .descriptions import describe_entries, rows_rendering_key
from .entries import AuditLogFilterForm, actors_in_log_of, audit_entries_visible_to

CSV_MAX_ROWS = 50_000


class AuditLogMixin(KIStaffRequiredMixin):
    # Nothing in the log can be changed through the portal: any other method answers 405.
    http_method_names = ["get", "head", "options"]

    def filter_form(self) -> AuditLogFilterForm:
        return AuditLogFilterForm(self.request.GET or None, actors=actors_in_log_of(self.request.user))

    @staticmethod
    def filters_of(form: AuditLogFilterForm) -> dict:
        return form.cleaned_data if form.is_bound and form.is_valid() else {}


class AuditLogView(AuditLogMixin, View):
    template_name = "audit_log/audit_log.html"
    page_size = 50

    def get(self, request):
        # Kept per person and role scope while no entry of their districts is added and nothing
        # the rows name (people, events, courses, municipalities, ...) changes.
        roles = roles_of(request.user)
        district_parts = (
            ("audit",)
            if roles.is_superuser
            else tuple(f"audit:{pk}" for pk in sorted(roles.staff_district_ids))
        )
        namespaces = tuple(n for n in public_cache.NAMESPACES if n != "audit") + district_parts
        return private_cache.private_page(
            request, scope=roles_scope(request.user), namespaces=namespaces, render=self.render_page
        )

    def render_page(self, extra_context: dict):
        request = self.request
        form = self.filter_form()
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, _invalid(form), status=400)
        entries = audit_entries_visible_to(request.user, filters=self.filters_of(form))
        page_obj = Paginator(entries, self.page_size).get_page(request.GET.get("page"))
        rows = describe_entries(list(page_obj.object_list))
        # The filter form (one option per actor) and the rows cost more to render than to load:
        # both come from the fragment cache under the hash of what they show.
        filter_form_html = cached_fragment(
            "volunteers/reports/_filter_form.html",
            {"form": form, "submit_label": _("Filtern")},
            form.rendering_key(),
            request,
        )
        rows_html = cached_fragment("audit_log/_rows.html", {"rows": rows}, rows_rendering_key(rows), request)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_obj": page_obj,
                "rows": rows,
                "filter_form_html": filter_form_html,
                "rows_html": rows_html,
                "retention_days": settings.AUDIT_LOG_RETENTION_DAYS,
                **extra_context,
            },
        )


class AuditLogExportView(AuditLogMixin, View):
    """The filtered log as CSV; the export itself is logged."""

    def get(self, request):
        form = self.filter_form()
        if form.is_bound and not form.is_valid():
            return render(request, AuditLogView.template_name, _invalid(form), status=400)
        filters = self.filters_of(form)
        rows = describe_entries(list(audit_entries_visible_to(request.user, filters=filters)[:CSV_MAX_ROWS]))
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            [
                _("Zeitpunkt"),
                _("Person"),
                _("Aktion"),
                _("Objektart"),
                _("Objekt"),
                _("Einzelheiten"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    timezone.localtime(row["ts"]).strftime("%d.%m.%Y %H:%M"),
                    _neutral(str(row["actor"]) if row["actor"] else _("unbekannt")),
                    row["action_label"],
                    row["object_label"],
                    _neutral(row["object_name"]),
                    _neutral(row["what"]),
                ]
            )
        staff_districts = roles_of(request.user).staff_district_ids
        record_audit_event(
            actor=request.user,
            action=AuditEvent.Action.EXPORTED_AUDIT_LOG,
            district_id=next(iter(staff_districts)) if len(staff_districts) == 1 else None,
            details={
                "criteria": {
                    key: str(getattr(value, "pk", value)) for key, value in filters.items() if value
                },
                "rows": len(rows),
            },
        )
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="protokoll-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        return response


def _neutral(text: str) -> str:
    """A cell that starts like a formula is shown as text in spreadsheet programs."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _invalid(form: AuditLogFilterForm) -> dict:
    return {"form": form, "page_obj": None, "retention_days": settings.AUDIT_LOG_RETENTION_DAYS}
