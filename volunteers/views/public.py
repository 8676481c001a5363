"""Public course pages: catalogue, course detail, registration, certificate check.

Everyone may browse published, completed and cancelled courses. Drafts are
visible only to those who may manage the course; everybody else gets a 404,
because even the existence of a draft is private.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.ratelimits import rate_limited
from kreisintegration.public_cache import public_cache
from municipalities.selectors import portal_district

from .. import selectors, services
from ..course_forms import CatalogueFilterForm
from ..jsonld import course_json_ld
from ..models import Course, Registration
from ..permissions import VolunteerRequiredMixin, may_manage_course, may_run_course, volunteer_of

R = Registration.Status
CATALOGUE_PAGE_SIZE = 30


def ensure_visible(user, course: Course | None) -> Course:
    """The course if the public may see it or ``user`` may manage it; 404 otherwise."""
    if course is None:
        raise Http404
    if not selectors.is_publicly_visible(course) and not may_manage_course(user, course):
        raise Http404
    return course


def _login_url(request) -> str:
    return reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})


@method_decorator(public_cache("courses"), name="dispatch")
class CatalogueView(TemplateView):
    """Course catalogue of the portal's district, with filters kept in the URL."""

    template_name = "volunteers/catalogue.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = portal_district()
        form = CatalogueFilterForm(
            self.request.GET,
            # Topics of current and past courses, so switching the toggle never invalidates a choice.
            topics=selectors.catalogue_topics(district=district, include_past=True),
            municipalities=selectors.catalogue_municipalities(district=district),
            languages=selectors.course_languages(),
        )
        context.update(
            form=form,
            catalogue_district=district,
            login_url=_login_url(self.request),
            courses=[],
            course_count=0,
            include_past=False,
            previous_url="",
            next_url="",
        )
        if not form.is_valid():
            self.response_status = 400
            return context
        flt = selectors.CatalogueFilter(
            topic=form.cleaned_data["topic"],
            starts_from=form.cleaned_data["starts_from"],
            starts_until=form.cleaned_data["starts_until"],
            municipality=form.cleaned_data["municipality"],
            language=form.cleaned_data["language"],
            include_past=form.cleaned_data["past"],
        )
        paginator = Paginator(selectors.catalogue_courses(district=district, flt=flt), CATALOGUE_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            courses=page.object_list,
            course_count=paginator.count,
            include_past=flt.include_past,
            previous_url=self._url(page=page.previous_page_number()) if page.has_previous() else "",
            next_url=self._url(page=page.next_page_number()) if page.has_next() else "",
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response_kwargs.setdefault("status", getattr(self, "response_status", 200))
        return super().render_to_response(context, **response_kwargs)

    def _url(self, **changes) -> str:
        params = {key: value for key, value in self.request.GET.items() if key != "page"}
        params.update({key: str(value) for key, value in changes.items()})
        return "?" + urlencode([(key, value) for key, value in params.items() if value])


class CourseDetailView(TemplateView):
    template_name = "volunteers/course_detail.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        course = ensure_visible(user, selectors.course_for_detail(self.kwargs["pk"]))
        volunteer = volunteer_of(user)
        registration = selectors.registration_of(volunteer=volunteer, course=course)
        active = registration if registration and registration.status != R.CANCELLED else None
        is_open, closed_reason = services.registration_open(course)
        same_district = volunteer is not None and volunteer.district_id == course.district_id
        sessions = list(course.sessions.all())
        context.update(
            course=course,
            sessions=sessions,
            json_ld=course_json_ld(course, sessions),
            trainers=list(course.trainers.all()),
            volunteer=volunteer,
            registration=registration,
            active_registration=active,
            registration_is_open=is_open,
            closed_reason=closed_reason,
            can_register=same_district and is_open and active is None,
            other_district=volunteer is not None and not same_district,
            # The service puts newcomers behind anyone already waiting, even if a seat is free.
            joins_waitlist=course.free_seats <= 0 or course.waitlist_count > 0,
            may_manage=may_manage_course(user, course),
            may_run=may_run_course(user, course),
            login_url=_login_url(self.request),
        )
        return context


@method_decorator(rate_limited("course_registration"), name="dispatch")
class RegisterView(VolunteerRequiredMixin, View):
    """POST: take a seat or join the waiting list, then back to the course page with a message."""

    http_method_names = ["post"]

    def get_login_next_url(self) -> str:
        # After logging in, the person lands on the course page and presses the button again.
        return reverse("volunteers:course_detail", kwargs={"pk": self.kwargs["pk"]})

    def post(self, request, *args, **kwargs):
        try:
            course = Course.objects.get(pk=self.kwargs["pk"])
        except Course.DoesNotExist:
            raise Http404 from None
        if course.district_id == self.volunteer.district_id:
            # The district is shown in the confirmation mail (rendered before the course is
            # locked): it is the row already read with the volunteer, not read a second time.
            course.district = self.volunteer.district
        course = ensure_visible(request.user, course)
        try:
            registration = services.register_for_course(volunteer=self.volunteer, course=course)
        except services.RegistrationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(course)
        if registration.status == R.REGISTERED:
            messages.success(
                request,
                _("Sie sind angemeldet. Eine Bestätigung mit allen Terminen kommt per E-Mail."),
            )
        else:
            messages.info(
                request,
                _(
                    "Der Kurs ist ausgebucht. Sie stehen auf Platz %(place)s der Warteliste. "
                    "Wird ein Platz frei, bekommen Sie ein Angebot per E-Mail."
                )
                # Counted under the course's lock: the end of the list at that moment.
                % {"place": registration.waitlist_place},
            )
        return redirect(course)


class VerifyCertificateView(TemplateView):
    """Anyone holding a certificate can check that it is genuine."""

    template_name = "volunteers/verify_certificate.html"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        registration = selectors.verified_certificate(self.kwargs["code"])
        context = self.get_context_data(registration=registration, code=self.kwargs["code"][:32])
        if registration is not None:
            volunteer = registration.volunteer
            user = volunteer.user
            context.update(
                participant_name=(
                    user.full_name
                    if user is not None and not volunteer.anonymised_at
                    else _("Gelöschte Person")
                ),
                course=registration.course,
                sessions=list(registration.course.sessions.all()),
            )
        return self.render_to_response(context, status=200 if registration else 404)
