"""KI staff: the district overview and the outgoing mail (status and resend)."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from outbox.models import OutboxMail
from outbox.services import retry_outbox_mail

from .. import permissions, selectors


class DistrictOverviewView(permissions.KIStaffRequiredMixin, TemplateView):
    """KI staff: all municipalities of their district(s) at a glance."""

    template_name = "municipalities/district_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["districts"] = permissions.districts_administered_by(user)
        context["municipalities"] = selectors.municipalities_with_key_figures(
            permissions.municipalities_administered_by(user)
        ).order_by("district__name", "name")
        return context


class MailStatusView(permissions.KIStaffRequiredMixin, TemplateView):
    """„E-Mail-Versand“: what the outbox still holds for the staff member's districts."""

    template_name = "municipalities/mail_status.html"
    list_limit = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mails = permissions.outbox_mails_visible_to(self.request.user)
        counts = dict(mails.order_by().values_list("status").annotate(count=Count("pk")))
        context["counts"] = [(status.label, counts.get(status.value, 0)) for status in OutboxMail.Status]
        # No bodies: they may hold one-time links, and the table needs only the envelope.
        columns = [
            "pk",
            "status",
            "created_at",
            "subject",
            "recipients",
            "attempts",
            "last_error",
            "next_attempt_at",
        ]
        context["failed"] = list(
            mails.filter(status=OutboxMail.Status.FAILED)
            .only(*columns)
            .order_by("-created_at")[: self.list_limit]
        )
        context["waiting"] = list(
            mails.filter(status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING])
            .only(*columns)
            .order_by("created_at")[: self.list_limit]
        )
        context["list_limit"] = self.list_limit
        context["retention_days"] = settings.MAIL_OUTBOX_RETENTION_DAYS
        return context


class MailRetryView(permissions.KIStaffRequiredMixin, View):
    """POST: a failed mail of one's own district is queued again and sent."""

    http_method_names = ["post"]

    def post(self, request, pk):
        mail = get_object_or_404(permissions.outbox_mails_visible_to(request.user), pk=pk)
        if mail.status != OutboxMail.Status.FAILED:
            messages.info(request, _("Diese E-Mail ist nicht fehlgeschlagen; sie wird ohnehin gesendet."))
        else:
            retry_outbox_mail(by=request.user, mail=mail)
            messages.success(
                request, _("Die E-Mail „%(subject)s“ wird erneut gesendet.") % {"subject": mail.subject}
            )
        return redirect("municipalities:mail_status")
