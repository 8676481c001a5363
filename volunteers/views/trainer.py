"""Running a course (KI staff of its district and its own trainers): participants, attendance, completion."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.audit import record_audit_event
from accounts.models import AuditEvent
from kreisintegration import private_cache
from kreisintegration.fragments import cached_fragment
from municipalities.permissions import RoleRequiredMixin, roles_of
from municipalities.private_pages import EarlyCachedPageMixin

from .. import documents, permissions, services
from ..figures import PARTICIPANT_STATUSES
from ..models import Attendance, Course, CourseSession, Registration
from ..services import RegistrationError

R = Registration.Status


class CourseRunnerMixin(RoleRequiredMixin):
    """Loads ``self.course`` among the courses the user runs: KI staff (403 without the role
    of KI staff or trainer) of its district and its own trainers; any other course is a 404."""

    def has_role(self) -> bool:
        roles = roles_of(self.request.user)
        if not (roles.is_ki_staff or roles.is_trainer):
            return False
        self.course = get_object_or_404(
            permissions.courses_run_by(self.request.user).select_related("district"), pk=self.kwargs["pk"]
        )
        return True

    def record_access(self, action: str, **details) -> None:
        """One audit entry per request that shows or exports the course's participants."""
        record_audit_event(
            actor=self.request.user,
            action=action,
            target=self.course,
            district_id=self.course.district_id,
            description=self.course.title,
            details=details,
        )


class ParticipantsView(EarlyCachedPageMixin, CourseRunnerMixin, TemplateView):
    template_name = "volunteers/trainer/participants.html"

    # The course with its sessions, registrations and trainers; attendance and volunteer profiles
    # ("figures"); names and e-mail addresses of people ("staff"). A change of the course, its
    # district or its trainers bumps "courses", so a stored copy is served before the course is loaded.
    cache_namespaces = ("courses", "figures", "staff")

    def served_from_cache(self, response, remembered):
        # Every look is logged, also when the page comes from the cache.
        self.course = Course(pk=self.kwargs["pk"], **remembered)
        self.record_access(AuditEvent.Action.VIEWED_PARTICIPANT_LIST)
        return response

    def get(self, request, *args, **kwargs):
        self.record_access(AuditEvent.Action.VIEWED_PARTICIPANT_LIST)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        course = self.course
        # What the audit entry of a cache hit needs (see dispatch).
        private_cache.remember(self.request, district_id=course.district_id, title=course.title)
        present = Q(attendances__present=True, attendances__registration__status__in=PARTICIPANT_STATUSES)
        sessions = list(
            course.sessions.annotate(present_count=Count("attendances", filter=present)).order_by("start")
        )
        now = timezone.now()
        for session in sessions:
            session.attendance_blocker = services.attendance_blocker(session, now=now)
        completion_blocker = ""
        last_end = max((s.end for s in sessions), default=None)
        if course.status == Course.Status.PUBLISHED:
            completion_blocker = services.completion_blocker(course, last_end=last_end, now=now)
        # The page changes by itself when a session starts (attendance can be recorded) and after
        # the last one (the course can be completed): a cached copy is not served from then on.
        private_cache.valid_until(
            self.request,
            min((m for m in (*(s.start for s in sessions), last_end) if m and m > now), default=None),
        )
        waiting = course.registrations.select_related("volunteer__user")
        registrations = list(documents.participant_registrations(course))
        waitlist = list(waiting.filter(status=R.WAITLISTED).order_by("waitlist_position", "created_at"))
        offered = list(waiting.filter(status=R.OFFERED).order_by("offer_expires_at", "created_at"))
        # The rows cost more to render than to load: from the fragment cache, keyed by what they show.
        rows_html = cached_fragment(
            "volunteers/trainer/_participant_rows.html",
            {"registrations": registrations, "sessions": sessions},
            documents.participant_rows_key(registrations, len(sessions)),
            self.request,
        )
        return super().get_context_data(
            course=course,
            sessions=sessions,
            trainers=list(course.trainers.all()),
            registrations=registrations,
            participant_rows_html=rows_html,
            waitlist=waitlist,
            offered=offered,
            waiting_lists_html=cached_fragment(
                "volunteers/trainer/_waiting_lists.html",
                {"waitlist": waitlist, "offered": offered},
                documents.waiting_lists_key(waitlist, offered),
                self.request,
            ),
            now=now,
            may_complete=course.status == Course.Status.PUBLISHED and not completion_blocker,
            completion_blocker=completion_blocker,
            may_manage=permissions.may_manage_course(self.request.user, course),
            **kwargs,
        )


class ParticipantsExportView(CourseRunnerMixin, View):
    """The participant list: PDF to sign (a column per session), CSV/XLSX with recorded attendance."""

    writers = {
        "pdf": (documents.participants_pdf, documents.PDF_CONTENT_TYPE),
        "csv": (documents.participants_csv, documents.CSV_CONTENT_TYPE),
        "xlsx": (documents.participants_xlsx, documents.XLSX_CONTENT_TYPE),
    }

    def get(self, request, pk: int, fmt: str):
        if fmt not in self.writers:
            raise Http404
        write, content_type = self.writers[fmt]
        sessions = list(self.course.sessions.order_by("start"))
        registrations = documents.participant_registrations(self.course).prefetch_related("attendances")
        content = write(self.course, list(registrations), sessions)
        self.record_access(AuditEvent.Action.EXPORTED_PARTICIPANT_LIST, format=fmt)
        return documents.file_response(
            content, content_type, documents.participants_filename(self.course, fmt)
        )


PRESENT, ABSENT = "1", "0"


class AttendanceForm(forms.Form):
    """One radio group per participant; a row left empty stays as it was."""

    def __init__(self, *args, registrations: list[Registration], **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = {f"registration_{r.pk}": r for r in registrations}
        for name, registration in self.registrations.items():
            recorded = registration.session_attendance[0].present if registration.session_attendance else None
            self.fields[name] = forms.ChoiceField(
                label=str(registration.volunteer),
                choices=[(PRESENT, gettext_lazy("anwesend")), (ABSENT, gettext_lazy("nicht anwesend"))],
                widget=forms.RadioSelect(attrs={"class": "kern-form-check__radio"}),
                required=False,
                initial={True: PRESENT, False: ABSENT, None: None}[recorded],
            )

    def answers(self) -> list[tuple[Registration, bool]]:
        return [
            (self.registrations[name], value == PRESENT)
            for name, value in self.cleaned_data.items()
            if value in (PRESENT, ABSENT)
        ]


class AttendanceView(CourseRunnerMixin, View):
    template_name = "volunteers/trainer/attendance.html"

    def _session(self) -> CourseSession:
        # Scoped to the course in the URL: a session of another course is not found.
        return get_object_or_404(self.course.sessions.all(), pk=self.kwargs["session_pk"])

    def _form(self, session: CourseSession, data=None) -> AttendanceForm:
        registrations = documents.participant_registrations(self.course).prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.filter(session=session),
                to_attr="session_attendance",
            )
        )
        return AttendanceForm(data, registrations=list(registrations))

    def _render(self, session: CourseSession, form: AttendanceForm):
        # Read-only (with the reason) when the service would refuse: a future session, a completed course.
        blocker = services.attendance_blocker(session)
        recorded = [
            (
                str(registration.volunteer),
                registration.session_attendance[0].present if registration.session_attendance else None,
            )
            for registration in form.registrations.values()
        ]
        return render(
            self.request,
            self.template_name,
            {
                "course": self.course,
                "session": session,
                "form": form,
                "read_only_reason": blocker,
                "recorded": recorded,
                "now": timezone.now(),
            },
        )

    def get(self, request, pk: int, session_pk: int):
        session = self._session()
        self.record_access(AuditEvent.Action.VIEWED_ATTENDANCE, session=session.pk)
        return self._render(session, self._form(session))

    def post(self, request, pk: int, session_pk: int):
        session = self._session()
        form = self._form(session, request.POST)
        if not form.is_valid():
            return self._render(session, form)
        answers = form.answers()
        if not answers:
            messages.warning(request, _("Es wurde keine Anwesenheit ausgewählt; nichts wurde gespeichert."))
            return redirect("volunteers:attendance", pk=self.course.pk, session_pk=session.pk)
        try:
            services.record_attendances(by=request.user, session=session, answers=answers)
        except RegistrationError as error:
            messages.error(request, " ".join(error.messages))
            return self._render(session, form)
        messages.success(
            request,
            ngettext(
                "Anwesenheit für %(count)d Person gespeichert.",
                "Anwesenheit für %(count)d Personen gespeichert.",
                len(answers),
            )
            % {"count": len(answers)},
        )
        return redirect("volunteers:participants", pk=self.course.pk)


class CompleteCourseView(CourseRunnerMixin, View):
    """GET: the confirmation page naming what completing does; POST completes the course."""

    http_method_names = ["get", "head", "post"]

    def get(self, request, pk: int):
        course = self.course
        waiting = course.registrations.filter(status=R.WAITLISTED).count()
        return render(
            request,
            "confirm.html",
            {
                "title": _("Kurs abschließen"),
                "subject": course.title,
                "consequences": [
                    _(
                        "Wer mindestens %(percent)s %% der Termine anwesend war, gilt als „teilgenommen“ und "
                        "erhält die Teilnahmebescheinigung (und die Qualifikation des Kurses)."
                    )
                    % {"percent": course.min_attendance_percent},
                    _("Alle anderen angemeldeten Personen gelten als „nicht erschienen“."),
                    _("Die Anwesenheit kann danach nicht mehr geändert werden."),
                    ngettext(
                        "Die Warteliste wird geschlossen (%(count)d Person wird per E-Mail informiert).",
                        "Die Warteliste wird geschlossen (%(count)d Personen werden per E-Mail informiert).",
                        waiting,
                    )
                    % {"count": waiting},
                ],
                "form": None,
                "blocked_reason": services.completion_blocker(course),
                "submit_label": _("Kurs jetzt abschließen"),
                "back_url": reverse("volunteers:participants", kwargs={"pk": course.pk}),
                "back_label": _("Nicht abschließen, zurück zur Teilnehmendenliste"),
            },
        )

    def post(self, request, pk: int):
        try:
            result = services.complete_course(by=request.user, course=self.course)
        except RegistrationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            attended = ngettext(
                "%(count)d Person hat teilgenommen (Bescheinigung)",
                "%(count)d Personen haben teilgenommen (Bescheinigung)",
                result["attended"],
            ) % {"count": result["attended"]}
            no_show = ngettext(
                "%(count)d Person hat die Mindestanwesenheit nicht erreicht",
                "%(count)d Personen haben die Mindestanwesenheit nicht erreicht",
                result["no_show"],
            ) % {"count": result["no_show"]}
            messages.success(
                request,
                _("Der Kurs ist abgeschlossen: %(attended)s, %(no_show)s.")
                % {"attended": attended, "no_show": no_show},
            )
        return redirect("volunteers:participants", pk=self.course.pk)
