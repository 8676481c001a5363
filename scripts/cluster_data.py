"""The Django side of ``make cluster-test`` (scripts/cluster.py), run in the cluster's environment.

    cluster_data.py setup CLIENTS COURSES   volunteer accounts for the load clients and small courses
    cluster_data.py report                  a concept report, queued for the workers
    cluster_data.py check COURSE_IDS SINCE  registrations, seats, outbox mail and reports as JSON

Every command prints one JSON object on stdout. The test's courses are new on every run (their
titles carry the time), so earlier runs on the same database do not change the figures.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")

import django

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from municipalities.models import District  # noqa: E402
from outbox.models import OutboxMail  # noqa: E402
from overview import services as report_services  # noqa: E402
from overview.models import ConceptReport  # noqa: E402
from overview.tasks import build_concept_report  # noqa: E402
from volunteers.models import Course, Registration  # noqa: E402
from volunteers.tests.factories import make_course, make_volunteer  # noqa: E402

PASSWORD = "Cluster-Probe-2026!"
R = Registration.Status


def district() -> District:
    return District.objects.order_by("pk").first()


def setup(clients: int, courses: int) -> dict:
    home = district()
    emails = []
    for number in range(clients):
        email = f"cluster-{number}@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, full_name=f"Clusterprobe Nr. {number}", password=PASSWORD
            )
        make_volunteer(home, user=user)
        emails.append(email)
    stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M:%S")
    made = [
        make_course(home, title=f"Clustertest {stamp} – Kurs {n + 1}", capacity=2, sessions=1)
        for n in range(courses)
    ]
    return {"volunteers": emails, "password": PASSWORD, "courses": [course.pk for course in made]}


def report() -> dict:
    year = timezone.localdate().year - 1
    queued = report_services.create_report(by=None, district=district(), year=year)
    result = build_concept_report.delay(queued.pk)
    return {"report": queued.pk, "task": result.id}


def check(course_ids: list[int], since: datetime) -> dict:
    courses = {}
    registrations = (
        Registration.objects.filter(course_id__in=course_ids)
        .exclude(status=R.CANCELLED)
        .select_related("volunteer__user")
    )
    mail_keys = set(
        OutboxMail.objects.filter(idempotency_key__startswith="course-").values_list(
            "idempotency_key", flat=True
        )
    )
    for course_id in course_ids:
        rows = [r for r in registrations if r.course_id == course_id]
        capacity = Course.objects.get(pk=course_id).capacity
        courses[course_id] = {
            "capacity": capacity,
            "seats": sum(r.status in Registration.SEAT_STATUSES for r in rows),
            "waiting": sum(r.status == R.WAITLISTED for r in rows),
            "people": sorted(r.volunteer.user.email for r in rows),
            # Saved whole: each registration has its confirmation or waiting-list mail.
            "without_mail": [
                r.pk
                for r in rows
                if f"course-registered:{r.pk}" not in mail_keys
                and f"course-waitlisted:{r.pk}" not in mail_keys
            ],
        }
    mails = OutboxMail.objects.filter(created_at__gte=since).aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(status=OutboxMail.Status.SENT))
    )
    mails["sent_in_run"] = OutboxMail.objects.filter(sent_at__gte=since).count()
    mails["sent_ids_in_run"] = sorted(
        OutboxMail.objects.filter(sent_at__gte=since).values_list("pk", flat=True)
    )
    reports = []
    for row in ConceptReport.objects.filter(created_at__gte=since).order_by("pk"):
        folder = os.path.dirname(row.pdf.name) if row.pdf else ""
        files = default_storage.listdir(folder)[1] if folder and default_storage.exists(folder) else []
        prefix = f"konzeptbericht-{row.year}-{row.pk}-"
        reports.append(
            {
                "id": row.pk,
                "state": row.state,
                "error": row.error,
                "pdf": bool(row.pdf) and default_storage.exists(row.pdf.name),
                "xlsx": bool(row.xlsx) and default_storage.exists(row.xlsx.name),
                "files": sorted(name for name in files if name.startswith(prefix)),
            }
        )
    return {"courses": courses, "mails": mails, "reports": reports}


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "setup":
        answer = setup(int(arguments[0]), int(arguments[1]))
    elif command == "report":
        answer = report()
    elif command == "check":
        answer = check([int(pk) for pk in arguments[0].split(",")], datetime.fromisoformat(arguments[1]))
    else:
        raise SystemExit(__doc__)
    print(json.dumps(answer))
