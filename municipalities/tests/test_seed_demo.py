from io import StringIO

from django.core.management import call_command

from accounts.models import User
from municipalities.models import (
    Municipality,
)


def test_seed_demo_keeps_edits_made_after_seeding(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    Municipality.objects.filter(slug="unna").update(population=59123, population_year=2024)
    user = User.objects.get(email="ki@example.org")
    user.set_password("mein-eigenes-Passwort")
    user.save()
    call_command("seed_demo", stdout=StringIO())
    assert Municipality.objects.get(slug="unna").population == 59123
    assert User.objects.get(email="ki@example.org").check_password("mein-eigenes-Passwort")


def test_seed_demo_refuses_demo_users_when_debug_is_off(db, settings):
    settings.DEBUG = False
    err = StringIO()
    call_command("seed_demo", stdout=StringIO(), stderr=err)
    assert Municipality.objects.count() == 10
    assert not User.objects.exists()
    assert "--force-demo-users" in err.getvalue()
    call_command("seed_demo", "--force-demo-users", stdout=StringIO())
    assert User.objects.filter(email__in=["ki@example.org", "ehrenamt@example.org"]).count() == 2
