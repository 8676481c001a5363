"""KI staff: list, create and edit the courses of their district, sessions included."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, TemplateView

from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by

from .. import selectors, services
from ..course_forms import CourseForm, CourseSessionFormSet
from ..models import Course
from ..permissions import courses_managed_by


class CourseAdminListView(KIStaffRequiredMixin, ListView):
    template_name = "volunteers/course_admin_list.html"
    context_object_name = "courses"
    paginate_by = 50
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.courses_for_admin(
            courses_managed_by(self.request.user), status=self.request.GET.get("status", "")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Course.Status.choices
        context["current_status"] = self.request.GET.get("status", "")
        return context


class CourseFormView(KIStaffRequiredMixin, TemplateView):
    """Course and its sessions in one form; saved together or not at all."""

    template_name = "volunteers/course_form.html"
    course: Course | None = None

    def get_forms(self, data=None):
        form = CourseForm(
            data,
            instance=self.course or Course(),
            districts=districts_administered_by(self.request.user),
        )
        formset = CourseSessionFormSet(data, instance=form.instance, prefix="sessions")
        return form, formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["course"] = self.course
        context["cancel_url"] = (
            self.course.get_absolute_url() if self.course else reverse("volunteers:course_admin_list")
        )
        return context

    def get(self, request, *args, **kwargs):
        form, formset = self.get_forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        # Read before validation: the form writes the new values onto the same instance.
        self.previous_status = self.course.status if self.course else None
        form, formset = self.get_forms(request.POST)
        form_valid = form.is_valid()
        formset_valid = formset.is_valid()  # validate both, so every error shows at once
        if form_valid and formset_valid:
            course = self.save(form, formset)
            if course is not None:
                return redirect(course)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def save(self, form: CourseForm, formset) -> Course | None:
        """Save under the course's row lock, so seats cannot be taken between check and save."""
        previous_status = self.previous_status
        offered = []
        with transaction.atomic():
            if self.course is not None:
                locked = Course.objects.select_for_update().get(pk=self.course.pk)
                taken = services.seats_taken(locked)
                if form.cleaned_data["capacity"] < taken:
                    form.add_error(
                        "capacity",
                        _(
                            "Inzwischen sind %(taken)s Plätze vergeben; bitte mindestens so viele Plätze angeben."
                        )
                        % {"taken": taken},
                    )
                    return None
                previous_capacity = locked.capacity
            calling_off = (
                previous_status not in (None, Course.Status.CANCELLED)
                and form.cleaned_data.get("status") == Course.Status.CANCELLED
            )
            if calling_off:
                form.instance.status = previous_status  # the service makes the change and tells people
            course = form.save()
            formset.instance = course
            formset.save()
            self.called_off = (
                services.cancel_course(by=self.request.user, course=course) if calling_off else None
            )
            if (
                self.course is not None
                and course.capacity > previous_capacity
                and course.status == Course.Status.PUBLISHED
            ):
                offered = services.offer_free_seats(course)
        self.report(course, previous_status=previous_status, offered=len(offered))
        return course

    def report(self, course: Course, *, previous_status: str | None, offered: int) -> None:
        if previous_status is None:
            messages.success(self.request, _("Der Kurs wurde angelegt."))
        else:
            messages.success(self.request, _("Die Änderungen wurden gespeichert."))
        if offered:
            messages.info(
                self.request,
                ngettext(
                    "%(count)s Person von der Warteliste hat ein Platzangebot per E-Mail bekommen.",
                    "%(count)s Personen von der Warteliste haben ein Platzangebot per E-Mail bekommen.",
                    offered,
                )
                % {"count": offered},
            )
        if getattr(self, "called_off", None) is not None:
            messages.warning(
                self.request,
                ngettext(
                    "Der Kurs ist abgesagt. %(count)s Person wurde per E-Mail benachrichtigt.",
                    "Der Kurs ist abgesagt. %(count)s Personen wurden per E-Mail benachrichtigt.",
                    self.called_off,
                )
                % {"count": self.called_off},
            )


class CourseCreateView(CourseFormView):
    pass


class CourseUpdateView(CourseFormView):
    def has_role(self) -> bool:
        if not super().has_role():
            return False
        # Another district's course (or none) is a 404: its existence is not the user's business.
        self.course = get_object_or_404(
            courses_managed_by(self.request.user).select_related("district"), pk=self.kwargs["pk"]
        )
        return True
