from io import StringIO

from django.core.management import call_command

from volunteers.models import Course, Registration, Volunteer, VolunteerQualification


def state():
    return (
        list(Course.objects.order_by("pk").values_list("pk", "title", "status", "capacity")),
        list(Registration.objects.order_by("pk").values_list("pk", "status", "waitlist_position")),
        Volunteer.objects.count(),
        VolunteerQualification.objects.count(),
    )


def test_seed_demo_adds_courses_and_volunteers_idempotently(db, settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = state()
    call_command("seed_demo", stdout=StringIO())
    assert state() == first

    assert Course.objects.count() == 12
    full = Course.objects.get(title="Interkulturelle Kompetenz im Ehrenamt")
    assert full.registrations.filter(status=Registration.Status.REGISTERED).count() == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    completed = Course.objects.get(status=Course.Status.COMPLETED)
    assert (
        completed.registrations.filter(status=Registration.Status.ATTENDED)
        .exclude(certificate_code="")
        .exists()
    )
    assert VolunteerQualification.objects.exists()
    assert Volunteer.objects.filter(user__full_name="Ольга Иванова").exists()
    assert mailoutbox == []
