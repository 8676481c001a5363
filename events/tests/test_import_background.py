"""Big import files go to the Celery worker: a progress page (polling a JSON endpoint, refresh link
without JavaScript) ends with the same result as a small import – all or nothing, every bad row
listed."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from events import personal_data
from events.importer import jobs
from events.models import Event, EventChange, EventImport
from events.tests.import_helpers import (
    GOOD_CAFE,
    IMPORT_URL,
    csv_bytes,
    page_messages,
    row,
    upload,
    xlsx_bytes,
)

ROWS = 150


def cafe(number: int) -> list:
    values = list(GOOD_CAFE)
    values[0] = f"Begegnungscafé {number}"
    return values


@pytest.fixture
def shared_media(settings, tmp_path, monkeypatch):
    """The web process stores the upload where the worker reads it (started after this fixture)."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    return media


def _status(client, job_pk: int) -> dict:
    response = client.get(reverse("events:import_status", kwargs={"pk": job_pk}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.json()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_big_file_is_imported_by_the_worker_with_progress(
    client, contact_unna, unna, reference, shared_media, real_worker
):
    client.force_login(contact_unna)
    response = client.post(
        IMPORT_URL,
        {"municipality": unna.pk, "file": upload(xlsx_bytes([cafe(n) for n in range(ROWS)]), "gross.xlsx")},
    )
    job = EventImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:import_progress", kwargs={"pk": job.pk})
    assert (job.row_count, job.created_by, job.municipality) == (ROWS, contact_unna, unna)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="status"' in html and "import_progress.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert reverse("events:import_status", kwargs={"pk": job.pk}) in html
    assert "Aktualisieren" in html  # the way without JavaScript

    deadline = time.monotonic() + 120
    status = _status(client, job.pk)
    while status["state"] in ("queued", "running") and time.monotonic() < deadline:
        assert 0 <= status["saved"] <= ROWS and status["total"] == ROWS
        time.sleep(0.3)
        status = _status(client, job.pk)
    assert status["state"] == "done", real_worker[1].read_text()
    assert (status["saved"], status["progress"]) == (ROWS, 100)

    assert Event.objects.filter(municipality=unna, status=Event.Status.DRAFT).count() == ROWS
    assert EventChange.objects.filter(action=EventChange.Action.IMPORTED).count() == ROWS
    job.refresh_from_db()
    assert not job.file and not any(shared_media.rglob("*.upload"))  # the upload is gone

    result = client.get(reverse("events:import_progress", kwargs={"pk": job.pk}))
    assert result.status_code == 302 and result["Location"] == reverse("events:mine")
    assert any("150 Veranstaltungen wurden als Entwurf angelegt" in m for m in page_messages(result))


def test_a_bad_row_in_a_big_file_saves_nothing_and_lists_every_problem(
    client, contact_unna, unna, reference, shared_media, django_capture_on_commit_callbacks
):
    rows = [cafe(n) for n in range(ROWS)]
    rows[99] = row(titel="", beginn_datum="14.03.2026")  # row 101: no title
    rows[139] = row(titel="Nachtcafé", beginn_datum="31.02.2026")  # row 141: no such day
    client.force_login(contact_unna)
    with django_capture_on_commit_callbacks(execute=True):  # the (eager) task runs on commit
        response = client.post(IMPORT_URL, {"municipality": unna.pk, "file": upload(csv_bytes(rows))})
    job = EventImport.objects.get()
    assert response["Location"] == reverse("events:import_progress", kwargs={"pk": job.pk})
    assert job.state == EventImport.State.FAILED
    assert not Event.objects.exists() and not EventChange.objects.exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert {(e.row, e.column) for e in page.context["row_errors"]} == {(101, "titel"), (141, "beginn_datum")}
    html = page.content.decode()
    assert "Es wurde nichts gespeichert" in html and '<th scope="row">141</th>' in html
    assert _status(client, job.pk)["state"] == "failed"


def test_a_small_file_is_still_imported_while_the_request_waits(
    client, contact_unna, unna, reference, settings
):
    settings.EVENTS_IMPORT_BACKGROUND_ROWS = 3
    client.force_login(contact_unna)
    response = client.post(
        IMPORT_URL, {"municipality": unna.pk, "file": upload(csv_bytes([cafe(n) for n in range(3)]))}
    )
    assert response["Location"] == reverse("events:mine")
    assert Event.objects.count() == 3 and not EventImport.objects.exists()


def test_only_the_importer_sees_the_progress(client, contact_unna, contact_luenen, ki_staff, volunteer, unna):
    job = EventImport.objects.create(municipality=unna, created_by=contact_unna, row_count=ROWS)
    urls = [reverse(f"events:{name}", kwargs={"pk": job.pk}) for name in ("import_progress", "import_status")]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login
        for other in (contact_luenen, ki_staff):
            client.force_login(other)
            assert client.get(url).status_code == 404
        client.force_login(volunteer)
        assert client.get(url).status_code == 403  # no municipality to import into
        client.force_login(contact_unna)
        assert client.get(url).status_code == 200
        client.logout()
    client.force_login(contact_unna)
    assert _status(client, job.pk) | {"text": ""} == {
        "state": "queued",
        "state_label": "wartet",
        "saved": 0,
        "total": ROWS,
        "progress": 0,
        "text": "",
    }
    assert client.post(urls[1]).status_code == 405


def test_a_missing_file_fails_with_a_message_instead_of_an_error(contact_unna, unna, shared_media):
    job = EventImport.objects.create(
        municipality=unna, created_by=contact_unna, row_count=ROWS, file="event-imports/weg.upload"
    )
    jobs.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == EventImport.State.FAILED and "nicht mehr vorhanden" in job.file_error


def test_the_uploaders_export_holds_every_field_and_deletion_removes_the_records(
    client, contact_unna, unna, shared_media
):
    job = EventImport(
        municipality=unna,
        created_by=contact_unna,
        row_count=ROWS,
        state=EventImport.State.FAILED,
        row_errors=[{"row": 3, "column": "kontakt", "message": "zu lang", "value": "0171 2345678"}],
    )
    job.file.save("liegen-geblieben.upload", ContentFile(b"titel"), save=False)
    job.save()
    client.force_login(contact_unna)
    response = client.get(reverse("volunteers:data_export"))
    exported = json.loads(response.content.decode())["event_imports"]
    assert set(exported[0]) == {field.name for field in EventImport._meta.get_fields()}
    assert exported[0]["row_errors"][0]["value"] == "0171 2345678"

    assert personal_data.anonymise_user(user=contact_unna) == 1
    assert not EventImport.objects.exists() and not any(shared_media.rglob("*.upload"))


def test_problems_of_a_background_import_are_written_in_the_uploaders_language(
    client, contact_unna, unna, reference, shared_media, settings, django_capture_on_commit_callbacks
):
    rows = [cafe(n) for n in range(ROWS)]
    rows[99] = row(titel="", beginn_datum="14.03.2026")  # row 101: no title
    client.force_login(contact_unna)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is used in English
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(IMPORT_URL, {"municipality": unna.pk, "file": upload(csv_bytes(rows))})
    with translation.override(settings.LANGUAGE_CODE):  # as in the worker: German unless told
        for callback in callbacks:
            callback()  # the (eager) task
    job = EventImport.objects.get()
    assert job.state == EventImport.State.FAILED
    assert [e["message"] for e in job.row_errors] == ["The title is missing."]
    html = client.get(response["Location"]).content.decode()
    assert "The title is missing." in html and "Der Titel fehlt." not in html


def test_a_task_queued_without_a_language_writes_in_the_preferred_one(contact_unna, unna, shared_media):
    contact_unna.preferred_language = "en"
    contact_unna.save(update_fields=["preferred_language"])
    job = EventImport.objects.create(
        municipality=unna, created_by=contact_unna, row_count=ROWS, file="event-imports/weg.upload"
    )
    jobs.run_import(job.pk)  # as a task queued before the language was passed along
    job.refresh_from_db()
    assert job.state == EventImport.State.FAILED and "no longer" in job.file_error.lower()
