"""OpenAPI 3.1 description of the public events API (``/api/events/``).

Written by hand next to the code it describes (``events.api`` builds the bodies, ``events.filters``
parses the parameters), so a change to either shows up in the same review. The test suite validates
this document and checks real responses against its schemas.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from .filters import MAX_QUERY_LENGTH
from .models import translation_languages
from .selectors import MAX_WINDOW_DAYS

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENCE_IDENTIFIER = "DL-DE-BY-2.0"

_NAMED_SLUG = {
    "type": "object",
    "required": ["slug", "name"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    "additionalProperties": False,
}


def _schemas() -> dict:
    interface = [code for code, _name in settings.LANGUAGES]
    translated = [code for code, _name in translation_languages()]
    return {
        "NamedSlug": _NAMED_SLUG,
        "Language": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {
                "code": {"type": "string", "description": _("Sprachcode nach ISO 639, z. B. „de“, „ar“.")},
                "name": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "Municipality": {
            "type": "object",
            "required": ["slug", "name", "ags"],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "ags": {
                    "type": "string",
                    "pattern": "^[0-9]{8}$",
                    "description": _("Amtlicher Gemeindeschlüssel (8 Ziffern, als Text)."),
                },
            },
            "additionalProperties": False,
        },
        "Location": {
            "type": "object",
            "required": ["name", "street", "postcode", "town"],
            "properties": {
                "name": {"type": "string"},
                "street": {"type": "string"},
                "postcode": {"type": "string"},
                "town": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "Translation": {
            "type": "object",
            "required": ["title", "description", "inLanguage"],
            "properties": {
                "title": {"type": "string", "description": _("Titel in dieser Sprache.")},
                "description": {
                    "type": "string",
                    "description": _("Kurzbeschreibung in dieser Sprache; kann leer sein."),
                },
                "inLanguage": {
                    "type": "string",
                    "enum": translated,
                    "description": _(
                        "Sprache von Titel und Kurzbeschreibung (Sprachcode, wie schema.org inLanguage)."
                    ),
                },
            },
            "additionalProperties": False,
        },
        "Occurrence": {
            "type": "object",
            "description": _("Ein Termin einer veröffentlichten oder abgesagten Veranstaltung."),
            "required": [
                "id",
                "event_id",
                "title",
                "description",
                "inLanguage",
                "start",
                "end",
                "all_day",
                "municipality",
                "location",
                "online_url",
                "fields_of_action",
                "target_groups",
                "languages",
                "status",
                "url",
                "translations",
            ],
            "properties": {
                "id": {"type": "integer", "description": _("Kennung des Termins.")},
                "event_id": {"type": "integer", "description": _("Kennung der Veranstaltung.")},
                "title": {
                    "type": "string",
                    "description": _(
                        "Titel der Veranstaltung in der mit „lang“ gewählten Sprache, sonst deutsch."
                    ),
                },
                "description": {
                    "type": "string",
                    "description": _("Kurzbeschreibung in derselben Sprache wie der Titel; kann leer sein."),
                },
                "inLanguage": {
                    "type": "string",
                    "enum": interface,
                    "description": _(
                        "Sprache von Titel und Kurzbeschreibung (Sprachcode, wie schema.org inLanguage): "
                        "die mit „lang“ gewählte, wenn es eine Übersetzung gibt, sonst „de“."
                    ),
                },
                "start": {
                    "type": "string",
                    "format": "date-time",
                    "description": _("Beginn in Europe/Berlin mit Zeitzonen-Versatz."),
                },
                "end": {
                    "type": "string",
                    "format": "date-time",
                    "description": _("Ende in Europe/Berlin mit Zeitzonen-Versatz."),
                },
                "all_day": {"type": "boolean", "description": _("Ganztägig (dann ohne Uhrzeit anzeigen).")},
                "municipality": {
                    "$ref": "#/components/schemas/Municipality",
                    "description": _("Kommune mit Kurzname, Name und AGS."),
                },
                "location": {
                    "$ref": "#/components/schemas/Location",
                    "description": _("Veranstaltungsort: Name, Straße, PLZ, Ort."),
                },
                "online_url": {
                    "type": "string",
                    "description": _("Online-Zugang; leer, wenn es keinen gibt."),
                },
                "fields_of_action": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/NamedSlug"},
                    "description": _("Handlungsfelder mit Kurzname und Name."),
                },
                "target_groups": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/NamedSlug"},
                    "description": _("Zielgruppen mit Kurzname und Name."),
                },
                "languages": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Language"},
                    "description": _("Angebotene Sprachen."),
                },
                "status": {
                    "type": "string",
                    "enum": ["approved", "cancelled"],
                    "description": _("„approved“: findet statt; „cancelled“: abgesagt."),
                },
                "url": {
                    "type": "string",
                    "format": "uri",
                    "description": _("Seite der Veranstaltung im Portal."),
                },
                "translations": {
                    "type": "object",
                    "description": _(
                        "Übersetzungen von Titel und Kurzbeschreibung, nach Sprachcode; "
                        "leer, wenn es keine gibt. Jede nennt ihre Sprache in „inLanguage“."
                    ),
                    "propertyNames": {"enum": translated},
                    "additionalProperties": {"$ref": "#/components/schemas/Translation"},
                },
            },
            "additionalProperties": False,
        },
        "OccurrenceList": {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "description": _("Anzahl aller Treffer.")},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Occurrence"}},
            },
            "additionalProperties": False,
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["parameter", "message"],
                    "properties": {
                        "parameter": {"type": "string", "description": _("Der Parameter, der nicht passt.")},
                        "message": {
                            "type": "string",
                            "description": _("Erklärung in der Sprache der Anfrage."),
                        },
                    },
                    "additionalProperties": False,
                }
            },
            "additionalProperties": False,
        },
    }


def _parameter(name: str, description: str, schema: dict, example: str | None = None) -> dict:
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


def _parameters() -> list[dict]:
    return [
        _parameter(
            "start",
            _("Erster Tag des Zeitraums (JJJJ-MM-TT); ohne Angabe: heute."),
            {"type": "string", "format": "date"},
            "2026-03-01",
        ),
        _parameter(
            "end",
            _("Letzter Tag des Zeitraums; ohne Angabe: der 31. Tag ab dem Beginn; höchstens %(days)s Tage.")
            % {"days": MAX_WINDOW_DAYS},
            {"type": "string", "format": "date"},
            "2026-03-31",
        ),
        _parameter(
            "municipality",
            _("Kommune als Kurzname oder Amtlicher Gemeindeschlüssel (AGS)."),
            {"type": "string", "maxLength": 80},
            "unna",
        ),
        _parameter(
            "field_of_action",
            _("Handlungsfeld (Kurzname)."),
            {"type": "string", "maxLength": 80},
            "sprache-bildung",
        ),
        _parameter(
            "target_group", _("Zielgruppe (Kurzname)."), {"type": "string", "maxLength": 80}, "familien"
        ),
        _parameter(
            "language", _("Angebotene Sprache (Sprachcode)."), {"type": "string", "maxLength": 12}, "ar"
        ),
        _parameter(
            "q",
            _("Suchbegriffe (deutsche Volltextsuche in Titel und Beschreibung)."),
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            "Sprachcafé",
        ),
        _parameter(
            "lang",
            _(
                "Sprache von Titel und Kurzbeschreibung: eine Sprache der Oberfläche (%(codes)s). "
                "Termine ohne Übersetzung in diese Sprache bleiben deutsch; „inLanguage“ nennt die "
                "gelieferte Sprache. Ohne Angabe: deutsch."
            )
            % {"codes": ", ".join(code for code, _name in settings.LANGUAGES)},
            {"type": "string", "enum": [code for code, _name in settings.LANGUAGES], "default": "de"},
            "ar",
        ),
        _parameter(
            "page",
            _("Seite der Ergebnisliste (50 Termine je Seite)."),
            {"type": "integer", "minimum": 1},
            "1",
        ),
    ]


def openapi_document() -> dict:
    """The OpenAPI description as a dict, with the server address of this installation."""
    json_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": _("Kreisintegration – öffentliche Veranstaltungs-Schnittstelle"),
            "version": API_VERSION,
            "description": _(
                "Veröffentlichte und abgesagte Termine der Integrationsangebote im Kreis, zum Einbinden "
                "in andere Websites. Nur öffentliche Angaben, keine personenbezogenen Daten."
            ),
            "license": {"name": LICENCE_NAME, "identifier": LICENCE_IDENTIFIER},
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/events/": {
                "get": {
                    "operationId": "listEventOccurrences",
                    "summary": _("Termine in einem Zeitraum"),
                    "description": _(
                        "Termine sortiert nach Beginn, gefiltert nach den angegebenen Parametern. "
                        "Antworten dürfen 5 Minuten zwischengespeichert werden."
                    ),
                    "parameters": _parameters(),
                    "responses": {
                        "200": {
                            "description": _("Eine Seite der Termine."),
                            "headers": {
                                "ETag": {
                                    "description": _("Kennung dieses Stands der Daten, für If-None-Match."),
                                    "schema": {"type": "string"},
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/OccurrenceList"}
                                }
                            },
                        },
                        "400": {"description": _("Ein Parameter ist ungültig."), "content": json_content},
                        "304": {
                            "description": _(
                                "Unverändert: die Anfrage nannte mit If-None-Match das ETag der aktuellen Antwort."
                            )
                        },
                    },
                }
            }
        },
        "components": {"schemas": _schemas()},
    }
