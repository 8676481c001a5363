"""``manage.py seed_demo``: idempotent demo data for every app.

Each installed app may provide a ``demo`` module with
``seed(*, with_users: bool, stdout)``; they run in INSTALLED_APPS order, so an
app's data can build on the apps it depends on. Running the command twice
changes nothing.

``--scale N`` adds bulk data for N districts of NRW (N=1: the Kreis Unna, N=40:
roughly all of NRW) from each app's ``scale`` module
(``seed_scale(*, scale: int, year: int, stdout)``), used by ``make bench``.
"""

import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from municipalities.demo import DEMO_PASSWORD
from outbox.services import mail_suppressed


class Command(BaseCommand):
    help = "Legt Demodaten an (Kreis Unna, Kommunen, Referenzdaten, Demo-Konten)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force-demo-users",
            action="store_true",
            help="Demo-Konten auch bei DEBUG=0 anlegen (nur für Testsysteme!).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Zusätzlich Massendaten für N Kreise erzeugen (1 = Kreis Unna, 40 ≈ NRW; für make bench).",
        )

    def handle(self, *args, **options):
        with_users = settings.DEBUG or options["force_demo_users"]
        with transaction.atomic(), mail_suppressed():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                own_app = str(config.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(
                    config.path
                )
                if not own_app or find_spec(module_name) is None:
                    continue
                self.stdout.write(f"{config.verbose_name}:")
                import_module(module_name).seed(with_users=with_users, stdout=self.stdout)
        if options["scale"]:
            self._seed_scale(options["scale"])
        if with_users:
            self.stdout.write(self.style.SUCCESS(f"Demo-Anmeldungen (Passwort: {DEMO_PASSWORD}):"))
            for _config, module in self._own_modules("demo"):
                for email, full_name in getattr(module, "DEMO_LOGINS", ()):
                    self.stdout.write(f"  {email:<30} {full_name}")
        else:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG ist aus: Demo-Konten wurden NICHT angelegt. "
                    "Für ein Testsystem: seed_demo --force-demo-users"
                )
            )

    def _own_modules(self, suffix: str):
        for config in apps.get_app_configs():
            module_name = f"{config.name}.{suffix}"
            own_app = str(config.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(config.path)
            if own_app and find_spec(module_name) is not None:
                yield config, import_module(module_name)

    def _seed_scale(self, scale: int) -> None:
        """Bulk data; each app commits per district, so a large run does not hold one huge transaction."""
        year = timezone.localdate().year
        started = time.monotonic()
        if connection.vendor == "postgresql":
            # A lost last commit after a crash only means seeding again: no WAL flush per district.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        with mail_suppressed():
            for config, module in self._own_modules("scale"):
                self.stdout.write(f"{config.verbose_name} (Skalierung {scale}):")
                phase = time.monotonic()
                module.seed_scale(scale=scale, year=year, stdout=self.stdout)
                self.stdout.write(f"  ({time.monotonic() - phase:.0f} s)")
        if connection.vendor == "postgresql":
            analyze_own_tables()
        self.stdout.write(self.style.SUCCESS(f"Skalierungsdaten in {time.monotonic() - started:.0f} s"))


def analyze_own_tables() -> None:
    """Fresh planner statistics: right after a bulk load they would otherwise describe empty tables.
    The many-to-many tables too (auto-created models): without statistics the planner read every
    field of action or target group of all districts to find one event's (3-8 ms at BENCH_SCALE=400)."""
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if str(apps.get_app_config(model._meta.app_label).path).startswith(str(settings.BASE_DIR)):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
