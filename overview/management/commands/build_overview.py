"""Build a concept report snapshot synchronously (no worker needed) and print where its files are."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from municipalities.models import District
from overview import services
from overview.models import ConceptReport


def stored_path(name: str) -> str:
    """The local path where the storage has one, else the storage name (e.g. on S3)."""
    try:
        return default_storage.path(name)
    except NotImplementedError:
        return name


class Command(BaseCommand):
    help = "Erstellt einen Konzeptbericht (PDF und XLSX) für ein Jahr und gibt die Dateipfade aus."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Berichtsjahr, z. B. 2026")
        parser.add_argument(
            "--district",
            default="",
            help="Kurzname des Kreises (Standard: PORTAL_DISTRICT_SLUG oder der einzige Kreis)",
        )

    def handle(self, *args, year: int, district: str, **options):
        chosen = self.choose_district(district)
        try:
            report = services.create_report(by=None, district=chosen, year=year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(f"Erstelle {report.title} (Nr. {report.pk}) …")
        report = services.build_report(report_id=report.pk)
        if report is None or report.state != ConceptReport.State.DONE:
            message = report.error if report else "Bericht verschwunden"
            raise CommandError(f"Bericht Nr. {report.pk if report else '?'} fehlgeschlagen: {message}")
        self.stdout.write(f"PDF: {stored_path(report.pdf.name)}")
        self.stdout.write(f"XLSX: {stored_path(report.xlsx.name)}")

    def choose_district(self, slug: str) -> District:
        slug = slug or settings.PORTAL_DISTRICT_SLUG
        if slug:
            found = District.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"Kein Kreis mit dem Kurznamen „{slug}“.")
            return found
        districts = list(District.objects.order_by("slug")[:2])
        if len(districts) == 1:
            return districts[0]
        if not districts:
            raise CommandError("Es ist noch kein Kreis angelegt.")
        slugs = ", ".join(District.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Mehrere Kreise vorhanden; bitte --district angeben ({slugs}).")
