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
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, ModelChange, User
from municipalities.permissions import roles_of

CHANGE_ACTIONS = {
    "change_create": (ModelChange.Action.CREATE, _("Änderung: angelegt")),
    "change_update": (ModelChange.Action.UPDATE, _("Änderung: geändert")),
    "change_delete": (ModelChange.Action.DELETE, _("Änderung: gelöscht")),
}
CHANGE_LABELS = {str(value): label for value, label in CHANGE_ACTIONS.values()}


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


class _EvaluatedChoices(forms.models.ModelChoiceIterator):
    """The choices from the field's queryset as evaluated once (its result cache): the page reads
    the actors for the fragment key and renders the same list without a second query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ActorChoiceField(forms.ModelChoiceField):
    iterator = _EvaluatedChoices


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditLogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("von (Datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("bis (Datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = ActorChoiceField(
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

    def rendering_key(self) -> tuple:
        """What the rendered form shows besides the (language-dependent) fixed labels."""
        return (
            tuple((name, tuple(self.data.getlist(name))) for name in self.fields if name in self.data)
            if self.is_bound
            else (),
            tuple((user.pk, str(user)) for user in self.fields["actor"].queryset),
        )

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
