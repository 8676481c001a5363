"""„Meine Daten“ for people: the own-data export (:func:`volunteers.selfservice.export.export_own_data`) as a
readable page and PDF in plain German.

The page and the PDF are built from the very dictionary the JSON download contains, by one walk
over it (:func:`readable_own_data`), so the three cannot drift apart: every value of the JSON
appears in the readable form, with a German label instead of the key, dates in local time and
labels instead of codes. Only technical companions are left out — a code whose label is shown
next to it (``status`` beside ``status_display``), the format marker and row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Key of the export → what a person reads. A key missing here shows as itself; a test makes sure
# that every key of a fully filled export has its label.
LABELS = {
    # sections
    "exported_at": gettext_lazy("Stand der Auskunft"),
    "user": gettext_lazy("Ihr Konto"),
    "district_roles": gettext_lazy("Ihre Rollen im Kreis"),
    "memberships": gettext_lazy("Ihre Rollen in Kommunen"),
    "consent_records": gettext_lazy("Ihre Einwilligungen"),
    "courses_as_trainer": gettext_lazy("Kurse, die Sie leiten"),
    "audit_log_as_actor": gettext_lazy("Was Sie im Portal angesehen oder heruntergeladen haben"),
    "two_factor": gettext_lazy("Zweiter Faktor bei der Anmeldung"),
    "volunteer": gettext_lazy("Ihr Ehrenamtsprofil"),
    "concept_contributions": gettext_lazy("Ihre Beiträge zum Integrationskonzept"),
    "concept_consultation": gettext_lazy("Ihre Beiträge zur Beteiligung am Integrationskonzept"),
    "advice_follow_ups": gettext_lazy("Ihre Aufgaben aus Beratungen"),
    # account
    "email": gettext_lazy("E-Mail-Adresse"),
    "full_name": gettext_lazy("Name"),
    "preferred_language": gettext_lazy("Bevorzugte Sprache"),
    "is_active": gettext_lazy("Konto aktiv"),
    "is_staff": gettext_lazy("Zugang zur Verwaltungsoberfläche"),
    "is_superuser": gettext_lazy("Alle Rechte (Administration)"),
    "date_joined": gettext_lazy("Konto angelegt am"),
    "last_login": gettext_lazy("Zuletzt angemeldet am"),
    "groups": gettext_lazy("Gruppen"),
    "user_permissions": gettext_lazy("Einzelne Berechtigungen"),
    # roles
    "district": gettext_lazy("Kreis"),
    "municipality": gettext_lazy("Kommune"),
    "role": gettext_lazy("Rolle"),
    "created_at": gettext_lazy("Angelegt am"),
    # consents
    "kind": gettext_lazy("Einwilligung"),
    "text_version": gettext_lazy("Fassung des Textes"),
    "given_at": gettext_lazy("Erteilt am"),
    "source": gettext_lazy("Erteilt über"),
    "withdrawn_at": gettext_lazy("Widerrufen am"),
    "superseded_at": gettext_lazy("Ersetzt am"),
    # audit log
    "timestamp": gettext_lazy("Zeitpunkt"),
    "action": gettext_lazy("Aktion"),
    "object_type": gettext_lazy("Betroffen"),
    # second factor
    "authenticator_app": gettext_lazy("Authenticator-App"),
    "name": gettext_lazy("Bezeichnung"),
    "set_up_at": gettext_lazy("Eingerichtet am"),
    "last_used_at": gettext_lazy("Zuletzt benutzt am"),
    "recovery_codes_left": gettext_lazy("Übrige Wiederherstellungscodes"),
    # volunteer profile
    "phone": gettext_lazy("Telefon"),
    "availability": gettext_lazy("Verfügbarkeit"),
    "interests": gettext_lazy("Interessen"),
    "languages": gettext_lazy("Sprachen"),
    "language": gettext_lazy("Sprache"),
    "level": gettext_lazy("Niveau"),
    "came_as_newcomer": gettext_lazy("Selbst zugewandert"),
    "newcomer_consent_at": gettext_lazy("Einwilligung zur Zuwanderungsangabe am"),
    "newcomer_consent_version": gettext_lazy("Fassung der Einwilligung zur Zuwanderungsangabe"),
    "privacy_consent_at": gettext_lazy("Datenschutzhinweise bestätigt am"),
    "privacy_consent_version": gettext_lazy("Fassung der Datenschutzhinweise"),
    "email_confirmed_at": gettext_lazy("E-Mail-Adresse bestätigt am"),
    "anonymised_at": gettext_lazy("Anonymisiert am"),
    "inactivity_warning_sent_at": gettext_lazy("Hinweis wegen Inaktivität gesendet am"),
    "qualifications": gettext_lazy("Qualifikationen"),
    "qualification": gettext_lazy("Qualifikation"),
    "course": gettext_lazy("Kurs"),
    "granted_at": gettext_lazy("Erworben am"),
    "earned_on": gettext_lazy("Erworben (Tag)"),
    "valid_until": gettext_lazy("Gültig bis"),
    "expiry_reminder_sent_at": gettext_lazy("Erinnerung an den Ablauf gesendet am"),
    "registrations": gettext_lazy("Kursanmeldungen"),
    "title": gettext_lazy("Titel"),
    "topic": gettext_lazy("Thema"),
    "sessions": gettext_lazy("Termine"),
    "session": gettext_lazy("Termin"),
    "start": gettext_lazy("Beginn"),
    "end": gettext_lazy("Ende"),
    "status": gettext_lazy("Stand"),
    "waitlist_position": gettext_lazy("Platz auf der Warteliste"),
    "offer_expires_at": gettext_lazy("Angebotener Platz reserviert bis"),
    "counts_as_newcomer": gettext_lazy("Zählt als zugewanderte Person (Förderstatistik)"),
    "certificate_code": gettext_lazy("Prüfcode der Teilnahmebescheinigung"),
    "reminder_sent_at": gettext_lazy("Erinnerung gesendet am"),
    "updated_at": gettext_lazy("Zuletzt geändert am"),
    "attendances": gettext_lazy("Anwesenheit"),
    "present": gettext_lazy("Anwesend"),
    "recorded_by": gettext_lazy("Erfasst von"),
    "recorded_at": gettext_lazy("Erfasst am"),
    # concept
    "indicator_values_entered": gettext_lazy("Eingetragene Kennzahlen"),
    "indicator_values_corrected": gettext_lazy("Korrigierte Kennzahlen"),
    "indicator": gettext_lazy("Kennzahl"),
    "place": gettext_lazy("Ort"),
    "year": gettext_lazy("Jahr"),
    "value": gettext_lazy("Wert"),
    "old_value": gettext_lazy("Früherer Wert"),
    "entered_at": gettext_lazy("Eingetragen am"),
    "changed_at": gettext_lazy("Geändert am"),
    "consultation_comments": gettext_lazy("Ihre Anmerkungen"),
    "comment_answers": gettext_lazy("Ihre Antworten auf Anmerkungen"),
    "positions_declared": gettext_lazy("Abgegebene Stellungnahmen"),
    "read_receipts": gettext_lazy("Gelesene Fassungen"),
    "version": gettext_lazy("Fassung"),
    "text": gettext_lazy("Text"),
    "position": gettext_lazy("Stellungnahme"),
    "reasons": gettext_lazy("Begründung"),
    "declared_at": gettext_lazy("Abgegeben am"),
    "read_at": gettext_lazy("Gelesen am"),
    "due_on": gettext_lazy("Fällig am"),
    "done_at": gettext_lazy("Erledigt am"),
    # engagement: the person as contact of a local initiative
    "organisation_memberships": gettext_lazy("Ihre Initiativen"),
    "organisation": gettext_lazy("Initiative"),
    "legal_form": gettext_lazy("Rechtsform"),
    "address": gettext_lazy("Anschrift"),
    "is_contact": gettext_lazy("Ansprechperson"),
    "forwarding_contracts": gettext_lazy("Weiterleitungsverträge"),
    "application": gettext_lazy("Antrag"),
    "account_holder": gettext_lazy("Kontoinhaber/in"),
    "iban": gettext_lazy("IBAN"),
    "proof_due_on": gettext_lazy("Verwendungsnachweis fällig am"),
    "receipt_files_uploaded": gettext_lazy("Von Ihnen hochgeladene Belege"),
    "original_name": gettext_lazy("Dateiname"),
    "description": gettext_lazy("Beschreibung"),
    "file_type": gettext_lazy("Dateiart"),
    "size_bytes": gettext_lazy("Größe (Bytes)"),
    "uploaded_at": gettext_lazy("Hochgeladen am"),
    "placement_interests": gettext_lazy("Ihr Interesse an Einsatzstellen"),
    "placement": gettext_lazy("Einsatzstelle"),
    "offered_by": gettext_lazy("Angeboten von"),
    "shared_languages": gettext_lazy("Mitgeteilte Sprachen"),
    "contact_consent_at": gettext_lazy("Kontaktdaten freigegeben am"),
    "contact_consent_version": gettext_lazy("Fassung der Einwilligung"),
    "placed_at": gettext_lazy("Vermittelt am"),
    "placements_created": gettext_lazy("Von Ihnen ausgeschriebene Einsatzstellen"),
    "qualification_proofs": gettext_lazy("Von Ihnen hochgeladene Qualifikationsnachweise"),
    "decided_at": gettext_lazy("Entschieden am"),
    "rejection_reason": gettext_lazy("Begründung der Ablehnung"),
    "contact": gettext_lazy("Kontakt"),
    "initiative_newcomers_recorded": gettext_lazy("Von Ihnen erfasste Neuzugewanderte (mit Einwilligung)"),
    "consent_on": gettext_lazy("Einwilligung unterschrieben am"),
    "consent_version": gettext_lazy("Fassung der Einwilligung"),
    # events: imports of event lists the person uploaded
    "event_imports": gettext_lazy("Ihre Importe von Veranstaltungslisten"),
    "id": gettext_lazy("Nummer"),
    "created_by": gettext_lazy("Hochgeladen von"),
    "finished_at": gettext_lazy("Abgeschlossen am"),
    "file": gettext_lazy("Gespeicherte Datei"),
    "state": gettext_lazy("Stand"),
    "row_count": gettext_lazy("Zeilen"),
    "created_count": gettext_lazy("Angelegte Veranstaltungen"),
    "encoding": gettext_lazy("Zeichenkodierung"),
    "file_error": gettext_lazy("Fehler in der Datei"),
    "row_errors": gettext_lazy("Fehler in einzelnen Zeilen"),
}

# Keys left out of the readable form, with the reason: the format marker of the file, row numbers
# that mean nothing to a person, and the language code beside the language's name.
HIDDEN_KEYS = {"format", "format_version", "object_id", "language_code", "version_id"}
# A code ``x`` is left out when ``x_display`` (its label) is in the same record.
DISPLAY_SUFFIX = "_display"


@dataclass
class Entry:
    """One line of the readable form: a label and either a text or nested entries.

    ``path`` is where the value sits in the JSON (``volunteer.registrations.0.status_display``).
    """

    label: str
    path: str
    text: str = ""
    children: list[Entry] = field(default_factory=list)
    items: list[list[Entry]] = field(default_factory=list)  # a list of records

    @property
    def is_record_list(self) -> bool:
        return bool(self.items)


def label_of(key: str) -> str:
    base = key.removesuffix(DISPLAY_SUFFIX)
    return str(LABELS.get(base, key))


def is_labelled(key: str) -> bool:
    return key.removesuffix(DISPLAY_SUFFIX) in LABELS or key in HIDDEN_KEYS


def _local_moment(value: datetime) -> str:
    return (
        date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d.m.Y, H:i")
        + " "
        + _("Uhr")
    )


def readable_value(key: str, value) -> str:
    """A leaf of the export as a person reads it."""
    if value is None or value == "":
        return _("keine Angabe")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):  # of plain values (names of interests, groups, ...)
        return ", ".join(readable_value(key, item) for item in value) if value else _("keine")
    if key == "action":
        return str(dict(apps.get_model("accounts", "AuditEvent").Action.choices).get(value, value))
    if key == "object_type":
        try:
            return str(apps.get_model(value)._meta.verbose_name)
        except (LookupError, ValueError):
            return str(value)
    if key == "preferred_language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            return _local_moment(moment)
        day = parse_date(value) if len(value) == 10 else None
        if isinstance(day, date):
            return date_format(day, "d.m.Y")
    return str(value)


def _entries_of(record: dict, path: str) -> list[Entry]:
    entries = []
    for key, value in record.items():
        if key in HIDDEN_KEYS or f"{key}{DISPLAY_SUFFIX}" in record:
            continue
        entries.append(_entry(key, value, f"{path}{key}"))
    return entries


def _entry(key: str, value, path: str) -> Entry:
    label = label_of(key)
    if isinstance(value, dict):
        return Entry(label=label, path=path, children=_entries_of(value, f"{path}."))
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return Entry(
            label=label,
            path=path,
            items=[_entries_of(item, f"{path}.{index}.") for index, item in enumerate(value)],
        )
    return Entry(label=label, path=path, text=readable_value(key, value))


def readable_own_data(data: dict) -> list[Entry]:
    """The sections of „Meine Daten“: one per top-level part of the export, in its order."""
    sections = []
    for key, value in data.items():
        if key in HIDDEN_KEYS:
            continue
        if value is None:
            # e.g. no volunteer profile: the section says so instead of disappearing
            sections.append(Entry(label=label_of(key), path=key, text=_("Keine Daten gespeichert.")))
            continue
        if isinstance(value, list) and not value:
            sections.append(Entry(label=label_of(key), path=key, text=_("Keine Einträge.")))
            continue
        sections.append(_entry(key, value, key))
    return sections


def leaf_texts(entries: list[Entry]) -> list[tuple[str, str, str]]:
    """``(path, label, text)`` of every leaf, in reading order (for the PDF and the tests)."""
    found = []
    for entry in entries:
        if entry.children:
            found += leaf_texts(entry.children)
        elif entry.items:
            for item in entry.items:
                found += leaf_texts(item)
        else:
            found.append((entry.path, entry.label, entry.text))
    return found
