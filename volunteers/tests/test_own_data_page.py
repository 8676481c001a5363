"""„Meine Daten“ as a page and a tagged PDF: plain German, and the same content as the JSON download."""

import html
import json
import re
import subprocess
import tempfile

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from kreisintegration.tests.pdf_checks import assert_accessible_pdf
from volunteers.own_data_document import (
    DISPLAY_SUFFIX,
    HIDDEN_KEYS,
    is_labelled,
    leaf_texts,
    readable_own_data,
    readable_value,
)
from volunteers.selfservice.export import export_own_data

PAGE = reverse("volunteers:own_data")
PDF = reverse("volunteers:own_data_pdf")
JSON = reverse("volunteers:data_export")
# The moment of the answer: the page and the download are two requests, seconds apart.
MOMENT_OF_ANSWER = "exported_at"


def json_leaves(data, path="") -> dict[str, object]:
    """Every shown value of the export by its path, walked independently of the module under test."""
    leaves = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in HIDDEN_KEYS or f"{key}{DISPLAY_SUFFIX}" in data:
                continue
            leaves.update(json_leaves(value, f"{path}{key}" if not path else f"{path}.{key}"))
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        for index, item in enumerate(data):
            leaves.update(json_leaves(item, f"{path}.{index}"))
    else:
        leaves[path] = data
    return leaves


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True, timeout=60
        ).stdout


def test_readable_form_has_every_value_of_the_json_and_nothing_else(rich_volunteer):
    data = export_own_data(user=rich_volunteer)
    leaves = json_leaves(data)
    readable = {path: text for path, _label, text in leaf_texts(readable_own_data(data))}
    # Sections that are empty in the JSON (no profile, no entries) are said to be empty.
    empty_sections = {key for key, value in data.items() if value in (None, [])}
    assert set(readable) == set(leaves) | empty_sections
    for path, value in leaves.items():
        if path in empty_sections:
            assert readable[path] in ("Keine Daten gespeichert.", "Keine Einträge."), path
            continue
        key = path.rsplit(".", 1)[-1]
        assert readable[path] == readable_value(key, value), path


def same_state_download(client, user) -> dict:
    """The JSON as it was when the page or PDF was made: each request logs itself after reading."""
    AuditEvent.objects.filter(actor=user).exclude(pk__in=BEFORE).delete()
    return json.loads(client.get(JSON).content)


BEFORE: set[int] = set()


@pytest.fixture
def earlier_download(rich_volunteer):
    """One entry in the person's own log, so that part of the export has content."""
    from accounts.audit import record_audit_event

    entry = record_audit_event(
        actor=rich_volunteer, action=AuditEvent.Action.EXPORTED_OWN_DATA, target=rich_volunteer
    )
    BEFORE.clear()
    BEFORE.add(entry.pk)
    return entry


def test_page_and_json_download_show_the_same_content(client, rich_volunteer, earlier_download):
    client.force_login(rich_volunteer)
    page = html.unescape(client.get(PAGE).content.decode())
    data = same_state_download(client, rich_volunteer)
    entries = leaf_texts(readable_own_data(data))
    assert len(entries) > 60
    for path, label, text in entries:
        if path == MOMENT_OF_ANSWER:
            continue
        assert f"<dt>{label}</dt>" in page or f">{label}</h2>" in page, (path, label)
        assert text in page, (path, text)


def test_pdf_is_tagged_and_shows_the_same_content_as_the_json(client, rich_volunteer, earlier_download):
    client.force_login(rich_volunteer)
    response = client.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert ".pdf" in response["Content-Disposition"]
    assert_accessible_pdf(response.content, title="Meine Daten")
    text = squeeze(pdf_text(response.content))
    data = same_state_download(client, rich_volunteer)
    for path, label, value in leaf_texts(readable_own_data(data)):
        if path == MOMENT_OF_ANSWER:
            continue
        assert squeeze(label) in text, (path, label)
        assert squeeze(value) in text, (path, value)


def test_page_reads_as_plain_german(client, rich_volunteer):
    client.force_login(rich_volunteer)
    page = client.get(PAGE).content.decode()
    body = page.split("<main", 1)[1]
    # labels instead of keys and codes, local dates to the minute instead of ISO timestamps
    for raw in (
        "full_name",
        "waitlisted",
        "attended",
        "True",
        "False",
        "None",
        "+00:00",
        "T0",
        "exported_own_data",
    ):
        assert raw not in body, raw
    assert "Name" in body and "مريم حداد" in body
    assert "Auf der Warteliste" in body or "Warteliste" in body
    assert "Muttersprache" in body and "Arabisch" in body
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr", body)
    assert f'href="{PDF}"' in page and f'href="{JSON}"' in page


def test_every_key_of_a_full_export_has_a_german_label(rich_volunteer, contact_unna):
    def keys(data):
        if isinstance(data, dict):
            for key, value in data.items():
                yield key
                yield from keys(value)
        elif isinstance(data, list):
            for item in data:
                yield from keys(item)

    for user in (rich_volunteer, contact_unna):
        unlabelled = {key for key in keys(export_own_data(user=user)) if not is_labelled(key)}
        assert not unlabelled, unlabelled


def test_account_without_volunteer_profile_sees_its_roles_and_an_empty_profile(client, contact_unna):
    client.force_login(contact_unna)
    page = client.get(PAGE).content.decode()
    assert "Ihre Rollen in Kommunen" in page and "Unna" in page
    assert "Ihr Ehrenamtsprofil" in page and "Keine Daten gespeichert." in page


@pytest.mark.parametrize(("url", "details"), [(PAGE, {"format": "html"}), (PDF, {"format": "pdf"})])
def test_each_look_at_the_own_data_is_logged_once(client, volunteer, url, details):
    client.force_login(volunteer)
    assert client.get(url).status_code == 200
    entry = AuditEvent.objects.get()
    assert (entry.actor, entry.action, entry.details) == (
        volunteer,
        AuditEvent.Action.EXPORTED_OWN_DATA,
        details,
    )


def test_own_data_needs_login(client, district):
    for url in (PAGE, PDF):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
