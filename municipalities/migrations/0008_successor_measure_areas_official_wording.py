from django.db import migrations

# The five measure areas of "Ehrenamt im Kontext (Integration und) Prävention" in the wording and order
# of the KI funding guideline of 3 April 2025 (as the integration centres publish them). Migration 0007
# seeded working titles; each row keeps its id (applications and courses keep pointing to it) and is
# matched to the official area of the same meaning, then named by its key. Names stay editable.
SUCCESSOR_CODE = "ehrenamt-integration-praevention"
OFFICIAL_AREAS = [
    ("1", "Betrieb von Bildungs- und Begegnungsstätten für Geflüchtete und Neueingewanderte"),
    ("2", "Maßnahmen des Zusammenkommens, der Orientierung und Begleitung"),
    ("3", "Maßnahmen zur Informations- und Wissensvermittlung"),
    ("4", "Maßnahmen zur Förderung von Demokratiebildung"),
    ("5", "Maßnahmen zur Qualifizierung von ehrenamtlich Tätigen und zur Begleitung ihrer Arbeit"),
]
# working title of 0007 (by its key) → key of the official area with the same meaning
WORKING_TITLES = {
    "1": ("Gewinnung und Qualifizierung von Ehrenamtlichen", "5"),
    "2": ("Begegnung und Ankommen", "1"),
    "3": ("Begleitung und Sprachmittlung", "2"),
    "4": ("Vernetzung und Stärkung von Migrantenorganisationen", "3"),
    "5": ("Demokratiebildung und Prävention", "4"),
}


def name_measure_areas_officially(apps, schema_editor):
    FundingProgramme = apps.get_model("municipalities", "FundingProgramme")
    BuildingBlock = apps.get_model("municipalities", "BuildingBlock")
    programme = FundingProgramme.objects.filter(code=SUCCESSOR_CODE).first()
    if programme is None:
        return  # a fresh database: ensure_default_funding_programmes() seeds the official names
    rows = {row.code: row for row in BuildingBlock.objects.filter(programme=programme)}
    untouched = all(
        code in rows and rows[code].name == title for code, (title, _new_code) in WORKING_TITLES.items()
    )
    if untouched:
        # Re-key in two steps (the keys are unique per programme and the mapping is a permutation).
        for code, (_title, new_code) in WORKING_TITLES.items():
            BuildingBlock.objects.filter(pk=rows[code].pk).update(code=f"tmp-{new_code}")
        for _code, (_title, new_code) in WORKING_TITLES.items():
            BuildingBlock.objects.filter(programme=programme, code=f"tmp-{new_code}").update(code=new_code)
    for code, name in OFFICIAL_AREAS:
        updated = BuildingBlock.objects.filter(programme=programme, code=code).update(name=name)
        if not updated:
            BuildingBlock.objects.create(programme=programme, code=code, name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0007_successor_programme_grant_rules_cost_types"),
    ]

    operations = [migrations.RunPython(name_measure_areas_officially, migrations.RunPython.noop)]
