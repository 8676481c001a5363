"""Documents of engagement as tagged PDF (kreisintegration.pdf): the forwarding contract and the
year's factual reports for the Bezirksregierung."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kreisintegration.pdf import html_to_pdf
from municipalities import identity
from municipalities.models import District, FundingProgramme

from . import selectors
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


def reports_pdf(*, district: District, programme: FundingProgramme, year: int) -> bytes:
    """Every factual report (Sachbericht) of the year's grants, for the Bezirksregierung."""
    proofs = list(selectors.reports_of_year(district=district, programme=programme, year=year))
    return html_to_pdf(
        render_to_string(
            "engagement/pdf/reports.html",
            {
                "district": district,
                "programme": programme,
                "year": year,
                "reports": [
                    {
                        "proof": proof,
                        "application": proof.application,
                        "statement": selectors.proof_statement(proof.application, proof),
                        "events": list(proof.events.select_related("municipality").order_by("start", "pk")),
                    }
                    for proof in proofs
                ],
                "document_title": _("Sachberichte %(year)s: %(programme)s")
                % {"year": year, "programme": programme.name},
                "logo": identity.logo_data_uri(district),
            },
        )
    )
