"""Project-wide middleware."""

from __future__ import annotations

from django.db import connections


class QueryCountMiddleware:
    """Adds ``X-Query-Count`` (database queries of this request) to every response.

    Only switched on by ``BENCH_QUERY_COUNT=1`` (``make bench``), where it is the
    outermost middleware, so sessions and authentication are counted too. It
    works with ``DEBUG`` off, unlike ``connection.queries``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(count)
        return response
