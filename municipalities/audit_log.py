"""The KI staff's view of the audit log: accesses (accounts.AuditEvent) and model changes
(accounts.ModelChange, written by django-auditlog) of their own district(s), as one list.

Both tables carry a plain ``district_id``; a KI staff member sees the entries of the districts
they work for, a superuser all. The two tables are read as one ``UNION ALL`` so the page costs the
same few queries however many entries there are.
"""

from __future__ import annotations

import datetime

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, ModelChange, User

from .permissions import roles_of

CHANGE_ACTIONS = {
    "change_create": (ModelChange.Action.CREATE, _("Änderung: angelegt")),
    "change_update": (ModelChange.Action.UPDATE, _("Änderung: geändert")),
    "change_delete": (ModelChange.Action.DELETE, _("Änderung: gelöscht")),
}
CHANGE_LABELS = {str(value): label for value, label in CHANGE_ACTIONS.values()}

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

# Object types that appear in the log, for the filter (label_lower → plural name).
OBJECT_TYPES = [
    "events.event",
    "volunteers.course",
    "volunteers.registration",
    "municipalities.membership",
    "municipalities.districtrole",
    "municipalities.invitation",
    "municipalities.fundingprogramme",
    "signlanguage.signlanguagevideo",
    "accounts.user",
    "concept.conceptversion",
    "concept.municipalityposition",
]


def object_type_label(label_lower: str) -> str:
    if not label_lower:
        return ""
    try:
        return str(apps.get_model(label_lower)._meta.verbose_name)
    except (LookupError, ValueError):
        return label_lower


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditLogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("von (Datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("bis (Datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("alle")
    )
    kind = forms.ChoiceField(label=_("Aktion"), required=False)
    object_type = forms.ChoiceField(label=_("Objektart"), required=False)
    object_id = forms.CharField(label=_("Objekt-ID"), required=False, max_length=64)

    def __init__(self, *args, actors: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["kind"].choices = [
            ("", _("alle")),
            *AuditEvent.Action.choices,
            *[(key, label) for key, (_value, label) in CHANGE_ACTIONS.items()],
        ]
        self.fields["object_type"].choices = [
            ("", _("alle")),
            *[(name, object_type_label(name)) for name in OBJECT_TYPES],
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("Das Ende liegt vor dem Beginn."))
        return data


def _scoped(user) -> tuple[QuerySet[AuditEvent], QuerySet[ModelChange]]:
    roles = roles_of(user)
    events, changes = AuditEvent.objects.all(), ModelChange.objects.all()
    if not roles.is_superuser:
        events = events.filter(district_id__in=roles.staff_district_ids)
        changes = changes.filter(district_id__in=roles.staff_district_ids)
    return events, changes


def actors_in_log_of(user) -> QuerySet[User]:
    """The people who appear as actor in the user's part of the log (the choices of the filter)."""
    events, changes = _scoped(user)
    return User.objects.filter(
        Q(pk__in=events.exclude(actor=None).values("actor_id"))
        | Q(pk__in=changes.exclude(actor=None).values("actor_id"))
    ).order_by("full_name", "email")


def audit_entries_visible_to(user, *, filters: dict | None = None) -> QuerySet:
    """Both kinds of entry of the user's districts as one queryset of dicts, newest first.

    Keys: ``entry_id``, ``ts``, ``who`` (actor id), ``source`` (``access``/``change``), ``kind``
    (an AuditEvent action or the auditlog action number), ``obj_type`` (``app.model``),
    ``obj_id``, ``label``, ``data`` (details or changes).
    """
    filters = filters or {}
    events, changes = _scoped(user)
    if filters.get("date_from"):
        start = _local_day_start(filters["date_from"])
        events, changes = events.filter(timestamp__gte=start), changes.filter(timestamp__gte=start)
    if filters.get("date_to"):
        end = _local_day_start(filters["date_to"] + datetime.timedelta(days=1))
        events, changes = events.filter(timestamp__lt=end), changes.filter(timestamp__lt=end)
    if filters.get("actor"):
        events, changes = events.filter(actor=filters["actor"]), changes.filter(actor=filters["actor"])
    kind = filters.get("kind")
    if kind in CHANGE_ACTIONS:
        events, changes = events.none(), changes.filter(action=CHANGE_ACTIONS[kind][0])
    elif kind:
        events, changes = events.filter(action=kind), changes.none()
    if filters.get("object_type"):
        app_label, model = filters["object_type"].split(".", 1)
        events = events.filter(object_type=filters["object_type"])
        changes = changes.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
        changes = changes.filter(object_pk=filters["object_id"])

    columns = ["entry_id", "ts", "who", "source", "kind", "obj_type", "obj_id", "label", "data"]
    accesses = events.annotate(
        entry_id=F("pk"),
        ts=F("timestamp"),
        who=F("actor_id"),
        source=Value("access", output_field=CharField()),
        kind=F("action"),
        obj_type=F("object_type"),
        obj_id=F("object_id"),
        label=Cast("description", output_field=CharField()),
        data=F("details"),
    ).values(*columns)
    model_changes = changes.annotate(
        entry_id=F("pk"),
        ts=F("timestamp"),
        who=F("actor_id"),
        source=Value("change", output_field=CharField()),
        kind=Cast("action", output_field=CharField()),
        obj_type=Concat(
            "content_type__app_label", Value("."), "content_type__model", output_field=CharField()
        ),
        obj_id=F("object_pk"),
        label=Cast("object_repr", output_field=CharField()),
        data=F("changes"),
    ).values(*columns)
    # No ORDER BY inside the parts (the models' default ordering): SQLite refuses it in a UNION.
    return accesses.order_by().union(model_changes.order_by(), all=True).order_by("-ts", "-entry_id")


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
    from .models import Language, Municipality

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


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_flat(item)}" for key, item in sorted(value.items())) or "–"
    if isinstance(value, list):
        return ", ".join(_flat(item) for item in value)
    return str(value)
