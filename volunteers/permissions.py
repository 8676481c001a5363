"""Who may see or do what with courses, registrations and volunteers.

Builds on ``municipalities.permissions`` (roles, districts); the course-level
rules live here because ``municipalities`` cannot know about courses.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.template.response import TemplateResponse

from municipalities import permissions as base

from .models import Course, Registration, Volunteer


def is_course_trainer(user, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    return course.trainers.filter(pk=user.pk).exists()


def may_run_course(user, course: Course) -> bool:
    """Participant lists and attendance: KI staff of the district and the course's own trainers."""
    return base.is_ki_staff(user, course.district) or is_course_trainer(user, course)


def may_manage_course(user, course: Course) -> bool:
    return base.is_ki_staff(user, course.district)


def courses_run_by(user) -> QuerySet[Course]:
    roles = base.roles_of(user)
    if roles.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(Q(district_id__in=roles.staff_district_ids) | Q(trainers=user)).distinct()


def courses_managed_by(user) -> QuerySet[Course]:
    return Course.objects.filter(district__in=base.districts_administered_by(user))


def volunteers_visible_to(user) -> QuerySet[Volunteer]:
    """Only KI staff see volunteers (their own district); everyone else sees only themselves."""
    if base.is_ki_staff(user):
        return Volunteer.objects.filter(
            district__in=base.districts_administered_by(user), anonymised_at__isnull=True
        )
    if user.is_authenticated:
        return Volunteer.objects.filter(user=user)
    return Volunteer.objects.none()


def may_manage_registration(user, registration: Registration) -> bool:
    """The volunteer themself, or KI staff of the course's district."""
    return (
        registration.volunteer.user_id is not None and registration.volunteer.user_id == user.pk
    ) or base.is_ki_staff(user, registration.course.district)


def volunteer_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    try:
        # get(), not first(): one profile per person (one-to-one), so no ordering is needed.
        volunteer = Volunteer.objects.select_related("district").get(user=user, anonymised_at__isnull=True)
    except Volunteer.DoesNotExist:
        return None
    volunteer.user = user  # the request's user is this row: no second query for it
    return volunteer


def certificates_visible_to(user) -> QuerySet[Registration]:
    """Issued certificates: one's own, and for KI staff those of their districts' courses."""
    issued = Registration.objects.filter(status=Registration.Status.ATTENDED).exclude(certificate_code="")
    if not user.is_authenticated:
        return issued.none()
    return issued.filter(
        Q(volunteer__user=user) | Q(course__district__in=base.districts_administered_by(user))
    )


# --- view mixins -------------------------------------------------------------


class VolunteerRequiredMixin(base.RoleRequiredMixin):
    """Logged-in people with a (not anonymised) volunteer profile; the profile is ``self.volunteer``.

    Anonymous visitors go to the login page; a logged-in person without a profile gets a 403
    page that explains how to become a volunteer (and ``no_profile_message``, when set).
    """

    login_next_url: str | None = None
    no_profile_message = ""

    def has_role(self) -> bool:
        self.volunteer = volunteer_of(self.request.user)
        return self.volunteer is not None

    def get_login_next_url(self) -> str:
        return self.login_next_url or self.request.get_full_path()

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.get_login_next_url(), self.get_login_url())
        return TemplateResponse(
            self.request,
            "volunteers/volunteer_required.html",
            {"reason": self.no_profile_message},
            status=403,
        )
