"""The KI staff's view of the audit log (shared infrastructure: every app writes to the log, the
log's page reads them all). ``entries`` scopes and filters the rows, ``descriptions`` makes them
readable, ``views`` shows them and exports them as CSV."""

from .descriptions import describe_entries
from .entries import AuditLogFilterForm, actors_in_log_of, audit_entries_visible_to

__all__ = ["AuditLogFilterForm", "actors_in_log_of", "audit_entries_visible_to", "describe_entries"]
