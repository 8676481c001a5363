"""The concept's rows of the project's permission matrix (kreisintegration/tests/matrix.py).

Objects belong to Unna; the version is in consultation, so contacts may read it.
"""

from decimal import Decimal

from django.urls import reverse

from concept.models import ConceptMeasure, IndicatorValue
from kreisintegration.tests.matrix_support import only

from .factories import ConceptMeasureFactory, ConceptVersionFactory, GoalIndicatorFactory

STAFF_FORM = {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 200})}  # empty POST re-renders
READERS = {"contact_unna": 200, "contact_luenen": 200, "ki_staff": 200}
READ_ONLY = {"GET": only(READERS), "POST": only(dict.fromkeys(READERS, 405))}
OWN_ONLY = {"contact_unna": 200, "contact_luenen": 404, "ki_staff": 200}

CONCEPT_MATRIX = {
    "concept:home": (None, READ_ONLY),
    "concept:version_create": (None, STAFF_FORM),
    "concept:version_detail": ("concept_version", READ_ONLY),
    "concept:version_update": ("concept_version", STAFF_FORM),
    "concept:version_adopt": ("concept_version", STAFF_FORM),
    # Only an adopted version is continued; for this one the KI gets a message and is sent back.
    "concept:version_copy": (
        "concept_version",
        {"GET": only({"ki_staff": 405}), "POST": only({"ki_staff": 302})},
    ),
    "concept:version_outline": ("concept_version", STAFF_FORM),
    "concept:goal_create": ("concept_version", STAFF_FORM),
    "concept:goal_overview": ("concept_version", READ_ONLY),
    "concept:municipality_focus": (
        "concept_focus_unna",
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
    "concept:goal_detail": ("concept_goal", READ_ONLY),
    "concept:goal_update": ("concept_goal", STAFF_FORM),
    "concept:goal_target": ("concept_goal", STAFF_FORM),
    "concept:goal_delete": (
        "concept_goal",
        {"GET": only({"ki_staff": 405}), "POST": only({"ki_staff": 302})},
    ),
    "concept:measure_create": ("concept_goal", STAFF_FORM),
    # Unna's measure: Lünen's contact is told it does not exist.
    "concept:measure_status": ("concept_measure_unna", {"GET": only(OWN_ONLY), "POST": only(OWN_ONLY)}),
    "concept:values": (None, {"GET": only(READERS), "POST": only(READERS)}),
    "concept:value_correct": ("concept_value_unna", {"GET": only(OWN_ONLY), "POST": only(OWN_ONLY)}),
    "concept:value_import": (None, {"GET": only(READERS), "POST": only(READERS)}),
    "concept:value_import_template": (
        "concept_template",
        {"GET": only(READERS), "POST": only(dict.fromkeys(READERS, 405))},
    ),
}


def concept_objects(*, unna, contact_unna) -> dict:
    version = ConceptVersionFactory(concept__district=unna.district, status="consultation")
    target = GoalIndicatorFactory(goal__version=version)
    measure = ConceptMeasureFactory(
        goal=target.goal, owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY, owner_municipality=unna
    )
    value = IndicatorValue.objects.create(
        indicator=target.indicator, municipality=unna, year=2026, value=Decimal(12), entered_by=contact_unna
    )
    return {
        "concept_version": version,
        "concept_goal": target.goal,
        "concept_measure": measure,
        "concept_value": value,
    }


def concept_url(name: str, key: str, objects) -> str:
    if key == "concept_version":
        return reverse(name, kwargs={"pk": objects["concept_version"].pk})
    if key == "concept_focus_unna":
        return reverse(name, kwargs={"pk": objects["concept_version"].pk, "slug": objects["unna"].slug})
    if key == "concept_goal":
        return reverse(name, kwargs={"pk": objects["concept_goal"].pk})
    if key == "concept_measure_unna":
        return reverse(name, kwargs={"pk": objects["concept_measure"].pk})
    if key == "concept_value_unna":
        return reverse(name, kwargs={"pk": objects["concept_value"].pk})
    if key == "concept_template":
        return reverse(name, kwargs={"fmt": "xlsx"})
    raise KeyError(key)
