"""Documents of engagement: the forwarding contract as tagged PDF (kreisintegration.pdf)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kreisintegration.pdf import html_to_pdf
from municipalities import identity

from .models import ForwardingContract


def contract_pdf(contract: ForwardingContract) -> bytes:
    application = contract.application
    district = application.organisation.district
    return html_to_pdf(
        render_to_string(
            "engagement/pdf/contract.html",
            {
                "contract": contract,
                "application": application,
                "organisation": application.organisation,
                "district": district,
                "cost_items": list(application.cost_items.select_related("cost_type")),
                "document_title": _("Weiterleitungsvertrag: %(title)s") % {"title": application.title},
                "logo": identity.logo_data_uri(district),
            },
        )
    )
