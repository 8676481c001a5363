import factory
from django.utils.text import slugify

from accounts.models import User
from municipalities.models import District, DistrictRole, Membership, Municipality


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Iterator(
        ["Şengül Yıldız", "Nguyễn Thị Lan", "Ahmad Al-Hassan", "Ольга Петрова", "مريم حداد", "Jürgen Böhm"]
    )
    password = factory.django.Password("richtig-geheim-2026")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = "Kreis Unna"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    ags_prefix = "05978"
    ki_name = factory.LazyAttribute(lambda o: f"Kommunales Integrationszentrum {o.name}")
    ki_email = "integration@kreis-unna.example"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["ags"]

    district = factory.SubFactory(DistrictFactory)
    name = "Unna"
    slug = factory.LazyAttribute(lambda o: slugify(o.name.replace("ü", "ue")))
    ags = "05978036"
    population = 58000
    population_year = 2023
    population_source = "IT.NRW"


def make_contact(municipality: Municipality, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, municipality=municipality, role=Membership.Role.CONTACT)
    return user


def make_district_role(district: District, role: str, **kwargs) -> User:
    user = UserFactory(**kwargs)
    DistrictRole.objects.create(user=user, district=district, role=role)
    return user


# A district logo the sanitiser keeps (gradient, style, text, an internal reference).
GOOD_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 40 20">'
    b"<defs><linearGradient id='g'><stop offset='0' stop-color='#004b87'/></linearGradient></defs>"
    b"<style>.a { fill: #004b87; }</style>"
    b'<rect class="a" width="40" height="20" fill="url(#g)"/><use xlink:href="#g"/>'
    b"<text x='2' y='14'>Kreis Unna</text></svg>"
)
