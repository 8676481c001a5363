"""The report's chapter and XLSX sheets on small grants to local initiatives and volunteer placements.

Read from the snapshot's stored figures (``overview.engagement_figures``); reports stored before
these figures existed have none and show no chapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kreisintegration.spreadsheets import Column, Sheet

from .report_format import number

INTEGER = "#,##0"
EURO = '#,##0.00 "€"'


def _facts(engagement: Mapping, komm_an: Mapping) -> list[tuple[str, Any, str]]:
    return [
        (_("bewilligte Vorhaben"), engagement.get("grants"), INTEGER),
        (_("geförderte Initiativen"), engagement.get("initiatives"), INTEGER),
        (_("bewilligt (€)"), engagement.get("approved"), EURO),
        (_("ausgezahlt (€)"), engagement.get("paid"), EURO),
        (_("anerkannte Verwendungsnachweise"), engagement.get("proofs_accepted"), INTEGER),
        (_("erreichte Ehrenamtliche (anerkannte Nachweise)"), engagement.get("volunteers_reached"), INTEGER),
        (_("erreichte Neuzugewanderte (anerkannte Nachweise)"), engagement.get("newcomers_reached"), INTEGER),
        (
            _("Neuzugewanderte, die in geförderten Initiativen ehrenamtlich aktiv geworden sind"),
            engagement.get("newcomer_volunteers"),
            INTEGER,
        ),
        (
            _("Neuzugewanderte, die Ehrenamtliche geworden sind (Portal und Initiativen)"),
            (komm_an.get("newcomer_volunteers") or 0) + (engagement.get("newcomer_volunteers") or 0),
            INTEGER,
        ),
        (_("ausgeschriebene Einsatzstellen"), engagement.get("placements_published"), INTEGER),
        (_("Interessensbekundungen für Einsatzstellen"), engagement.get("placement_interests"), INTEGER),
        (_("vermittelte Ehrenamtliche"), engagement.get("placements_filled"), INTEGER),
    ]


def _municipality_rows(figures: Mapping, engagement: Mapping) -> list[dict[str, Any]]:
    by_municipality = engagement.get("by_municipality") or {}
    placed = engagement.get("placed_by_municipality") or {}
    return [
        {
            "name": m["name"],
            "grants": (by_municipality.get(m["slug"]) or {}).get("grants", 0),
            "approved": (by_municipality.get(m["slug"]) or {}).get("approved", 0),
            "placed": placed.get(m["slug"], 0),
        }
        for m in figures.get("municipalities", [])
    ]


def engagement_sheets(figures: Mapping) -> list[Sheet]:
    engagement = figures.get("engagement")
    if engagement is None:
        return []
    komm_an = figures.get("komm_an") or {}
    return [
        Sheet(
            title=_("Initiativen und Einsatzstellen"),
            columns=[Column(_("Kennzahl"), 60), Column(_("Wert"), 16, INTEGER)],
            rows=[[label, value] for label, value, _format in _facts(engagement, komm_an)],
        ),
        Sheet(
            title=_("Mittel je Maßnahmenbereich"),
            columns=[
                Column(_("Förderprogramm"), 40),
                Column(_("Kennung"), 10),
                Column(_("Maßnahmenbereich"), 60),
                Column(_("Vorhaben"), 10, INTEGER),
                Column(_("bewilligt (€)"), 14, EURO),
                Column(_("ausgezahlt (€)"), 14, EURO),
            ],
            rows=[
                [
                    a.get("programme", ""),
                    a.get("code", ""),
                    a.get("name", ""),
                    a.get("grants"),
                    a.get("approved"),
                    a.get("paid"),
                ]
                for a in engagement.get("by_area") or []
            ],
        ),
        Sheet(
            title=_("Mittel je Kommune"),
            columns=[
                Column(_("Kommune"), 30),
                Column(_("Vorhaben"), 10, INTEGER),
                Column(_("bewilligt (€)"), 14, EURO),
                Column(_("vermittelte Ehrenamtliche"), 14, INTEGER),
            ],
            rows=[
                [r["name"], r["grants"], r["approved"], r["placed"]]
                for r in _municipality_rows(figures, engagement)
            ],
            footer=[[_("Ein Vorhaben in mehreren Kommunen zählt in jeder von ihnen."), None, None, None]],
        ),
    ]


def engagement_chapter(figures: Mapping) -> dict[str, Any] | None:
    engagement = figures.get("engagement")
    if engagement is None:
        return None
    komm_an = figures.get("komm_an") or {}
    return {
        "rows": [
            (label, number(value, 2) + " €" if fmt == EURO else number(value))
            for label, value, fmt in _facts(engagement, komm_an)
        ],
        "areas": [
            {
                "label": f"{a.get('code', '')}: {a.get('name', '')}",
                "grants": number(a.get("grants")),
                "approved": number(a.get("approved"), 2),
                "paid": number(a.get("paid"), 2),
            }
            for a in engagement.get("by_area") or []
        ],
        "municipalities": [
            {
                **r,
                "grants": number(r["grants"]),
                "approved": number(r["approved"], 2),
                "placed": number(r["placed"]),
            }
            for r in _municipality_rows(figures, engagement)
        ],
    }
