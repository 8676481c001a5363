"""Withdrawing an invitation and removing a contact person from a municipality."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions, services
from ..models import Invitation, Membership


class InvitationRevokeView(permissions.MunicipalityPermissionMixin, View):
    """GET: the confirmation page naming the consequence; POST withdraws the invitation."""

    municipality_permission = "administer"
    http_method_names = ["get", "head", "post"]

    def get(self, request, slug, pk):
        invitation = get_object_or_404(Invitation, pk=pk, municipality=self.municipality)
        blocked = ""
        if invitation.state != "open":
            blocked = _("Diese Einladung ist nicht mehr offen (Status: %(state)s).") % {
                "state": invitation.get_state_display()
            }
        return render(
            request,
            "confirm.html",
            {
                "title": _("Einladung zurückziehen"),
                "subject": _("Einladung an %(email)s als Ansprechperson für %(municipality)s")
                % {"email": invitation.email, "municipality": self.municipality.name},
                "consequences": [
                    _("Der Link in der E-Mail funktioniert danach nicht mehr."),
                    _("Soll die Person doch Ansprechperson werden, senden Sie eine neue Einladung."),
                ],
                "form": None,
                "blocked_reason": blocked,
                "submit_label": _("Einladung zurückziehen"),
                "back_url": reverse("municipalities:contacts", kwargs={"slug": self.municipality.slug}),
                "back_label": _("Nicht zurückziehen, zurück zu den Ansprechpersonen"),
            },
        )

    def post(self, request, slug, pk):
        invitation = get_object_or_404(Invitation, pk=pk, municipality=self.municipality)
        services.revoke_invitation(by=request.user, invitation=invitation)
        messages.success(
            request, _("Die Einladung an %(email)s wurde zurückgezogen.") % {"email": invitation.email}
        )
        return redirect("municipalities:contacts", slug=slug)


class MembershipRemoveView(permissions.MunicipalityPermissionMixin, View):
    """GET: the confirmation page naming the consequence; POST ends the membership."""

    municipality_permission = "administer"
    http_method_names = ["get", "head", "post"]

    def _membership(self, pk):
        return get_object_or_404(
            Membership.objects.select_related("user", "municipality__district"),
            pk=pk,
            municipality=self.municipality,
        )

    def get(self, request, slug, pk):
        membership = self._membership(pk)
        return render(
            request,
            "confirm.html",
            {
                "title": _("Ansprechperson entfernen"),
                "subject": _("%(name)s (%(email)s) als Ansprechperson für %(municipality)s")
                % {
                    "name": membership.user.full_name,
                    "email": membership.user.email,
                    "municipality": self.municipality.name,
                },
                "consequences": [
                    _(
                        "Die Person kann danach keine Veranstaltungen und Maßnahmen von %(municipality)s "
                        "mehr anlegen, ändern oder einsehen."
                    )
                    % {"municipality": self.municipality.name},
                    _("Was sie schon eingereicht hat, bleibt bei der Kommune erhalten."),
                    _("Ihr Benutzerkonto bleibt bestehen; Sie können sie später wieder einladen."),
                ],
                "form": None,
                "blocked_reason": "",
                "submit_label": _("Ansprechperson entfernen"),
                "back_url": reverse("municipalities:contacts", kwargs={"slug": self.municipality.slug}),
                "back_label": _("Nicht entfernen, zurück zu den Ansprechpersonen"),
            },
        )

    def post(self, request, slug, pk):
        membership = self._membership(pk)
        services.remove_membership(by=request.user, membership=membership)
        messages.success(
            request,
            _("%(name)s ist nicht mehr Ansprechperson für %(municipality)s.")
            % {"name": membership.user.full_name, "municipality": self.municipality.name},
        )
        return redirect("municipalities:contacts", slug=slug)
