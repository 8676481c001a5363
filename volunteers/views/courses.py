"""KI staff: list, create and edit the courses of their district, sessions included."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
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
        form, formset = self.get_forms(request.POST)
        form_valid = form.is_valid()
        formset_valid = formset.is_valid()  # validate both, so every error shows at once
        if form_valid and formset_valid:
            try:
                saved = services.save_course(by=request.user, course_form=form, sessions=formset)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.report(saved)
                return redirect(saved.course)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def report(self, saved: services.CourseSaved) -> None:
        if saved.created:
            messages.success(self.request, _("Der Kurs wurde angelegt."))
        else:
            messages.success(self.request, _("Die Änderungen wurden gespeichert."))
        if saved.offered:
            messages.info(
                self.request,
                ngettext(
                    "%(count)s Person von der Warteliste hat ein Platzangebot per E-Mail bekommen.",
                    "%(count)s Personen von der Warteliste haben ein Platzangebot per E-Mail bekommen.",
                    saved.offered,
                )
                % {"count": saved.offered},
            )
        if saved.called_off is not None:
            messages.warning(
                self.request,
                ngettext(
                    "Der Kurs ist abgesagt. %(count)s Person wurde per E-Mail benachrichtigt.",
                    "Der Kurs ist abgesagt. %(count)s Personen wurden per E-Mail benachrichtigt.",
                    saved.called_off,
                )
                % {"count": saved.called_off},
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
