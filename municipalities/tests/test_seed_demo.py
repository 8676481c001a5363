from io import StringIO

from django.core.management import call_command

from accounts.models import User
from municipalities.models import (
    District,
    DistrictRole,
    FieldOfAction,
    Membership,
    Municipality,
    TargetGroup,
)


def snapshot():
    return {
        "districts": list(District.objects.values()),
        "municipalities": list(Municipality.objects.order_by("ags").values()),
        "fields": list(FieldOfAction.objects.order_by("slug").values()),
        "groups": list(TargetGroup.objects.order_by("slug").values()),
        "users": list(User.objects.order_by("email").values("email", "full_name", "password", "is_staff")),
        "roles": list(DistrictRole.objects.order_by("pk").values("user__email", "role")),
        "memberships": list(Membership.objects.order_by("pk").values("user__email", "municipality__slug")),
    }


def test_seed_demo_creates_kreis_unna_and_is_idempotent(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first

    assert Municipality.objects.count() == 10
    assert Municipality.objects.get(ags="05978024").name == "Lünen"
    assert Municipality.objects.get(slug="unna").population == 58000
    assert FieldOfAction.objects.filter(name="Sprache & Bildung").exists()
    assert FieldOfAction.objects.count() == 12
    assert TargetGroup.objects.count() == 9
    emails = {user["email"] for user in first["users"]}
    assert emails >= {
        "ki@example.org",
        "kontakt-unna@example.org",
        "kontakt-luenen@example.org",
        "trainer@example.org",
        "ehrenamt@example.org",
    }
    assert User.objects.get(email="ki@example.org").check_password("demo-pass-2026")
    assert Membership.objects.get(user__email="kontakt-luenen@example.org").municipality.slug == "luenen"
    assert "ki@example.org" in out.getvalue()


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


def test_seed_demo_prints_every_demo_login_it_creates(db, settings):
    """Whoever can log in with the demo password is in the printed list, the initiative too."""
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue().split("Demo-Anmeldungen", 1)[1]
    demo_logins = [user.email for user in User.objects.all() if user.check_password("demo-pass-2026")]
    assert "initiative@example.org" in demo_logins
    assert [email for email in demo_logins if email not in printed] == []
