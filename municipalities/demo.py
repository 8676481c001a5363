"""Demo data of the Kreis Unna: district, municipalities, reference data, demo users.

Called by ``manage.py seed_demo``; every step is idempotent (get_or_create by a
natural key, passwords only set on accounts it creates).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.models import User

from .models import District, DistrictRole, Membership, Municipality
from .services import ensure_default_reference_data, grant_district_role, grant_membership

DEMO_PASSWORD = "demo-pass-2026"

KREIS_UNNA = {
    "slug": "kreis-unna",
    "name": "Kreis Unna",
    "ags_prefix": "05978",
    "ki_name": "Kommunales Integrationszentrum Kreis Unna",
    "ki_email": "integration@kreis-unna.example",
    "ki_phone": "02303 27-0",
    "ki_address": (
        "Kreis Unna – Der Landrat\nKommunales Integrationszentrum\nFriedrich-Ebert-Straße 17\n59425 Unna"
    ),
    "ki_website": "",
    "short_name": "Kreis Unna",
    "name_genitive": "des Kreises Unna",
    "name_locative": "im Kreis Unna",
    # The blue of the demo: 7.1:1 against white (WCAG AA needs 4.5:1).
    "primary_colour": "#004B87",
}

# Rounded population figures for the demo; real deployments replace them with IT.NRW's.
POPULATION_YEAR = 2023
POPULATION_SOURCE = "IT.NRW (gerundete Demodaten)"
MUNICIPALITIES = [
    ("bergkamen", "Bergkamen", "05978004", 49000),
    ("boenen", "Bönen", "05978008", 18000),
    ("froendenberg-ruhr", "Fröndenberg/Ruhr", "05978012", 20000),
    ("holzwickede", "Holzwickede", "05978016", 17000),
    ("kamen", "Kamen", "05978020", 44000),
    ("luenen", "Lünen", "05978024", 86000),
    ("schwerte", "Schwerte", "05978028", 47000),
    ("selm", "Selm", "05978032", 26000),
    ("unna", "Unna", "05978036", 58000),
    ("werne", "Werne", "05978040", 30000),
]

DEMO_USERS = [
    # email, full name, district roles, contact of
    ("ki@example.org", "Miriam Schäfer", [DistrictRole.Role.KI_STAFF], []),
    ("kontakt-unna@example.org", "Şengül Yıldız", [], ["unna"]),
    ("kontakt-luenen@example.org", "Thomas Großmann", [], ["luenen"]),
    ("trainer@example.org", "Nguyễn Thị Lan", [DistrictRole.Role.TRAINER], []),
    ("ehrenamt@example.org", "Ahmad Al-Hassan", [DistrictRole.Role.VOLUNTEER], []),
]
# Printed by seed_demo; other apps' demo modules add their own DEMO_LOGINS.
DEMO_LOGINS = [(email, full_name) for email, full_name, *_rest in DEMO_USERS]

KI_STAFF_GROUP = "KI-Mitarbeitende"
KI_STAFF_PERMISSIONS = [
    ("municipalities", "view_district"),
    ("municipalities", "change_district"),
    ("municipalities", "view_municipality"),
    ("municipalities", "add_municipality"),
    ("municipalities", "change_municipality"),
    ("municipalities", "view_fieldofaction"),
    ("municipalities", "add_fieldofaction"),
    ("municipalities", "change_fieldofaction"),
    ("municipalities", "view_targetgroup"),
    ("municipalities", "add_targetgroup"),
    ("municipalities", "change_targetgroup"),
    ("municipalities", "view_membership"),
    ("municipalities", "delete_membership"),
    ("municipalities", "view_districtrole"),
    ("municipalities", "view_invitation"),
    ("municipalities", "view_fundingprogramme"),
    ("municipalities", "add_fundingprogramme"),
    ("municipalities", "change_fundingprogramme"),
    ("municipalities", "view_buildingblock"),
    ("municipalities", "add_buildingblock"),
    ("municipalities", "change_buildingblock"),
    ("municipalities", "view_language"),
    ("volunteers", "view_qualification"),
    ("volunteers", "add_qualification"),
    ("volunteers", "change_qualification"),
]


def ki_staff_group() -> Group:
    """The admin permissions KI staff need; the rows they see are scoped in admin.py."""
    group, _created = Group.objects.get_or_create(name=KI_STAFF_GROUP)
    for app_label, codename in KI_STAFF_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            group.permissions.add(permission)
    return group


def seed_district(stdout=None) -> District:
    data = dict(KREIS_UNNA)
    district, _created = District.objects.get_or_create(slug=data.pop("slug"), defaults=data)
    for slug, name, ags, population in MUNICIPALITIES:
        Municipality.objects.get_or_create(
            ags=ags,
            defaults={
                "district": district,
                "slug": slug,
                "name": name,
                "population": population,
                "population_year": POPULATION_YEAR,
                "population_source": POPULATION_SOURCE,
            },
        )
    ensure_default_reference_data(district=district)
    if stdout:
        stdout.write(f"  {district.name}: {district.municipalities.count()} Kommunen")
    return district


def seed_demo_users(district: District, stdout=None) -> list[User]:
    group = ki_staff_group()
    users = []
    for email, full_name, district_roles, contact_of in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        for role in district_roles:
            grant_district_role(user=user, district=district, role=role)
            if role == DistrictRole.Role.KI_STAFF:
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(group)
        for slug in contact_of:
            grant_membership(
                user=user,
                municipality=Municipality.objects.get(slug=slug),
                role=Membership.Role.CONTACT,
            )
        users.append(user)
    if stdout:
        stdout.write(f"  {len(users)} Demo-Konten (Passwort: {DEMO_PASSWORD})")
    return users


def seed(*, with_users: bool, stdout=None) -> None:
    district = seed_district(stdout)
    if with_users:
        seed_demo_users(district, stdout)
