"""The shared reference data every district starts with (fields of action, target groups,
languages, funding programmes), created idempotently."""

from __future__ import annotations

from decimal import Decimal

from ..models import (
    BuildingBlock,
    CostType,
    District,
    FieldOfAction,
    FundingProgramme,
    Language,
    TargetGroup,
)

# --- reference data ----------------------------------------------------------

DEFAULT_FIELDS_OF_ACTION = [
    ("sprache-bildung", "Sprache & Bildung"),
    ("fruehe-bildung", "Frühe Bildung"),
    ("ausbildung-arbeit", "Ausbildung & Arbeit"),
    ("gesundheit", "Gesundheit"),
    ("wohnen", "Wohnen"),
    ("kultur", "Kultur"),
    ("sport", "Sport"),
    ("politische-teilhabe", "Politische Teilhabe"),
    ("ehrenamt", "Ehrenamt & bürgerschaftliches Engagement"),
    ("interkulturelle-oeffnung", "Interkulturelle Öffnung der Verwaltung"),
    ("antidiskriminierung", "Antidiskriminierung"),
    ("beratung", "Beratung"),
]

DEFAULT_TARGET_GROUPS = [
    ("neuzugewanderte", "Neuzugewanderte und Geflüchtete"),
    ("kinder", "Kinder"),
    ("jugendliche", "Jugendliche"),
    ("frauen", "Frauen"),
    ("familien", "Familien"),
    ("seniorinnen", "Seniorinnen und Senioren"),
    ("ehrenamtliche", "Ehrenamtliche"),
    ("fachkraefte", "Fachkräfte aus Verwaltung und Trägern"),
    ("alle", "Alle Interessierten"),
]


DEFAULT_LANGUAGES = [
    ("de", "Deutsch", "Deutsch"),
    ("de-simple", "Leichte Sprache", "Leichte Sprache"),
    ("dgs", "Deutsche Gebärdensprache", "DGS"),
    ("en", "Englisch", "English"),
    ("ar", "Arabisch", "العربية"),
    ("fa", "Persisch (Farsi/Dari)", "فارسی"),
    ("tr", "Türkisch", "Türkçe"),
    ("uk", "Ukrainisch", "Українська"),
    ("ru", "Russisch", "Русский"),
    ("ku", "Kurdisch", "Kurdî"),
    ("ti", "Tigrinya", "ትግርኛ"),
    ("ps", "Paschtu", "پښتو"),
    ("so", "Somali", "Soomaali"),
    ("fr", "Französisch", "Français"),
    ("pl", "Polnisch", "Polski"),
    ("ro", "Rumänisch", "Română"),
    ("bg", "Bulgarisch", "Български"),
    ("sq", "Albanisch", "Shqip"),
    ("es", "Spanisch", "Español"),
    ("it", "Italienisch", "Italiano"),
    ("vi", "Vietnamesisch", "Tiếng Việt"),
]


# The successor of KOMM-AN (KI funding guideline of 3 April 2025). Its measure areas (in the guideline's
# wording and order) and cost types are editable data; these are the defaults a fresh installation starts with.
SUCCESSOR_PROGRAMME_CODE = "ehrenamt-integration-praevention"
SUCCESSOR_MEASURE_AREAS = [
    ("1", "Betrieb von Bildungs- und Begegnungsstätten für Geflüchtete und Neueingewanderte"),
    ("2", "Maßnahmen des Zusammenkommens, der Orientierung und Begleitung"),
    ("3", "Maßnahmen zur Informations- und Wissensvermittlung"),
    ("4", "Maßnahmen zur Förderung von Demokratiebildung"),
    ("5", "Maßnahmen zur Qualifizierung von ehrenamtlich Tätigen und zur Begleitung ihrer Arbeit"),
]
# Material costs only: personnel costs are listed as not eligible, so a plan that names them is refused.
SUCCESSOR_COST_TYPES = [
    ("miete", "Miete und Raumkosten", True),
    ("honorare", "Honorare für Referent*innen", True),
    ("fahrtkosten", "Fahrtkosten", True),
    ("material", "Sachmittel und Material", True),
    ("verpflegung", "Verpflegung (im angemessenen Rahmen)", True),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", True),
    ("personal", "Personalkosten", False),
]

DEFAULT_FUNDING_PROGRAMMES = [
    # code, name, valid from, valid to, building blocks or measure areas, fields
    (
        "komm-an-nrw-2",
        "KOMM-AN NRW, Programmteil II",
        "2016-01-01",
        "2024-12-31",  # Part II funding ended on 1 January 2025
        [
            ("A", "Ankommenstreffpunkte"),
            ("B", "Begegnung und Begleitung"),
            ("C", "Information und Gewinnung von Ehrenamtlichen"),
            ("D", "Qualifizierung"),
        ],
        {},
    ),
    (
        SUCCESSOR_PROGRAMME_CODE,
        "Ehrenamt im Kontext (Integration und) Prävention",
        "2025-01-01",
        "2028-12-31",
        SUCCESSOR_MEASURE_AREAS,
        {
            "area_kind": FundingProgramme.AreaKind.MEASURE_AREAS,
            "funds_local_initiatives": True,
            "advice_meeting_required": True,
            "cap_per_applicant": Decimal("2000.00"),
            "description": (
                "Förderung der ehrenamtlichen Arbeit der Kommunalen Integrationszentren nach der "
                "Förderrichtlinie vom 3. April 2025: Sachkosten, Weiterleitung an lokale Initiativen "
                "nach einem Beratungsgespräch."
            ),
        },
    ),
]


# Names the defaults had before; a stored row still carrying one gets the current name (a name the
# KI entered themselves is never touched). „Beispiel“ showed on public course pages and certificates.
def ensure_default_funding_programmes() -> None:
    from datetime import date

    for code, name, valid_from, valid_to, blocks, fields in DEFAULT_FUNDING_PROGRAMMES:
        programme, _created = FundingProgramme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "valid_from": date.fromisoformat(valid_from),
                "valid_to": date.fromisoformat(valid_to) if valid_to else None,
                **fields,
            },
        )
        for block_code, block_name in blocks:
            BuildingBlock.objects.get_or_create(
                programme=programme, code=block_code, defaults={"name": block_name}
            )
        if code == SUCCESSOR_PROGRAMME_CODE:
            for position, (cost_code, cost_name, eligible) in enumerate(SUCCESSOR_COST_TYPES, start=1):
                CostType.objects.get_or_create(
                    programme=programme,
                    code=cost_code,
                    defaults={"name": cost_name, "is_eligible": eligible, "position": position},
                )


def ensure_default_languages() -> None:
    for position, (code, name, native_name) in enumerate(DEFAULT_LANGUAGES, start=1):
        Language.objects.get_or_create(
            code=code, defaults={"name": name, "native_name": native_name, "position": position}
        )


def ensure_default_reference_data(*, district: District) -> None:
    """Seed the default fields of action, target groups and languages; never overwrite edits."""
    ensure_default_languages()
    ensure_default_funding_programmes()
    for position, (slug, name) in enumerate(DEFAULT_FIELDS_OF_ACTION, start=1):
        FieldOfAction.objects.get_or_create(
            district=district, slug=slug, defaults={"name": name, "position": position}
        )
    for position, (slug, name) in enumerate(DEFAULT_TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(
            district=district, slug=slug, defaults={"name": name, "position": position}
        )
