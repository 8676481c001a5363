"""SQL and tsquery metacharacters in every search and filter parameter of every page: never a 500.

Every page the permission matrix lets some role read, with the metacharacters in every query
parameter it could read, as that role. The searches with punctuation: ``test_query_injection.py``.
"""

from __future__ import annotations

import pytest

from kreisintegration.tests import matrix
from kreisintegration.tests.metacharacters import METACHARACTERS
from kreisintegration.tests.query_reads import record_query_reads

objects = matrix.objects  # the permission matrix's fixture (one object of every kind, in Unna)
matrix_objects = matrix.matrix_objects  # built once for the module, each test in its own savepoint

# Every query parameter a page of the portal reads.
PARAMETERS = [
    "q", "start", "end", "municipality", "kommune", "field_of_action", "target_group", "language", "page",
    "status", "view", "year", "qualification", "topic", "starts_from", "starts_until", "a", "b", "district",
    "next", "priority", "jahr", "lang", "actor", "date_from", "date_to", "kind", "object_id", "object_type", "past",
    "format", "programme",
]  # fmt: skip
ROLE_ORDER = ["ki_staff", "contact_unna", "trainer", "volunteer", "anonymous"]


def reading_role(methods) -> str | None:
    get = methods.get("GET", {})
    return next((role for role in ROLE_ORDER if get.get(role) == 200), None)


READABLE = sorted(name for name, (_key, methods) in matrix.MATRIX.items() if reading_role(methods))


# Pages that read search or filter parameters get the whole list of metacharacters.
SEARCH_PAGES = {
    "events:calendar", "events:api_events", "events:feed_district", "events:feed_municipality", "events:mine",
    "events:review_queue", "events:export", "volunteers:catalogue", "volunteers:volunteer_search",
    "volunteers:evidence", "volunteers:figures", "volunteers:course_admin_list", "overview:dashboard",
    "overview:cell", "overview:comparison", "overview:report_compare", "overview:texts", "concept:goal_overview",
}  # fmt: skip


@pytest.mark.parametrize("name", READABLE)
def test_metacharacters_in_every_parameter_never_cause_a_500(client, objects, name):
    key, methods = matrix.MATRIX[name]
    role = reading_role(methods)
    if role != "anonymous":
        matrix.log_in(client, objects, role)
    url = matrix.url_for(name, key, objects)
    # Recorded: which parameters the page (its middleware, view, forms and template) reads, first
    # without any, then with all; every one it reads must be in the list to get the metacharacters.
    values = METACHARACTERS if name in SEARCH_PAGES else ["\x00", "'); DROP TABLE events_event;--"]
    with record_query_reads(client) as reads:
        assert client.get(url).status_code < 500, name
        for value in values:
            response = client.get(url, dict.fromkeys(PARAMETERS, value))
            assert response.status_code < 500, (name, value)
    assert reads.keys <= set(PARAMETERS), (
        f"{name} reads {sorted(reads.keys - set(PARAMETERS))}: add to PARAMETERS"
    )
    # NUL one parameter at a time as well, so an early error does not hide a later crash: each
    # parameter the page reads. The others decide nothing there; they go in one request, for what
    # passes the query string on as one string (the language switch's return address, say).
    unread = [parameter for parameter in PARAMETERS if not reads.reads(parameter)]
    for parameter in PARAMETERS:
        if parameter not in unread:
            response = client.get(url, {parameter: "\x00"})
            assert response.status_code < 500, (name, parameter)
    if unread:
        response = client.get(url, dict.fromkeys(unread, "\x00"))
        assert response.status_code < 500, (name, unread)
