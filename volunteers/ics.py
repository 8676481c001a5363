"""The sessions of a course as an iCalendar file (attached to confirmation mails)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from municipalities.text import ical_text, vtimezone


def course_ics(course) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Kreisintegration//KOMM-AN Kurse//DE")
    calendar.add("version", "2.0")
    # X-WR-CALNAME is not typed by icalendar (it would be written raw): escape it as TEXT.
    calendar.add("x-wr-calname", ical_text(course.title))
    sessions = list(course.sessions.all())
    # The sessions' years, not icalendar's 1970–2038 (add_missing_timezones): a few hundred bytes.
    calendar.add_component(
        vtimezone(timezone.localtime(t).date() for s in sessions for t in (s.start, s.end))
    )
    for session in sessions:
        entry = Event()
        entry.add("uid", f"course-session-{session.pk}@kreisintegration")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", timezone.localtime(session.start))
        entry.add("dtend", timezone.localtime(session.end))
        entry.add("summary", ical_text(course.title))
        location = session.location_name or ", ".join(p for p in [course.location_name, course.address] if p)
        if location:
            entry.add("location", ical_text(location))
        if session.topics:
            entry.add("description", ical_text(session.topics, multiline=True))
        entry.add("url", settings.SITE_URL + course.get_absolute_url())
        calendar.add_component(entry)
    return calendar.to_ical().decode()
