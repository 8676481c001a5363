"""Backup drill: back up the database and the media files, restore into a fresh database, compare.

Real PostgreSQL (pg_dump/pg_restore) and real files; the manifest's row counts come from the
snapshot the dump was taken from.
"""

import json
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from conftest import worker_database_url
from kreisintegration import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database():
    """An empty database next to the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    admin_url = worker_database_url()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    default_storage.save("concept-reports/kreis-unna/2026/bericht.pdf", ContentFile(b"%PDF-1.7 Bericht"))
    default_storage.save("certificates/Zoë Çelik – Teilnahme.pdf", ContentFile(b"%PDF-1.7 Zertifikat"))
    return tmp_path / "media"


def test_a_restored_backup_has_every_row_and_every_file(
    volunteer, ki_staff, contact_unna, media, tmp_path, fresh_database
):
    manifest = backup.backup(tmp_path / "backup")
    assert manifest["rows"]["accounts_user"] == 3
    assert manifest["rows"]["volunteers_volunteer"] == 1
    assert set(manifest["files"]) == {
        "concept-reports/kreis-unna/2026/bericht.pdf",
        "certificates/Zoë Çelik – Teilnahme.pdf",
    }
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text()) == manifest

    problems = backup.restore(tmp_path / "backup", fresh_database, tmp_path / "restored-media")

    assert problems == []
    with psycopg.connect(fresh_database) as restored:
        emails = {email for (email,) in restored.execute("SELECT email FROM accounts_user")}
    assert emails == {volunteer.email, ki_staff.email, contact_unna.email}
    assert (tmp_path / "restored-media" / "certificates/Zoë Çelik – Teilnahme.pdf").read_bytes() == (
        b"%PDF-1.7 Zertifikat"
    )


def test_the_comparison_names_a_lost_row_and_a_lost_or_changed_file(volunteer, media, tmp_path):
    manifest = backup.backup(tmp_path / "backup")
    rows = dict(manifest["rows"], accounts_user=manifest["rows"]["accounts_user"] - 1)
    files = dict(manifest["files"])
    del files["concept-reports/kreis-unna/2026/bericht.pdf"]
    files["certificates/Zoë Çelik – Teilnahme.pdf"] = "0" * 64

    problems = backup.compare(manifest, rows=rows, files=files)

    users = manifest["rows"]["accounts_user"]
    assert problems == [
        f"table accounts_user: {users} rows in the backup, {users - 1} restored",
        "file certificates/Zoë Çelik – Teilnahme.pdf: checksum differs",
        "file concept-reports/kreis-unna/2026/bericht.pdf: missing",
    ]


def test_a_damaged_dump_is_refused_before_anything_is_restored(volunteer, media, tmp_path, fresh_database):
    backup.backup(tmp_path / "backup")
    dump = tmp_path / "backup" / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])

    problems = backup.restore(tmp_path / "backup", fresh_database, tmp_path / "restored-media")

    assert problems == ["database.dump: checksum differs from the manifest (damaged backup)"]
    with psycopg.connect(fresh_database) as restored:
        assert restored.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (
            0,
        )
