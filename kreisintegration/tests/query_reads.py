"""Which query parameters a request reads: the test client's requests, recorded.

``record_query_reads(client)`` records, for every request the client sends inside it, by the
view, its forms, its template and every middleware alike:

- each key looked up in ``request.GET`` (``get``, ``[]``, ``getlist``, ``in``);
- whether ``request.GET`` was used as a mapping (iterated, counted, compared, pickled): then every
  parameter may change what the request does;
- whether the query string was used as one string (``get_full_path``, ``build_absolute_uri``,
  ``GET.urlencode``, ``request.META["QUERY_STRING"]``), e.g. reflected in a link.

A request that neither looks up parameter ``p`` nor uses ``request.GET`` as a mapping decides
nothing by ``p``: it runs as it would without ``p``, except that ``p`` is part of the string that
opaque uses pass on. The injection tests use this to send a value to each parameter alone only
where a page reads it, and to find parameters a page reads that they do not send yet.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from unittest import mock

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, QueryDict
from django.http.request import HttpHeaders
from django.utils.functional import cached_property

QUERY_STRING = "QUERY_STRING"


@dataclass
class QueryReads:
    keys: set[str] = field(default_factory=set)
    mapping: bool = False  # request.GET used as a whole: every parameter may matter
    opaque: bool = False  # the query string passed on as one string

    def reads(self, parameter: str) -> bool:
        return self.mapping or parameter in self.keys


_current: list[QueryReads] = []
_quiet: list[bool] = []  # building request.GET or a copy of it (the copy records its own uses)


def _recording() -> QueryReads | None:
    return _current[-1] if _current and not _quiet else None


def _note_key(key) -> None:
    # A template's ``request.GET.urlencode`` tries ``GET["urlencode"]`` before the method.
    if (reads := _recording()) and not hasattr(QueryDict, key):
        reads.keys.add(str(key))


def _note(kind: str) -> None:
    if reads := _recording():
        setattr(reads, kind, True)


def _noting(base: type, name: str, kind: str | None):
    """``base.name`` noting ``kind`` of use (``None``: a copy), and nothing of what it does inside
    (``urlencode`` goes through ``lists``, say)."""

    def method(self, *args, **kwargs):
        if kind:
            _note(kind)
        _quiet.append(True)
        try:
            return getattr(base, name)(self, *args, **kwargs)
        finally:
            _quiet.pop()

    method.__name__ = name
    return method


class RecordingQueryDict(QueryDict):
    """``request.GET`` that notes every key looked up and every use of the whole."""

    def __getitem__(self, key):
        _note_key(key)
        return super().__getitem__(key)

    def _getlist(self, key, default=None, force_list=False):
        _note_key(key)
        return super()._getlist(key, default, force_list)

    def __contains__(self, key):
        _note_key(key)
        return super().__contains__(key)


for _name in (
    "__iter__",
    "__len__",
    "__eq__",
    "__getstate__",
    "__reduce_ex__",
    "keys",
    "items",
    "lists",
    "values",
    "dict",
):
    setattr(RecordingQueryDict, _name, _noting(QueryDict, _name, "mapping"))
for _name in ("urlencode", "__repr__"):
    setattr(RecordingQueryDict, _name, _noting(QueryDict, _name, "opaque"))
for _name in ("copy", "__copy__", "__deepcopy__"):
    setattr(RecordingQueryDict, _name, _noting(QueryDict, _name, None))


class RecordingEnviron(dict):
    """The WSGI environ (``request.META``): a read of ``QUERY_STRING`` other than building
    ``request.GET`` passes the query string on as one string; iterating the environ may."""

    def __getitem__(self, key):
        if key == QUERY_STRING:
            _note("opaque")
        return super().__getitem__(key)

    def get(self, key, default=None):
        if key == QUERY_STRING:
            _note("opaque")
        return super().get(key, default)

    def __contains__(self, key):
        if key == QUERY_STRING:
            _note("opaque")
        return super().__contains__(key)


for _name in ("__iter__", "keys", "items", "values", "copy", "__repr__", "__eq__", "__reduce_ex__"):
    setattr(RecordingEnviron, _name, _noting(dict, _name, "opaque"))


def _recording_get(request: WSGIRequest) -> QueryDict:
    raw = dict.get(request.environ, QUERY_STRING, "")  # building GET is not a read by the application
    _quiet.append(True)
    try:
        return RecordingQueryDict(raw.encode("iso-8859-1"), encoding=request._encoding)
    finally:
        _quiet.pop()


def _headers(request: HttpRequest) -> HttpHeaders:
    # The headers are the HTTP_ and CONTENT_ entries, never the query string.
    return HttpHeaders(dict(dict.items(request.META)))


_GET = cached_property(_recording_get)
_GET.__set_name__(WSGIRequest, "GET")
_HEADERS = cached_property(_headers)
_HEADERS.__set_name__(HttpRequest, "headers")


@contextlib.contextmanager
def record_query_reads(client):
    """Inside: the ``QueryReads`` of all the client's requests sent in the block."""
    reads = QueryReads()
    handler = client.handler

    def recording_handler(environ):
        return handler(RecordingEnviron(environ))

    _current.append(reads)
    try:
        with (
            mock.patch.object(WSGIRequest, "GET", _GET),
            mock.patch.object(HttpRequest, "headers", _HEADERS),
            mock.patch.object(client, "handler", recording_handler),
        ):
            yield reads
    finally:
        _current.pop()
