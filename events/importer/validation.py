"""Row validation: every row becomes an unsaved draft ``Event`` plus its lists, and *all*
problems are collected as ``RowError`` (row, column, reason) – including the model's own
``full_clean``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import FieldOfAction, Language, Municipality, TargetGroup
from municipalities.text import SingleLineCharField, single_line

from ..models import Event
from .cells import (
    CellError,
    cell_text,
    is_empty,
    parse_count,
    parse_date,
    parse_time,
    shown_value,
    split_list,
)
from .columns import MODEL_FIELD_COLUMNS, ROW_COLUMN, TEXT_COLUMN_FIELDS
from .errors import RowError
from .reading import Table


@dataclass
class ParsedRow:
    row: int
    event: Event
    fields_of_action: list[FieldOfAction] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)


@dataclass
class Lookups:
    """The reference data a row may name, loaded once per import."""

    fields_of_action: dict[str, FieldOfAction]
    target_groups: dict[str, TargetGroup]
    languages: dict[str, Language]
    municipalities: dict[str, Municipality]

    @classmethod
    def for_municipality(cls, municipality: Municipality) -> Lookups:
        def by_slug_and_name(queryset) -> dict:
            found = {}
            for item in queryset:
                found[item.name.casefold()] = item
                found[item.slug.casefold()] = item
            return found

        languages = {}
        for language in Language.objects.all():
            for key in (language.native_name, language.name, language.code):
                if key:
                    languages[key.casefold()] = language
        municipalities = {}
        for other in Municipality.objects.all():
            for key in (other.name, other.slug, other.ags):
                municipalities[key.casefold()] = other
        district = municipality.district_id
        return cls(
            fields_of_action=by_slug_and_name(
                FieldOfAction.objects.filter(district_id=district, is_active=True)
            ),
            target_groups=by_slug_and_name(TargetGroup.objects.filter(district_id=district, is_active=True)),
            languages=languages,
            municipalities=municipalities,
        )


def resolve_list(value: Any, mapping: dict, *, kind: str) -> tuple[list, str]:
    found, unknown = [], []
    for part in split_list(value):
        item = mapping.get(part.casefold())
        if item is None:
            unknown.append(part)
        elif item not in found:
            found.append(item)
    if unknown:
        return found, _(
            "Unbekannte %(kind)s: %(values)s. Bitte die Bezeichnungen aus der Vorlage verwenden."
        ) % {
            "kind": kind,
            "values": ", ".join(f"„{shown_value(v)}“" for v in unknown[:5]),
        }
    return found, ""


def parse_row(
    row_number: int, values: dict[str, Any], *, municipality: Municipality, lookups: Lookups
) -> tuple[ParsedRow | None, list[RowError]]:
    """One row as an unsaved draft event of ``municipality``, or the problems of the row."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(row_number, column, message, shown_value(values.get(column))))

    if "" in values:
        fail(ROW_COLUMN, _("Die Zeile enthält Werte in einer Spalte ohne Überschrift."))

    event = Event(municipality=municipality, status=Event.Status.DRAFT)
    for column, field_name in TEXT_COLUMN_FIELDS.items():
        text = cell_text(values.get(column)).strip()
        # Titles are one line (a line break in a cell would break calendar files and mails).
        if isinstance(Event._meta.get_field(field_name), SingleLineCharField):
            text = single_line(text)
        setattr(event, field_name, text)
    if is_empty(values.get("titel")):
        fail("titel", _("Der Titel fehlt."))

    start_date = start_time = end_date = end_time = None
    for column, parser in (
        ("beginn_datum", parse_date),
        ("beginn_uhrzeit", parse_time),
        ("ende_datum", parse_date),
        ("ende_uhrzeit", parse_time),
    ):
        raw = values.get(column)
        if is_empty(raw):
            continue
        try:
            parsed = parser(raw)
        except CellError as error:
            fail(column, str(error))
            continue
        if column == "beginn_datum":
            start_date = parsed
        elif column == "beginn_uhrzeit":
            start_time = parsed
        elif column == "ende_datum":
            end_date = parsed
        else:
            end_time = parsed
    if is_empty(values.get("beginn_datum")):
        fail("beginn_datum", _("Das Datum des Beginns fehlt."))
    if end_time is not None and start_time is None and is_empty(values.get("beginn_uhrzeit")):
        fail(
            "ende_uhrzeit", _("Eine Uhrzeit für das Ende geht nur zusammen mit einer Uhrzeit für den Beginn.")
        )
    dates_ok = start_date is not None and not any(
        e.column in {"beginn_uhrzeit", "ende_datum", "ende_uhrzeit"} for e in errors
    )
    if dates_ok:
        end_date = end_date or start_date
        if start_time is None:  # all day, as the event form stores it
            start, end = datetime.combine(start_date, time.min), datetime.combine(end_date, time(23, 59))
        else:
            start = datetime.combine(start_date, start_time)
            end = datetime.combine(end_date, end_time or start_time)
        event.all_day = start_time is None
        event.start = timezone.make_aware(start)
        event.end = timezone.make_aware(end)

    raw_municipality = cell_text(values.get("kommune")).strip()
    if raw_municipality:
        named = lookups.municipalities.get(raw_municipality.casefold())
        if named is None:
            fail("kommune", _("Unbekannte Kommune. Bitte Name oder AGS angeben (gewählt ist %(name)s).")
                 % {"name": municipality.name})  # fmt: skip
        elif named.pk != municipality.pk:
            fail("kommune", _("Die Zeile gehört zu einer anderen Kommune (%(other)s) als der gewählten (%(name)s).")
                 % {"other": named.name, "name": municipality.name})  # fmt: skip

    raw_count = values.get("erwartete_teilnehmende")
    if not is_empty(raw_count):
        try:
            event.expected_participants = parse_count(raw_count)
        except CellError as error:
            fail("erwartete_teilnehmende", str(error))

    fields_of_action, message = resolve_list(
        values.get("handlungsfelder"), lookups.fields_of_action, kind=_("Handlungsfelder")
    )
    if message:
        fail("handlungsfelder", message)
    target_groups, message = resolve_list(
        values.get("zielgruppen"), lookups.target_groups, kind=_("Zielgruppen")
    )
    if message:
        fail("zielgruppen", message)
    languages, message = resolve_list(values.get("sprachen"), lookups.languages, kind=_("Sprachen"))
    if message:
        fail("sprachen", message)

    # The model's own rules (lengths, URL, end after start …), for the fields read without error.
    failed_columns = {error.column for error in errors}
    # Foreign keys are set here from trusted objects; checking them would cost a query per row.
    exclude = ["status", "created_by", "reviewed_by", "measure", "municipality"]
    exclude += [name for name, column in MODEL_FIELD_COLUMNS.items() if column in failed_columns]
    if not dates_ok:
        exclude += ["start", "end"]
    try:
        # The one check constraint (end after start) is Event.clean()'s rule too; skip its query per row.
        event.full_clean(exclude=sorted(set(exclude)), validate_constraints=False)
    except ValidationError as error:
        for name, messages in error_dict(error).items():
            column = MODEL_FIELD_COLUMNS.get(name, ROW_COLUMN)
            if (
                name == "end"
                and is_empty(values.get("ende_datum"))
                and not is_empty(values.get("ende_uhrzeit"))
            ):
                column = "ende_uhrzeit"
            for message in messages:
                if not any(e.column == column and e.message == message for e in errors):
                    fail(column, message)

    if errors:
        return None, errors
    return ParsedRow(row_number, event, fields_of_action, target_groups, languages), []


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def validate_table(
    table: Table, *, municipality: Municipality, lookups: Lookups | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    lookups = lookups or Lookups.for_municipality(municipality)
    parsed, errors = [], []
    for row_number, values in table.rows:
        row, row_errors = parse_row(row_number, values, municipality=municipality, lookups=lookups)
        if row is not None:
            parsed.append(row)
        errors.extend(row_errors)
    return parsed, errors
