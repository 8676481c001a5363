"""schema.org description of a public course page (``Course`` with one ``CourseInstance``), as JSON-LD."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from .models import Course, CourseSession
from .selectors import is_publicly_visible

SCHEMA = "https://schema.org/"
# The KOMM-AN qualification courses cost the volunteers nothing (the programme pays); the course page
# and the catalogue say so.
COURSES_ARE_FREE = True


def _local(value) -> str:
    return timezone.localtime(value).isoformat()  # TIME_ZONE is Europe/Berlin


def course_json_ld(course: Course, sessions: Sequence[CourseSession]) -> dict | None:
    if not is_publicly_visible(course):
        return None
    on_site = bool(course.location_name or course.address)
    mode = (
        "MixedEventAttendanceMode"
        if on_site and course.online_url
        else "OnlineEventAttendanceMode"
        if course.online_url
        else "OfflineEventAttendanceMode"
    )
    instance = {
        "@type": "CourseInstance",
        "courseMode": {"MixedEventAttendanceMode": "blended", "OnlineEventAttendanceMode": "online"}.get(
            mode, "onsite"
        ),
        "eventAttendanceMode": SCHEMA + mode,
        "eventStatus": SCHEMA
        + ("EventCancelled" if course.status == Course.Status.CANCELLED else "EventScheduled"),
        "name": course.title,
        "isAccessibleForFree": COURSES_ARE_FREE,
    }
    if sessions:
        instance["startDate"] = _local(sessions[0].start)
        instance["endDate"] = _local(sessions[-1].end)
    locations = []
    if on_site:
        place = {"@type": "Place", "name": course.location_name or course.address}
        if course.address:
            place["address"] = course.address
        locations.append(place)
    if course.online_url:
        locations.append({"@type": "VirtualLocation", "url": course.online_url})
    if locations:
        instance["location"] = locations
    data = {
        "@context": SCHEMA,
        "@type": "Course",
        "name": course.title,
        "about": course.topic,
        "provider": {"@type": "Organization", "name": course.district.ki_name},
        "url": settings.SITE_URL + course.get_absolute_url(),
        "hasCourseInstance": [instance],
        "isAccessibleForFree": COURSES_ARE_FREE,
    }
    if course.description:
        data["description"] = course.description
    if course.language_id:
        data["inLanguage"] = course.language.code
    if course.target_audience:
        data["audience"] = {"@type": "Audience", "audienceType": course.target_audience}
    return data
