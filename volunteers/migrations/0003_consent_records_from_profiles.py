"""Consent records for the consents that volunteer profiles held before records existed.

The profile fields (``privacy_consent_at``/``_version``, ``newcomer_consent_at``/``_version``)
become the evidence: one current ``accounts.ConsentRecord`` per consent, source "migration".
Anonymised profiles (no account) get none. Reversing deletes the migrated records only.
"""

from django.db import migrations


def create_records(apps, schema_editor):
    Volunteer = apps.get_model("volunteers", "Volunteer")
    ConsentRecord = apps.get_model("accounts", "ConsentRecord")
    existing = set(ConsentRecord.objects.values_list("user_id", "kind"))
    records = []
    for volunteer in Volunteer.objects.filter(user__isnull=False).iterator():
        if volunteer.privacy_consent_at and (volunteer.user_id, "privacy_notice") not in existing:
            records.append(
                ConsentRecord(
                    user_id=volunteer.user_id,
                    kind="privacy_notice",
                    text_version=volunteer.privacy_consent_version or "unbekannt",
                    given_at=volunteer.privacy_consent_at,
                    source="migration",
                )
            )
        if (
            volunteer.came_as_newcomer
            and volunteer.newcomer_consent_at
            and (volunteer.user_id, "newcomer_status") not in existing
        ):
            records.append(
                ConsentRecord(
                    user_id=volunteer.user_id,
                    kind="newcomer_status",
                    text_version=volunteer.newcomer_consent_version or "unbekannt",
                    given_at=volunteer.newcomer_consent_at,
                    source="migration",
                )
            )
    ConsentRecord.objects.bulk_create(records, batch_size=1000)


def delete_records(apps, schema_editor):
    apps.get_model("accounts", "ConsentRecord").objects.filter(source="migration").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_consent_record"),
        ("volunteers", "0002_retention_fields"),
    ]

    operations = [migrations.RunPython(create_records, delete_records)]
