"""A volunteer's own courses: overview, cancelling, and answering a seat offer.

Every registration is looked up within the logged-in volunteer's own
registrations, so another person's registration id gives a 404 and reveals
nothing. Changes go through ``volunteers.services``; these views only turn
the outcome into a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.audit import record_audit_event
from accounts.models import AuditEvent
from municipalities.permissions import RoleRequiredMixin, roles_of

from .. import selectors, services
from ..models import Registration
from ..permissions import VolunteerRequiredMixin, certificates_visible_to

R = Registration.Status


class MyCoursesView(VolunteerRequiredMixin, TemplateView):
    template_name = "volunteers/my_courses.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = list(selectors.registrations_of(self.volunteer))
        current = [r for r in registrations if r.status in selectors.CURRENT_STATUSES]
        context.update(
            volunteer=self.volunteer,
            offers=[r for r in current if r.status == R.OFFERED],
            current=[r for r in current if r.status != R.OFFERED],
            history=[r for r in registrations if r.status not in selectors.CURRENT_STATUSES],
            qualifications=list(selectors.qualifications_of(self.volunteer)),
        )
        return context


class OwnRegistrationActionView(VolunteerRequiredMixin, View):
    """POST-only action on one of the volunteer's own registrations."""

    http_method_names = ["post"]

    def get_login_next_url(self) -> str:
        return reverse("volunteers:my_courses")

    def has_role(self) -> bool:
        if not super().has_role():
            return False
        self.registration = get_object_or_404(
            Registration.objects.filter(volunteer=self.volunteer).select_related("course"),
            pk=self.kwargs["pk"],
        )
        return True

    def act(self) -> Registration:  # pragma: no cover - overridden
        raise NotImplementedError

    def success_message(self, before: str, registration: Registration) -> str:  # pragma: no cover
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        before = self.registration.status
        try:
            registration = self.act()
        except services.RegistrationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message(before, registration))
        return redirect("volunteers:my_courses")


class CancelView(OwnRegistrationActionView):
    """GET: the confirmation page („your seat goes to the next person“); POST gives the place up."""

    http_method_names = ["get", "head", "post"]

    def get(self, request, *args, **kwargs):
        registration = self.registration
        course = registration.course
        if registration.status == R.WAITLISTED:
            title = _("Von der Warteliste abmelden")
            consequences = [
                _("Sie verlieren Ihren Platz auf der Warteliste; die Personen hinter Ihnen rücken auf."),
                _("Wenn Sie später doch teilnehmen möchten, stellen Sie sich wieder hinten an."),
            ]
        else:
            title = _("Vom Kurs abmelden")
            consequences = [
                _("Ihr Platz geht an die nächste Person auf der Warteliste."),
                _(
                    "Wenn Sie später doch teilnehmen möchten, melden Sie sich neu an – der Kurs kann dann ausgebucht sein."
                ),
            ]
        blocked = ""
        if not services.can_cancel_registration(registration):
            blocked = _("Diese Anmeldung kann nicht mehr abgemeldet werden (Status: %(status)s).") % {
                "status": registration.get_status_display()
            }
        return render(
            request,
            "confirm.html",
            {
                "title": title,
                "subject": course.title,
                "consequences": consequences,
                "form": None,
                "blocked_reason": blocked,
                "submit_label": title,
                "back_url": reverse("volunteers:my_courses"),
                "back_label": _("Angemeldet bleiben, zurück zu meinen Kursen"),
            },
        )

    def act(self) -> Registration:
        return services.cancel_registration(by=self.request.user, registration=self.registration)

    def success_message(self, before: str, registration: Registration) -> str:
        title = registration.course.title
        if before == R.WAITLISTED:
            return _("Sie stehen nicht mehr auf der Warteliste für „%(title)s“.") % {"title": title}
        return _("Sie sind von „%(title)s“ abgemeldet. Ihr Platz geht an die nächste Person.") % {
            "title": title
        }


class AcceptOfferView(OwnRegistrationActionView):
    def act(self) -> Registration:
        return services.accept_offer(by=self.request.user, registration=self.registration)

    def success_message(self, before: str, registration: Registration) -> str:
        return _("Der Platz gehört Ihnen: Sie sind für „%(title)s“ angemeldet.") % {
            "title": registration.course.title
        }


class DeclineOfferView(OwnRegistrationActionView):
    def act(self) -> Registration:
        return services.decline_offer(by=self.request.user, registration=self.registration)

    def success_message(self, before: str, registration: Registration) -> str:
        return _(
            "Sie haben den Platz in „%(title)s“ abgelehnt. Er geht an die nächste Person auf der Warteliste."
        ) % {"title": registration.course.title}


class CertificateView(RoleRequiredMixin, View):
    """The Teilnahmebescheinigung (PDF) of an attended course.

    For the volunteer it belongs to and for KI staff of the course's district. People with neither
    role get a 403; another volunteer's or district's certificate, or one not issued (yet), does not
    exist for the person asking (404).
    """

    http_method_names = ["get", "head", "options"]

    def has_role(self) -> bool:
        # Volunteers (their own certificates) and KI staff (their districts'); other people 403.
        roles = roles_of(self.request.user)
        return roles.is_volunteer or roles.is_ki_staff

    def get(self, request, pk: int):
        # Imported here so that this class stays self-contained within the module.
        from .. import documents

        # Somebody else's certificate, or one not issued (yet): it does not exist for this person (404).
        registration = get_object_or_404(
            certificates_visible_to(request.user).select_related(
                "volunteer__user", "course__district", "course__funding_programme", "course__building_block"
            ),
            pk=pk,
        )
        if registration.volunteer.user_id != request.user.pk:
            # Somebody else's certificate (KI staff): personal data leaves the portal.
            record_audit_event(
                actor=request.user,
                action=AuditEvent.Action.EXPORTED_CERTIFICATE,
                target=registration,
                district_id=registration.course.district_id,
                description=registration.course.title,
            )
        return documents.file_response(
            documents.certificate_pdf(registration),
            documents.PDF_CONTENT_TYPE,
            documents.certificate_filename(registration),
        )
