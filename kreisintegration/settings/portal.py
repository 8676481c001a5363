"""The portal's own knobs: upload limits, courses, invitations, personal-data hooks of the apps,
retention periods, the portal's address and its sign-language video."""

import os

from kreisintegration.env import env_choice, env_hosts, env_int, env_str

# New event submissions reach KI staff "immediate"ly (one mail each) or as a
# "digest" once a day at 07:00.
EVENTS_SUBMISSION_MAIL = env_choice("EVENTS_SUBMISSION_MAIL", "immediate", ("immediate", "digest"))
# Uploads for the event import.
EVENTS_IMPORT_MAX_BYTES = env_int("EVENTS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
EVENTS_IMPORT_MAX_ROWS = env_int("EVENTS_IMPORT_MAX_ROWS", 500)
# An XLSX file is a zip archive: refuse one that unpacks to more than this (zip bombs).
EVENTS_IMPORT_MAX_UNPACKED_BYTES = env_int("EVENTS_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
# Each worksheet and the shared strings of an XLSX file: 500 rows of events need a few hundred KB;
# a bigger sheet is mostly empty rows, which openpyxl would walk one by one (events/xlsx_limits.py).
EVENTS_IMPORT_MAX_SHEET_BYTES = env_int("EVENTS_IMPORT_MAX_SHEET_BYTES", 4 * 1024 * 1024)
# Receipts (Belege) an initiative uploads for its proof of use: PDF, JPEG or PNG up to this size.
ENGAGEMENT_RECEIPT_MAX_BYTES = env_int("ENGAGEMENT_RECEIPT_MAX_BYTES", 5 * 1024 * 1024)
# No upload is kept beyond this size while the body is read (kreisintegration/uploads.py): the
# larger of the event import's and the receipts' limits. Below FILE_UPLOAD_MAX_MEMORY_SIZE, so an
# accepted upload never touches the disk. Fields other than files: DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_BYTES = max(EVENTS_IMPORT_MAX_BYTES, ENGAGEMENT_RECEIPT_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = max(10 * 1024 * 1024, FILE_UPLOAD_MAX_BYTES + 1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "kreisintegration.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# KOMM-AN courses: hours a freed seat stays offered; days before the first session the reminder goes out.
VOLUNTEERS_OFFER_HOURS = env_int("VOLUNTEERS_OFFER_HOURS", 48)
VOLUNTEERS_REMINDER_DAYS = env_int("VOLUNTEERS_REMINDER_DAYS", 2)
# Days before a held qualification (e.g. first aid) expires the reminder mail goes out.
VOLUNTEERS_QUALIFICATION_REMINDER_DAYS = env_int("VOLUNTEERS_QUALIFICATION_REMINDER_DAYS", 30)

# Invitations for municipal contacts are valid for this many days.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# Sections of the own-data export (Art. 15/20 GDPR) contributed by apps that volunteers/ cannot
# import: functions user -> dict, merged into the export.
OWN_DATA_EXPORTERS = [
    "events.personal_data.export_own_data",
    "concept.personal_data.export_own_data",
    "engagement.personal_data.export_own_data",
]
# Apps to the right of volunteers remove their part of a person's data when the account is deleted
# (volunteers.selfservice.deletion.delete_volunteer_account calls each with user=…, now=…).
OWN_DATA_ANONYMISERS = ["events.personal_data.anonymise_user", "engagement.personal_data.anonymise_user"]
# ... and tell on the deletion page what it means for their part (functions user -> dict with a
# "template" to include, or None). A person with such a part may delete their account themselves
# without a volunteer profile (e.g. an initiative's contact person).
OWN_ACCOUNT_DELETION_SUMMARIES = ["engagement.personal_data.deletion_summary"]

# Retention (volunteers/retention.py): course participants' personal link is removed after the
# end of the N-th year after the course year (funding evidence must be kept 5 years); pure
# volunteers inactive for N months get a warning mail and are anonymised N days later.
PARTICIPANT_RETENTION_YEARS = env_int("PARTICIPANT_RETENTION_YEARS", 5)
VOLUNTEER_INACTIVITY_MONTHS = env_int("VOLUNTEER_INACTIVITY_MONTHS", 24)
VOLUNTEER_INACTIVITY_WARNING_DAYS = env_int("VOLUNTEER_INACTIVITY_WARNING_DAYS", 30)
# Small grants to initiatives (engagement/services/retention.py): kept for N years after the end
# of the funding year (funding law and accounting records: 10), then names, free text, bank
# details and receipt files are removed; the money figures and counts stay.
GRANT_RETENTION_YEARS = env_int("GRANT_RETENTION_YEARS", 10)
# A concept report build touches its heartbeat at every step; a running build without one for
# this many minutes lost its worker and is shown as failed (with "build again"). Must exceed
# the longest single step (setting the PDF takes seconds).
OVERVIEW_REPORT_STALE_MINUTES = env_int("OVERVIEW_REPORT_STALE_MINUTES", 3)

# The absolute address of the portal, used where no request is at hand: links in e-mails, calendar
# files, certificates. Unset, it follows PORT (the port `make run` serves on), so that
# `make run PORT=8080` gives links to port 8080.
PORT = env_int("PORT", 8000)
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
# Which district the public pages present when the database holds several.
PORTAL_DISTRICT_SLUG = os.environ.get("PORTAL_DISTRICT_SLUG", "")
# BITV 2.0 § 4: the start page's explanation in German Sign Language, as files in the default
# storage (names inside it, e.g. "dgs/portal.mp4" and "dgs/portal.vtt"); empty = "video is coming".
DGS_VIDEO = env_str("DGS_VIDEO", "")
DGS_CAPTIONS = env_str("DGS_CAPTIONS", "")
# Videos KI staff upload in the portal (signlanguage app) take precedence over DGS_VIDEO; a few
# minutes of DGS in good quality are 50–200 MB. Files above the limit are cut off while the body is
# read (kreisintegration/uploads.py), never stored.
SIGN_LANGUAGE_VIDEO_MAX_BYTES = env_int("SIGN_LANGUAGE_VIDEO_MAX_BYTES", 200 * 1024 * 1024)
SIGN_LANGUAGE_CAPTIONS_MAX_BYTES = env_int("SIGN_LANGUAGE_CAPTIONS_MAX_BYTES", 512 * 1024)
# Instead of an upload, a video may be a https link to the district's own video server: only to
# these hosts (comma-separated names), which the Content-Security-Policy allows as media-src.
# Empty = no links, uploads only.
SIGN_LANGUAGE_VIDEO_HOSTS = env_hosts("SIGN_LANGUAGE_VIDEO_HOSTS")
# DCAT-AP.de "dcatde:contributorID" of the open-data catalogue: the data portal that passes the
# catalogue on to GovData (for NRW's municipalities Open.NRW).
OPENDATA_CONTRIBUTOR_ID = os.environ.get(
    "OPENDATA_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/openNRW"
)
