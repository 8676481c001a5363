"""The recorder the injection tests rely on to know which query parameters a page reads."""

import pytest
from django.http import HttpResponse, QueryDict
from django.template import engines
from django.urls import path

from kreisintegration.tests.query_reads import record_query_reads


def reads_q(request):
    return HttpResponse(request.GET.get("q", ""))


def reads_a_list_and_tests_b(request):
    return HttpResponse(f"{request.GET.getlist('a')} {'b' in request.GET}")


def iterates(request):
    return HttpResponse(",".join(request.GET))


def counts(request):
    return HttpResponse("with" if request.GET else "without")


def reflects_the_path(request):
    return HttpResponse(request.get_full_path())


def reads_the_meta_entry(request):
    return HttpResponse(request.META.get("QUERY_STRING", ""))


def reads_a_copy(request):
    params = request.GET.copy()
    return HttpResponse(params.get("x", ""))


def reads_headers_only(request):
    return HttpResponse(request.headers.get("Accept-Language", ""))


def template_encodes(request):
    template = engines["django"].from_string("<a href='?{{ request.GET.urlencode }}'>x</a>")
    return HttpResponse(template.render({"request": request}))


VIEWS = [reads_q, reads_a_list_and_tests_b, iterates, counts, reflects_the_path, reads_the_meta_entry,
         reads_a_copy, reads_headers_only, template_encodes]  # fmt: skip
urlpatterns = [path(f"{view.__name__}/", view) for view in VIEWS]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("view", "keys", "mapping", "opaque"),
    [
        ("reads_q", {"q"}, False, False),
        ("reads_a_list_and_tests_b", {"a", "b"}, False, False),
        ("iterates", set(), True, False),
        ("counts", set(), True, False),
        ("reflects_the_path", set(), False, True),
        ("reads_the_meta_entry", set(), False, True),
        ("reads_a_copy", {"x"}, False, False),
        ("reads_headers_only", set(), False, False),
        ("template_encodes", set(), False, True),
    ],
)
def test_records_the_keys_looked_up_and_the_uses_of_the_whole(client, db, view, keys, mapping, opaque):
    with record_query_reads(client) as reads:
        response = client.get(f"/{view}/", {"q": "1", "a": "2", "b": "3", "x": "4"})
    assert response.status_code == 200
    assert (reads.keys, reads.mapping, reads.opaque) == (keys, mapping, opaque)
    assert reads.reads("q") == ("q" in keys or mapping)


@pytest.mark.urls(__name__)
def test_recording_ends_with_the_block(client, db):
    with record_query_reads(client) as reads:
        client.get("/reads_q/", {"q": "1"})
    response = client.get("/reads_a_copy/", {"x": "1"})
    assert reads.keys == {"q"}
    assert type(response.wsgi_request.GET) is QueryDict
    assert client.handler.__class__.__name__ == "ClientHandler"
