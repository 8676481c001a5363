"""The columns of the import template: names, labels for the template sheet, and which model
field each column fills."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    description: str
    example: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("titel", gettext_lazy("Titel"), gettext_lazy("Name der Veranstaltung, höchstens 200 Zeichen."),
           "Begegnungscafé für Neuzugewanderte", required=True),
    Column("beginn_datum", gettext_lazy("Datum (Beginn)"),
           gettext_lazy("TT.MM.JJJJ (z. B. 14.03.2026) oder JJJJ-MM-TT (2026-03-14)."), "14.03.2026",
           required=True),
    Column("beginn_uhrzeit", gettext_lazy("Uhrzeit (Beginn)"),
           gettext_lazy("HH:MM, z. B. 18:00. Leer lassen für eine ganztägige Veranstaltung."), "18:00"),
    Column("ende_datum", gettext_lazy("Datum (Ende)"),
           gettext_lazy("Nur bei mehrtägigen Veranstaltungen; leer = am selben Tag."), ""),
    Column("ende_uhrzeit", gettext_lazy("Uhrzeit (Ende)"),
           gettext_lazy("HH:MM. Nur zusammen mit einer Uhrzeit für den Beginn."), "20:00"),
    Column("kommune", gettext_lazy("Kommune"),
           gettext_lazy("Optional: Name oder AGS. Wenn angegeben, muss es die im Formular gewählte "
                        "Kommune sein."), ""),
    Column("ort_name", gettext_lazy("Ort (Name)"), gettext_lazy("z. B. Stadtteilzentrum, Bücherei."),
           "Stadtteilzentrum Bönen-Mitte"),
    Column("strasse", gettext_lazy("Straße und Hausnummer"), "", "Bahnhofstraße 12"),
    Column("plz", gettext_lazy("PLZ"), "", "59199"),
    Column("ort", gettext_lazy("Ort"), "", "Bönen"),
    Column("online_link", gettext_lazy("Online-Link"),
           gettext_lazy("Vollständige Adresse mit https://, z. B. für eine Videokonferenz."), ""),
    Column("beschreibung", gettext_lazy("Beschreibung"), gettext_lazy("Nur Text, Zeilenumbrüche sind erlaubt."),
           "Kaffee, Kuchen und Gespräche auf Deutsch, Arabisch und Ukrainisch."),
    Column("handlungsfelder", gettext_lazy("Handlungsfelder"),
           gettext_lazy("Bezeichnungen oder Kurznamen, mehrere durch Semikolon (;) getrennt."),
           "Sprache & Bildung"),
    Column("zielgruppen", gettext_lazy("Zielgruppen"),
           gettext_lazy("Bezeichnungen oder Kurznamen, mehrere durch Semikolon (;) getrennt."),
           "Neuzugewanderte und Geflüchtete; Familien"),
    Column("sprachen", gettext_lazy("Sprachen"),
           gettext_lazy("Sprachcodes (de, ar, uk …) oder Namen, mehrere durch Semikolon (;) getrennt."),
           "de; ar; uk"),
    Column("veranstalter", gettext_lazy("Veranstalter/Träger"), "", "Familienzentrum Regenbogen e. V."),
    Column("kontakt", gettext_lazy("Kontakt für Interessierte"),
           gettext_lazy("Telefon oder E-Mail, wird öffentlich angezeigt."), "02383 12345"),
    Column("erwartete_teilnehmende", gettext_lazy("erwartete Teilnehmende"),
           gettext_lazy("Ganze Zahl ab 0, z. B. 25."), "25"),
    Column("barrierefreiheit", gettext_lazy("Hinweise zur Barrierefreiheit"), "",
           "Stufenloser Zugang, barrierefreies WC"),
)  # fmt: skip

COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)

# Column to report when the model rejects one of its fields.
MODEL_FIELD_COLUMNS = {
    "title": "titel",
    "start": "beginn_datum",
    "end": "ende_datum",
    "all_day": "beginn_uhrzeit",
    "location_name": "ort_name",
    "street": "strasse",
    "postcode": "plz",
    "town": "ort",
    "online_url": "online_link",
    "description": "beschreibung",
    "organiser": "veranstalter",
    "public_contact": "kontakt",
    "expected_participants": "erwartete_teilnehmende",
    "accessibility_notes": "barrierefreiheit",
    "municipality": "kommune",
}
TEXT_COLUMN_FIELDS = {
    "titel": "title",
    "ort_name": "location_name",
    "strasse": "street",
    "plz": "postcode",
    "ort": "town",
    "online_link": "online_url",
    "beschreibung": "description",
    "veranstalter": "organiser",
    "kontakt": "public_contact",
    "barrierefreiheit": "accessibility_notes",
}
ROW_COLUMN = "–"  # a problem of the whole row
