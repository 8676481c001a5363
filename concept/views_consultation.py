"""Consultation screens: open it, read and comment the draft, declare a position, track, answer, adopt,
and the public page of the adopted concept. Thin: parse a form, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from municipalities import permissions

from . import selectors_consultation as selectors
from . import services as concept_services
from . import services_consultation as services
from .forms_consultation import (
    AdoptForm,
    AnswerForm,
    CommentForm,
    OpenConsultationForm,
    PositionForm,
    apply_service_error,
)
from .models import ConceptVersion
from .pdf import pdf_response, render_concept_pdf
from .workflow import allowed_actions


class StaffVersionMixin(LoginRequiredMixin):
    """KI staff of the version's district; everyone else is told it does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.version = get_object_or_404(
            selectors.versions_administered_by(request.user).select_related("concept__district"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)


class ConsultationOpenView(StaffVersionMixin, View):
    template_name = "concept/consultation/open.html"

    def get(self, request, pk):
        return self.render(OpenConsultationForm())

    def post(self, request, pk):
        form = OpenConsultationForm(request.POST)
        if form.is_valid():
            try:
                services.open_consultation(
                    by=request.user, version=self.version, deadline=form.cleaned_data["deadline"]
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request, _("Die Beteiligung ist eröffnet; die Kommunen wurden per E-Mail informiert.")
                )
                return redirect("concept:consultation_tracking", pk=self.version.pk)
        return self.render(form)

    def render(self, form):
        return render(self.request, self.template_name, {"version": self.version, "form": form})


class ConsultationTrackingView(StaffVersionMixin, View):
    """The KI's table: per municipality read, comments, position and date; all comments with answers."""

    def get(self, request, pk):
        return render(
            request,
            "concept/consultation/tracking.html",
            {
                "version": self.version,
                "rows": selectors.tracking_rows(version=self.version),
                "comments": selectors.all_comments(version=self.version),
                "answer_form": AnswerForm(),
            },
        )


class AnswerCommentView(LoginRequiredMixin, View):
    def post(self, request, pk):
        comment = get_object_or_404(selectors.comments_answerable_by(request.user), pk=pk)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_comment(by=request.user, comment=comment, text=form.cleaned_data["text"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Ihre Antwort ist gespeichert; die Kommune sieht sie bei ihrer Anmerkung.")
                )
        else:
            messages.error(request, _("Bitte schreiben Sie Ihre Antwort."))
        return redirect(
            reverse("concept:consultation_tracking", kwargs={"pk": comment.version_id}) + f"#comment-{pk}"
        )


class AdoptView(StaffVersionMixin, View):
    template_name = "concept/consultation/adopt.html"

    def get(self, request, pk):
        return self.render(AdoptForm())

    def post(self, request, pk):
        form = AdoptForm(request.POST)
        if form.is_valid():
            try:
                services.adopt_version(by=request.user, version=self.version, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Der Beschluss ist erfasst; die Fassung ist veröffentlicht."))
                return redirect("concept:public", district=self.version.concept.district.slug)
        return self.render(form)

    def render(self, form):
        context = {
            "version": self.version,
            "form": form,
            "goals_without_target": concept_services.goals_without_target(self.version),
            "actions": allowed_actions(self.version, self.request.user),
        }
        return render(self.request, self.template_name, context)


# --- the draft and the municipality's part -----------------------------------------


class DraftView(LoginRequiredMixin, View):
    """The draft on screen: KI staff and the contacts of the district's municipalities."""

    def get(self, request, pk):
        version = selectors.get_visible_version(user=request.user, pk=pk)
        return render(
            request,
            "concept/consultation/draft.html",
            {
                "version": version,
                "sections": selectors.concept_content(version),
                "my_municipalities": selectors.contact_municipalities_for(user=request.user, version=version),
                "is_staff": permissions.is_ki_staff(request.user, version.concept.district),
            },
        )


class DraftPdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        version = selectors.get_visible_version(user=request.user, pk=pk)
        content = render_concept_pdf(
            version=version, sections=selectors.concept_content(version), public=False
        )
        return pdf_response(content, f"konzeptentwurf-{version.pk}.pdf", private=True)


class ConsultationMunicipalityView(LoginRequiredMixin, View):
    """One municipality's part: read receipt, comments with the KI's answers, its position.

    KI staff of the district see it read-only; contacts of another municipality get 404.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.version = selectors.get_visible_version(user=request.user, pk=kwargs["pk"])
        self.municipality = selectors.get_consulting_municipality(
            user=request.user, version=self.version, slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, slug):
        return self.render()

    def comment_form(self, data=None) -> CommentForm:
        fields, goals = selectors.commentable_subjects(self.version)
        return CommentForm(data, fields_of_action=fields, goals=goals)

    def render(self, *, comment_form=None, position_form=None, status=200):
        is_contact = self.municipality.pk in permissions.roles_of(self.request.user).contact_municipality_ids
        context = {
            "version": self.version,
            "municipality": self.municipality,
            "is_contact": is_contact,
            "is_open": self.version.status == ConceptVersion.Status.CONSULTATION,
            "has_read": self.version.read_receipts.filter(municipality=self.municipality).exists(),
            "comments": selectors.comments_of_municipality(
                version=self.version, municipality=self.municipality
            ),
            "position": selectors.position_of(version=self.version, municipality=self.municipality),
            "comment_form": comment_form or self.comment_form(),
            "position_form": position_form or PositionForm(),
        }
        return render(self.request, "concept/consultation/municipality.html", context, status=status)

    def back(self):
        return redirect("concept:consultation_municipality", pk=self.version.pk, slug=self.municipality.slug)


class MarkReadView(ConsultationMunicipalityView):
    http_method_names = ["post"]

    def post(self, request, pk, slug):
        try:
            services.mark_draft_read(by=request.user, version=self.version, municipality=self.municipality)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Danke – Ihre Lesebestätigung ist gespeichert."))
        return self.back()


class AddCommentView(ConsultationMunicipalityView):
    http_method_names = ["post"]

    def post(self, request, pk, slug):
        form = self.comment_form(request.POST)
        if form.is_valid():
            field_of_action, goal = form.subject_objects()
            try:
                services.add_comment(
                    by=request.user,
                    version=self.version,
                    municipality=self.municipality,
                    text=form.cleaned_data["text"],
                    field_of_action=field_of_action,
                    goal=goal,
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Ihre Anmerkung ist gespeichert."))
                return self.back()
        return self.render(comment_form=form)


class DeclarePositionView(ConsultationMunicipalityView):
    http_method_names = ["post"]

    def post(self, request, pk, slug):
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.declare_position(
                    by=request.user, version=self.version, municipality=self.municipality, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Die Stellungnahme Ihrer Kommune ist gespeichert."))
                return self.back()
        return self.render(position_form=form)


# --- public -------------------------------------------------------------------------


def _public_context(district: str) -> dict:
    version = selectors.adopted_version_of(district)
    return {
        "version": version,
        "district": version.concept.district,
        "sections": selectors.concept_content(version),
        "values": selectors.latest_public_values(version),
    }


class PublicConceptView(View):
    """The adopted concept for everyone: no comments, no positions, no internal notes."""

    def get(self, request, district):
        return render(request, "concept/consultation/public.html", _public_context(district))


class PublicConceptPdfView(View):
    def get(self, request, district):
        context = _public_context(district)
        content = render_concept_pdf(
            version=context["version"], sections=context["sections"], values=context["values"], public=True
        )
        return pdf_response(content, f"integrationskonzept-{district}.pdf", private=False)
