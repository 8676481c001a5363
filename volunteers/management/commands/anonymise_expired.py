from django.core.management.base import BaseCommand

from volunteers import retention


class Command(BaseCommand):
    help = (
        "Anonymise course participants whose retention period has ended, and warn or anonymise "
        "inactive volunteers (what the daily beat task does). --dry-run only lists it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be done, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention.apply_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines():
            self.stdout.write(line)
