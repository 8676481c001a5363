"""Readable rows of the audit log: names for people and references, labels for fields and values
(the second half of ``kreisintegration.audit_log``; ``entries`` reads the rows)."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, ModelChange, User

from .entries import CHANGE_LABELS, object_type_label

# Keys of AuditEvent.details, and the review decisions, in the reader's language.
DETAIL_LABELS = {
    "decision": _("Entscheidung"),
    "format": _("Format"),
    "criteria": _("Suchkriterien"),
    "page": _("Seite"),
    "year": _("Jahr"),
    "session": _("Termin"),
    "rows": _("Zeilen"),
}
# Keys of the volunteer search's criteria.
CRITERIA_LABELS = {
    "municipality": _("Wohnort (Kommune)"),
    "language": _("Sprache"),
    "qualification": _("Qualifikation"),
}
DECISION_LABELS = {
    "approved": _("veröffentlicht"),
    "returned": _("zurückgegeben"),
    "rejected": _("abgelehnt"),
    "cancelled": _("abgesagt"),
}


def _model_field(obj_type: str, field_name: str):
    try:
        return apps.get_model(obj_type)._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist):  # a model or field removed since
        return None


# German labels of audited fields that have no verbose name of their own (Django would show the
# English attribute name).
FIELD_LABELS = {
    "user": _("Person"),
    "municipality": _("Kommune"),
    "district": _("Kreis"),
    "reviewed_by": _("Geprüft von"),
    "invited_by": _("Eingeladen von"),
    "version": _("Fassung"),
    "is_active": _("Konto aktiv"),
    "is_staff": _("Zugang zur Verwaltung"),
    "is_superuser": _("Alle Rechte"),
}


def _field_label(obj_type: str, field_name: str) -> str:
    field = _model_field(obj_type, field_name)
    label = str(getattr(field, "verbose_name", "") or "")
    if not label or label == field_name.replace("_", " ") or field_name in FIELD_LABELS:
        label = str(FIELD_LABELS.get(field_name, label or field_name))
    return label[:1].upper() + label[1:]


# Entries about a person carry no name (it would outlive an anonymisation); the page shows the
# person's current name, which after an anonymisation is the anonymised one.
PERSON_OBJECT_TYPES = {"accounts.user", "volunteers.volunteer"}

# Fields a reader gains nothing from (the row's own number) are left out of the description.
HIDDEN_CHANGE_FIELDS = {"id"}
EMPTY = _("leer")


def _is_empty(raw) -> bool:
    return raw is None or raw in ("", "None", "null")


def _related_keys(rows: list[dict]) -> dict[type, set[str]]:
    """Primary keys of the objects that changed foreign keys point to, per model (to load in bulk)."""
    wanted: dict[type, set[str]] = {}
    for row in rows:
        if row["source"] != "change":
            continue
        for name, values in (row["data"] or {}).items():
            field = _model_field(row["obj_type"], name)
            if field is None or not getattr(field, "many_to_one", False) or not isinstance(values, list):
                continue
            keys = {str(value) for value in values if not _is_empty(value)}
            wanted.setdefault(field.related_model, set()).update(keys)
        if row["obj_type"] in PERSON_OBJECT_TYPES and row["obj_id"]:
            wanted.setdefault(apps.get_model(row["obj_type"]), set()).add(str(row["obj_id"]))
    return wanted


def _load_related(wanted: dict[type, set[str]]) -> dict[type, dict[str, object]]:
    loaded = {}
    for model, keys in wanted.items():
        valid = [key for key in keys if key.isdigit()]
        manager = model._base_manager
        if model is not User and any(f.name == "user" for f in model._meta.fields):
            manager = manager.select_related("user")
        loaded[model] = {str(pk): obj for pk, obj in manager.in_bulk(valid).items()}
    return loaded


def _readable_value(field, raw, related: dict) -> str:
    """One stored value as a person reads it: names for references, labels for codes, local time."""
    if _is_empty(raw):
        return str(EMPTY)
    if field is None:
        return _flat(raw)
    if getattr(field, "many_to_one", False):
        obj = related.get(field.related_model, {}).get(str(raw))
        return str(obj) if obj is not None else str(_("gelöscht"))
    if getattr(field, "choices", None):
        return str(dict((str(key), label) for key, label in field.flatchoices).get(str(raw), raw))
    internal = field.get_internal_type()
    if internal in ("BooleanField", "NullBooleanField"):
        return str(_("ja")) if str(raw) in ("True", "true", "1") else str(_("nein"))
    if internal == "DateTimeField":
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        if timezone.is_naive(moment):  # django-auditlog stores naive UTC
            moment = timezone.make_aware(moment, datetime.UTC)
        return date_format(timezone.localtime(moment), "d.m.Y H:i")
    if internal == "DateField":
        day = parse_date(str(raw)[:10])
        return date_format(day, "d.m.Y") if day else str(raw)
    return _flat(raw)


def _change_details(row: dict, related: dict) -> list[tuple[str, str]]:
    """``[(field label, "old → new")]``; a creation lists the new values, a deletion the last ones."""
    details = []
    for name, values in sorted((row["data"] or {}).items()):
        if name in HIDDEN_CHANGE_FIELDS:
            continue
        field = _model_field(row["obj_type"], name)
        label = _field_label(row["obj_type"], name)
        if isinstance(values, dict):  # a many-to-many change
            details.append((label, _flat(values.get("objects", values))))
            continue
        if not isinstance(values, list) or len(values) != 2:
            details.append((label, _flat(values)))
            continue
        old, new = (_readable_value(field, value, related) for value in values)
        if row["kind"] == str(ModelChange.Action.CREATE):
            if not all(_is_empty(value) for value in values):  # a new row's empty fields say nothing
                details.append((label, new))
        elif row["kind"] == str(ModelChange.Action.DELETE):
            details.append((label, old))
        else:
            details.append((label, f"{old} → {new}"))
    return details


def _criteria_names(rows: list[dict]) -> dict[str, dict[str, str]]:
    """Names for the slugs and codes stored as search criteria (one query per kind)."""
    from municipalities.models import Language, Municipality

    slugs, codes, sessions = set(), set(), set()
    for row in rows:
        if row["source"] != "access":
            continue
        criteria = (row["data"] or {}).get("criteria")
        if isinstance(criteria, dict):
            slugs.update(str(v) for k, v in criteria.items() if k == "municipality")
            codes.update(str(v) for k, v in criteria.items() if k == "language")
        if str((row["data"] or {}).get("session", "")).isdigit():
            sessions.add(int(row["data"]["session"]))
    # Course sessions belong to an app that depends on this one: looked up by name, not imported.
    session_model = apps.get_model("volunteers", "CourseSession")
    starts = (
        dict(session_model.objects.filter(pk__in=sessions).values_list("pk", "start")) if sessions else {}
    )
    return {
        "session": {
            str(pk): date_format(timezone.localtime(start), "d.m.Y H:i") for pk, start in starts.items()
        },
        "municipality": dict(Municipality.objects.filter(slug__in=slugs).values_list("slug", "name"))
        if slugs
        else {},
        "language": dict(Language.objects.filter(code__in=codes).values_list("code", "name"))
        if codes
        else {},
    }


def _access_details(row: dict, names: dict) -> list[tuple[str, str]]:
    details = []
    for key, value in sorted((row["data"] or {}).items()):
        label = str(DETAIL_LABELS.get(key, key))
        if key == "decision":
            details.append((label, str(DECISION_LABELS.get(value, value))))
        elif key == "session":
            details.append((label, names["session"].get(str(value), str(_("gelöscht")))))
        elif key == "format":
            details.append((label, str(value).upper()))
        elif key == "criteria" and isinstance(value, dict):
            readable = [
                f"{CRITERIA_LABELS.get(name, name)}: {names.get(name, {}).get(str(item), item)}"
                for name, item in sorted(value.items())
            ]
            details.append((label, ", ".join(readable) or str(_("keine"))))
        else:
            details.append((label, _flat(value)))
    return details


def describe_entries(rows: list[dict]) -> list[dict]:
    """Readable rows for a page: names for people and references, German labels for fields and
    values, local time; loaded in a few queries however many rows there are."""
    actors = User.objects.in_bulk({row["who"] for row in rows if row["who"]})
    related = _load_related(_related_keys(rows))
    names = _criteria_names(rows)
    action_labels = dict(AuditEvent.Action.choices)
    described = []
    for row in rows:
        is_change = row["source"] == "change"
        details = _change_details(row, related) if is_change else _access_details(row, names)
        object_name = row["label"]
        if row["obj_type"] in PERSON_OBJECT_TYPES and not object_name:
            person = related.get(apps.get_model(row["obj_type"]), {}).get(str(row["obj_id"]))
            object_name = str(person) if person is not None else ""
        described.append(
            {
                **row,
                "actor": actors.get(row["who"]),
                "action_label": CHANGE_LABELS.get(row["kind"], row["kind"])
                if is_change
                else action_labels.get(row["kind"], row["kind"]),
                "object_label": object_type_label(row["obj_type"]),
                "object_name": object_name,
                "details": details,
                "what": "; ".join(f"{label}: {value}" for label, value in details),
            }
        )
    return described


def rows_rendering_key(rows: list[dict]) -> tuple:
    """Everything the table rows show (audit_log/_rows.html), as plain values."""
    return tuple(
        (
            row["ts"].isoformat(),
            str(row["actor"]) if row["actor"] else "",
            str(row["action_label"]),
            str(row["object_label"]) if row["object_label"] else "",
            str(row["object_name"]) if row["object_name"] else "",
            tuple((str(label), str(value)) for label, value in row["details"]),
        )
        for row in rows
    )


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_flat(item)}" for key, item in sorted(value.items())) or "–"
    if isinstance(value, list):
        return ", ".join(_flat(item) for item in value)
    return str(value)
