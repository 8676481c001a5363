"""Scale data for ``manage.py seed_demo --scale N``: N districts of NRW in one database.

District 1 is the Kreis Unna of the normal demo; districts 2…N are further NRW
districts with ten generated municipalities each, the default reference data,
one KI staff account (no usable password: the bench logs in server-side) and
about 125 measures. Deterministic (seeded random) and idempotent: a district
that already has its measures is left alone.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from accounts.models import User

from .bulkload import copy_insert
from .models import District, DistrictRole, FieldOfAction, Measure, Membership, Municipality, TargetGroup
from .services import ensure_default_reference_data

# Real NRW districts and district-free cities with their official key prefix; the Kreis Unna first.
NRW_DISTRICTS = [
    ("05978", "Kreis Unna", False),
    ("05913", "Dortmund", True),
    ("05962", "Märkischer Kreis", False),
    ("05315", "Köln", True),
    ("05111", "Düsseldorf", True),
    ("05113", "Essen", True),
    ("05954", "Ennepe-Ruhr-Kreis", False),
    ("05974", "Kreis Soest", False),
    ("05915", "Hamm", True),
    ("05914", "Hagen", True),
    ("05911", "Bochum", True),
    ("05916", "Herne", True),
    ("05562", "Kreis Recklinghausen", False),
    ("05515", "Münster", True),
    ("05554", "Kreis Borken", False),
    ("05558", "Kreis Coesfeld", False),
    ("05566", "Kreis Steinfurt", False),
    ("05570", "Kreis Warendorf", False),
    ("05711", "Bielefeld", True),
    ("05754", "Kreis Gütersloh", False),
    ("05758", "Kreis Herford", False),
    ("05762", "Kreis Höxter", False),
    ("05766", "Kreis Lippe", False),
    ("05770", "Kreis Minden-Lübbecke", False),
    ("05774", "Kreis Paderborn", False),
    ("05958", "Hochsauerlandkreis", False),
    ("05966", "Kreis Olpe", False),
    ("05970", "Kreis Siegen-Wittgenstein", False),
    ("05112", "Duisburg", True),
    ("05114", "Krefeld", True),
    ("05116", "Mönchengladbach", True),
    ("05117", "Mülheim an der Ruhr", True),
    ("05119", "Oberhausen", True),
    ("05120", "Remscheid", True),
    ("05122", "Solingen", True),
    ("05124", "Wuppertal", True),
    ("05154", "Kreis Kleve", False),
    ("05158", "Kreis Mettmann", False),
    ("05162", "Rhein-Kreis Neuss", False),
    ("05166", "Kreis Viersen", False),
    ("05170", "Kreis Wesel", False),
    ("05314", "Bonn", True),
    ("05316", "Leverkusen", True),
    ("05334", "Städteregion Aachen", False),
    ("05358", "Kreis Düren", False),
    ("05362", "Rhein-Erft-Kreis", False),
    ("05366", "Kreis Euskirchen", False),
    ("05370", "Kreis Heinsberg", False),
    ("05374", "Oberbergischer Kreis", False),
    ("05378", "Rheinisch-Bergischer Kreis", False),
    ("05382", "Rhein-Sieg-Kreis", False),
    ("05512", "Bottrop", True),
    ("05513", "Gelsenkirchen", True),
]
# Beyond NRW (``make bench BENCH_SCALE=400``: Germany has about 400 districts): generated districts
# of the other Länder with their Land's key, named from the town stems below.
OTHER_LAENDER = ["01", "02", "03", "04", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16"]
MAX_SCALE = 400
MUNICIPALITIES_PER_DISTRICT = 10
MEASURES_PER_MUNICIPALITY = 12
# Generated measures say so in their description; it also keeps a second run from adding more.
MEASURE_MARK = ": ein fortlaufendes Angebot in "

TOWN_STEMS = ["Alten", "Berg", "Bruch", "Eichen", "Hol", "Lin", "Mühl", "Neu", "Ober", "Rosen", "Sonnen",
              "Stein", "Wald", "Wester", "Oster", "Hoh", "Kirch", "Lang", "Mar", "Schön"]  # fmt: skip
TOWN_SUFFIXES = ["dorf", "hausen", "bach", "heim", "feld", "kirchen", "berg", "stadt", "rode", "beck",
                 "hagen", "ingen", "lohe", "büren"]  # fmt: skip
CITY_QUARTERS = ["Mitte", "Nord", "Süd", "Ost", "West", "Innenstadt", "Altstadt", "Hafen", "Hörde",
                 "Eving", "Hombruch", "Huckarde", "Lindenhorst", "Brackel", "Aplerbeck"]  # fmt: skip

MEASURE_TITLES = [
    "Sprachpatenschaften", "Integrationslotsinnen und -lotsen", "Mädchensportgruppe", "Frauencafé",
    "Hausaufgabenhilfe", "Nachbarschaftsgarten", "Begegnungscafé", "Jobpatenschaften",
    "Elternbegleitung Kita", "Fahrradwerkstatt", "Interkultureller Chor", "Digitale Sprechstunde",
    "Wohnungslotsen", "Seniorentreff international", "Antirassismus-Workshops", "Kulturdolmetschen",
]  # fmt: skip
PROVIDERS = ["Caritas", "Diakonie", "AWO", "DRK", "Freiwilligenagentur", "Stadtsportbund", "VHS",
             "Jugendmigrationsdienst", "Flüchtlingshilfe e. V.", "Bürgerstiftung"]  # fmt: skip
FIRST_NAMES = ["Miriam", "Jonas", "Ayşe", "Mehmet", "Olena", "Karim", "Sophie", "Lukas", "Fatima",
               "Nguyễn", "Hannah", "Tobias", "Zeynep", "Dmytro", "Leonie", "Jürgen", "Amira", "Paweł"]  # fmt: skip
LAST_NAMES = ["Schäfer", "Yılmaz", "Kowalski", "Müller", "Al-Hassan", "Schmidt", "Petrenko", "Öztürk",
              "Wagner", "Nowak", "Becker", "Haddad", "Großmann", "Demir", "Fischer", "Rahimi"]  # fmt: skip


def district_slug(ags_prefix: str, name: str) -> str:
    from django.utils.text import slugify

    umlauts = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
    return slugify("".join(umlauts.get(ch, ch) for ch in name))


def scale_staff_email(district: District) -> str:
    """The KI staff account the scale data creates for a district (used by ``make bench``)."""
    return f"ki-{district.slug}@bench.example.org"


def ensure_scale_contact(municipality: Municipality) -> User:
    """A municipal contact of this municipality (no usable password: the bench logs in server-side)."""
    user = User.objects.filter(email=f"kontakt-{municipality.slug}@bench.example.org").first()
    if user is None:
        user = User.objects.create_user(
            email=f"kontakt-{municipality.slug}@bench.example.org",
            password=None,
            full_name=f"Kontakt {municipality.name}",
        )
    Membership.objects.get_or_create(user=user, municipality=municipality, role=Membership.Role.CONTACT)
    return user


def scale_district_rows(scale: int) -> list[tuple[str, str, bool]]:
    """(key prefix, name, is a district-free city) of the districts 1…scale: the NRW districts,
    then generated ones of the other Länder (every fifth a city)."""
    rows = NRW_DISTRICTS[:scale]
    for index in range(max(0, scale - len(NRW_DISTRICTS))):
        land = OTHER_LAENDER[index % len(OTHER_LAENDER)]
        number = index // len(OTHER_LAENDER)  # 0…23 per Land at N=400
        stem = (
            TOWN_STEMS[index % len(TOWN_STEMS)]
            + TOWN_SUFFIXES[(index // len(TOWN_STEMS)) % len(TOWN_SUFFIXES)]
        )
        if index >= len(TOWN_STEMS) * len(TOWN_SUFFIXES):  # all 280 stems used: "Bad …" (unique names)
            stem = f"Bad {stem}"
        is_city = index % 5 == 4
        prefix = f"{land}{1 + number // 90}{10 + number % 90:02d}"
        rows.append((prefix, stem if is_city else f"Landkreis {stem}", is_city))
    return rows


def scaled_districts(scale: int) -> list[District]:
    """The districts 1…scale in their fixed order (the Kreis Unna first)."""
    prefixes = [prefix for prefix, _name, _city in scale_district_rows(scale)]
    by_prefix = {d.ags_prefix: d for d in District.objects.filter(ags_prefix__in=prefixes)}
    return [by_prefix[p] for p in prefixes if p in by_prefix]


def _town_names(rng: random.Random, district_name: str, is_city: bool, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        if is_city:
            name = f"{district_name}-{CITY_QUARTERS[len(names) % len(CITY_QUARTERS)]}"
        else:
            name = rng.choice(TOWN_STEMS) + rng.choice(TOWN_SUFFIXES)
        if name not in names:
            names.append(name)
    return names


def _slug(name: str) -> str:
    return district_slug("", name)


def _ensure_district(prefix: str, name: str, is_city: bool) -> District:
    district = District.objects.filter(ags_prefix=prefix).first()
    if district is None:
        slug = district_slug(prefix, name)
        district = District.objects.create(
            slug=slug,
            name=name,
            ags_prefix=prefix,
            ki_name=f"Kommunales Integrationszentrum {name}",
            ki_email=f"integration@{slug}.example",
            ki_phone="0211 000-0",
        )
    if not district.municipalities.exists():
        rng = random.Random(f"municipalities-{prefix}")  # noqa: S311 - deterministic demo data
        rows = []
        for number, town in enumerate(_town_names(rng, name, is_city, MUNICIPALITIES_PER_DISTRICT), start=1):
            rows.append(
                Municipality(
                    district=district,
                    name=town,
                    slug=f"{_slug(town)}-{prefix}",
                    ags=f"{prefix}{number * 4:03d}",
                    population=rng.randrange(12_000, 120_000, 1000),
                    population_year=2023,
                    population_source="IT.NRW (gerundete Demodaten)",
                )
            )
        Municipality.objects.bulk_create(rows)
    ensure_default_reference_data(district=district)
    return district


def _ensure_staff(district: District, rng: random.Random) -> User:
    email = scale_staff_email(district)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            is_staff=True,
        )
    DistrictRole.objects.get_or_create(user=user, district=district, role=DistrictRole.Role.KI_STAFF)
    return user


def _seed_measures(district: District, rng: random.Random, year: int) -> int:
    if Measure.objects.filter(municipality__district=district, description__contains=MEASURE_MARK).exists():
        return 0
    fields = list(FieldOfAction.objects.filter(district=district))
    groups = list(TargetGroup.objects.filter(district=district))
    statuses = [Measure.Status.RUNNING] * 6 + [Measure.Status.PLANNED, Measure.Status.ENDED]
    measures, m2m_fields, m2m_groups = [], [], []
    for municipality in district.municipalities.order_by("ags"):
        for title in rng.sample(MEASURE_TITLES, MEASURES_PER_MUNICIPALITY):
            measures.append(
                Measure(
                    municipality=municipality,
                    title=f"{title} {municipality.name}",
                    description=f"{title}{MEASURE_MARK}{municipality.name}.",
                    provider=f"{rng.choice(PROVIDERS)} {municipality.name}",
                    status=rng.choice(statuses),
                    starts_on=date(year - rng.randrange(0, 3), rng.randrange(1, 13), 1),
                    contact=f"integration@{municipality.slug}.example",
                )
            )
    copy_insert(measures)
    for measure in measures:
        for field in rng.sample(fields, rng.randrange(1, 3)):
            m2m_fields.append(
                Measure.fields_of_action.through(measure_id=measure.pk, fieldofaction_id=field.pk)
            )
        for group in rng.sample(groups, rng.randrange(1, 3)):
            m2m_groups.append(Measure.target_groups.through(measure_id=measure.pk, targetgroup_id=group.pk))
    copy_insert(m2m_fields, model=Measure.fields_of_action.through)
    copy_insert(m2m_groups, model=Measure.target_groups.through)
    return len(measures)


def seed_scale(*, scale: int, year: int, stdout=None) -> None:
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"--scale must be between 1 and {MAX_SCALE}")
    created = 0
    for prefix, name, is_city in scale_district_rows(scale):
        with transaction.atomic():
            district = _ensure_district(prefix, name, is_city)
            rng = random.Random(f"district-{district.ags_prefix}")  # noqa: S311 - deterministic demo data
            _ensure_staff(district, rng)
            created += _seed_measures(district, rng, year)
    if stdout:
        stdout.write(f"  {scale} Kreise, {created} Maßnahmen neu angelegt")
