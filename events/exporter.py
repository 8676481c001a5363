"""Files the events app hands out: the staff export (CSV/XLSX) and the import templates.

Every text cell is neutralised against formula injection (CSV/DDE injection):
a value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe, so Excel and LibreOffice show it as text instead of
running it. In XLSX the cell is also written with the string data type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from kreisintegration.spreadsheets import (  # noqa: F401 - re-exported for the views and tests
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    Sheet,
    neutralise,
    write_csv,
)
from kreisintegration.spreadsheets import write_xlsx as shared_write_xlsx
from municipalities import permissions
from municipalities.models import FieldOfAction, Language, Municipality, TargetGroup

from .filters import FilterError
from .importer import COLUMNS
from .models import Event, EventOccurrence
from .recurrence import describe
from .selectors import EventFilter, apply_event_filter, event_lists_prefetch

EXPORT_COLUMNS: tuple[tuple[str, int], ...] = (
    # (header, column width in XLSX)
    ("id", 8),
    ("titel", 40),
    ("status", 22),
    ("kommune", 18),
    ("ags", 10),
    ("beginn", 17),
    ("ende", 17),
    ("wiederholung", 28),
    ("ort", 40),
    ("handlungsfelder", 30),
    ("zielgruppen", 30),
    ("sprachen", 24),
    ("veranstalter", 30),
    ("erwartete_teilnehmende", 12),
    ("tatsaechliche_teilnehmende", 12),
    ("eingereicht_am", 17),
)


# --- the export's rows ---------------------------------------------------------------


def parse_statuses(params) -> list[str]:
    """The optional ``status`` parameter (repeatable); empty = every status."""
    statuses = [value.strip() for value in params.getlist("status") if value.strip()]
    for status in statuses:
        if status not in Event.Status.values:
            raise FilterError(
                "status",
                _("Unbekannter Status „%(value)s“. Erlaubt: %(allowed)s.")
                % {"value": status[:30], "allowed": ", ".join(Event.Status.values)},
            )
    return statuses


def events_for_export(*, user: User, flt: EventFilter, statuses: Sequence[str] = ()) -> QuerySet[Event]:
    """Events of every status in the municipalities ``user`` administers with a date in the window."""
    in_window = EventOccurrence.objects.filter(
        event=OuterRef("pk"), start__lt=flt.end_at, end__gte=flt.start_at
    )
    queryset = Event.objects.filter(municipality__in=permissions.municipalities_administered_by(user)).filter(
        Exists(in_window)
    )
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    queryset = apply_event_filter(queryset, flt)
    return (
        queryset.select_related("municipality")
        .prefetch_related(
            *event_lists_prefetch(),
        )
        .order_by("start", "title", "pk")
    )


def _local(value: datetime | None, *, all_day: bool = False) -> datetime | date | None:
    """Berlin wall-clock time without zone (Excel knows no zones); a date for all-day events."""
    if value is None:
        return None
    local = timezone.localtime(value).replace(tzinfo=None)
    return local.date() if all_day else local


def _place(event: Event) -> str:
    return ", ".join(part for part in [event.location_name, event.address] if part)


def _names(items: Iterable) -> str:
    return "; ".join(item.name for item in items)


def export_rows(events: Iterable[Event]) -> Iterator[list[Any]]:
    """One row per event (a series once, with its rule), values typed: str, int, datetime, date, None."""
    for event in events:
        yield [
            event.pk,
            event.title,
            event.get_status_display(),
            event.municipality.name,
            event.municipality.ags,
            _local(event.start, all_day=event.all_day),
            _local(event.end, all_day=event.all_day),
            describe(event),
            _place(event),
            _names(event.fields_of_action.all()),
            _names(event.target_groups.all()),
            _names(event.languages.all()),
            event.organiser,
            event.expected_participants,
            event.actual_participants,
            _local(event.submitted_at),
        ]


def export_filename(*, flt: EventFilter, extension: str) -> str:
    scope = flt.municipality.slug if flt.municipality else (flt.district.slug if flt.district else "alle")
    return f"veranstaltungen-{scope}-{flt.start:%Y-%m-%d}-bis-{flt.end:%Y-%m-%d}.{extension}"


# --- writers -------------------------------------------------------------------------


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    widths: Sequence[int] = (),
    notes: Sequence[Sequence[str]] = (),
    notes_title: str = "",
) -> bytes:
    """One table sheet with a bold, frozen header row, and optionally a sheet of explanations."""
    widths = list(widths) + [14] * (len(header) - len(widths))
    sheets = [Sheet(title, [Column(name, width) for name, width in zip(header, widths, strict=True)], rows)]
    if notes:
        note_columns = [
            Column(str(name), width) for name, width in zip(notes[0], (26, 28, 10, 90), strict=False)
        ]
        sheets.append(Sheet(notes_title or "Hinweise", note_columns, notes[1:], wrap=True))
    return shared_write_xlsx(sheets)


def export_csv(events: Iterable[Event]) -> bytes:
    return write_csv([name for name, _width in EXPORT_COLUMNS], export_rows(events))


def export_xlsx(events: Iterable[Event]) -> bytes:
    return write_xlsx(
        [name for name, _width in EXPORT_COLUMNS],
        export_rows(events),
        title=_("Veranstaltungen"),
        widths=[width for _name, width in EXPORT_COLUMNS],
    )


# --- import templates ----------------------------------------------------------------


def template_example(municipality: Municipality | None, *, name_municipality: bool = True) -> list[str]:
    """The example row, with reference data that exists in the municipality's district.

    ``name_municipality=False`` leaves ``kommune`` empty: someone who manages several
    municipalities chooses one in the form, and a named one could contradict it.
    """
    values = {column.name: column.example for column in COLUMNS}
    if municipality is not None:
        if name_municipality:
            values["kommune"] = municipality.name
        field_of_action = FieldOfAction.objects.filter(district_id=municipality.district_id, is_active=True)
        target_groups = TargetGroup.objects.filter(district_id=municipality.district_id, is_active=True)
        first_field = field_of_action.order_by("position", "name").first()
        if first_field is not None:
            values["handlungsfelder"] = first_field.name
        groups = list(target_groups.order_by("position", "name")[:2])
        if groups:
            values["zielgruppen"] = "; ".join(group.name for group in groups)
    return [values[column.name] for column in COLUMNS]


def template_notes(municipality: Municipality | None) -> list[list[str]]:
    """The column documentation and the allowed values, as a second sheet of the XLSX template."""
    notes = [[_("Spalte"), _("Bedeutung"), _("Pflicht"), _("Hinweise")]]
    for column in COLUMNS:
        notes.append(
            [column.name, str(column.label), _("ja") if column.required else "", str(column.description)]
        )
    if municipality is not None:
        district = municipality.district_id
        notes.append([])
        notes.append(
            [
                "handlungsfelder",
                _("erlaubte Werte"),
                "",
                "; ".join(
                    FieldOfAction.objects.filter(district_id=district, is_active=True).values_list(
                        "name", flat=True
                    )
                ),
            ]
        )
        notes.append(
            [
                "zielgruppen",
                _("erlaubte Werte"),
                "",
                "; ".join(
                    TargetGroup.objects.filter(district_id=district, is_active=True).values_list(
                        "name", flat=True
                    )
                ),
            ]
        )
    notes.append(
        [
            "sprachen",
            _("erlaubte Werte"),
            "",
            "; ".join(f"{code} ({name})" for code, name in Language.objects.values_list("code", "name")),
        ]
    )
    return notes


def template_csv(municipality: Municipality | None, *, name_municipality: bool = True) -> bytes:
    return write_csv(
        [column.name for column in COLUMNS],
        [template_example(municipality, name_municipality=name_municipality)],
    )


def template_xlsx(municipality: Municipality | None, *, name_municipality: bool = True) -> bytes:
    return write_xlsx(
        [column.name for column in COLUMNS],
        [template_example(municipality, name_municipality=name_municipality)],
        title=_("Veranstaltungen"),
        widths=[max(14, min(40, len(column.example) + 4)) for column in COLUMNS],
        notes=template_notes(municipality),
        notes_title=_("Hinweise"),
    )
