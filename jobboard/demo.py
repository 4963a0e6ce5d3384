"""Deterministic, realistic demo data: employers, their people and vacancies.

Everything is drawn from one seeded ``random.Random``, so the same seed gives the same
employers, titles, references and pay. Times are laid out relative to ``now`` so a demo
always has live vacancies. Rows are inserted in batches with ``bulk_create`` so a million
vacancies load in minutes on PostgreSQL without holding them all in memory.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from common.db import on_postgresql
from employers.models import Employer, Membership, Region, Sector
from listings.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    ApplyMethod,
    ContractType,
    DbsLevel,
    DbsPaidBy,
    Driving,
    Nation,
    PayBand,
    PayScale,
    Place,
    Profession,
    Registration,
    SalaryPeriod,
    ShiftPattern,
    Sponsorship,
    Vacancy,
    VacancyOutcome,
    WelshLevel,
    WelshRequirement,
    WorkingPattern,
    Workplace,
    shifts_to_mask,
)
from listings.professions import PROFESSIONS
from listings.search import authority_of
from listings.services import employers_live_counts_refresh

DEMO_PASSWORD = "care-jobs-demo"
DEMO_OWNER_EMAIL = "employer@example.com"
DEMO_STAFF_EMAIL = "admin@example.com"

# Share of vacancies in each state; a quarter live, as on a board that has run for a while.
STATUS_WEIGHTS = [
    (Vacancy.Status.LIVE, 25),
    (Vacancy.Status.EXPIRED, 45),
    (Vacancy.Status.CLOSED, 15),
    (Vacancy.Status.DRAFT, 7),
    (Vacancy.Status.PENDING_REVIEW, 5),
    (Vacancy.Status.REJECTED, 3),
]
CONTRACT_WEIGHTS = [
    (ContractType.PERMANENT, 60),
    (ContractType.FIXED_TERM, 12),
    (ContractType.TEMPORARY, 8),
    (ContractType.LOCUM, 8),
    (ContractType.BANK, 12),
]
PATTERN_WEIGHTS = [
    (WorkingPattern.FULL_TIME, 55),
    (WorkingPattern.PART_TIME, 30),
    (WorkingPattern.FLEXIBLE, 15),
]
WORKPLACE_WEIGHTS = [(Workplace.ON_SITE, 80), (Workplace.HYBRID, 15), (Workplace.REMOTE, 5)]

COUNTY_REGION = {
    "Greater London": Region.LONDON,
    "Kent": Region.SOUTH_EAST,
    "Surrey": Region.SOUTH_EAST,
    "West Sussex": Region.SOUTH_EAST,
    "East Sussex": Region.SOUTH_EAST,
    "Hampshire": Region.SOUTH_EAST,
    "Oxfordshire": Region.SOUTH_EAST,
    "Buckinghamshire": Region.SOUTH_EAST,
    "Berkshire": Region.SOUTH_EAST,
    "Isle of Wight": Region.SOUTH_EAST,
    "Devon": Region.SOUTH_WEST,
    "Cornwall": Region.SOUTH_WEST,
    "Somerset": Region.SOUTH_WEST,
    "Dorset": Region.SOUTH_WEST,
    "Wiltshire": Region.SOUTH_WEST,
    "Gloucestershire": Region.SOUTH_WEST,
    "Bristol": Region.SOUTH_WEST,
    "Essex": Region.EAST,
    "Hertfordshire": Region.EAST,
    "Norfolk": Region.EAST,
    "Suffolk": Region.EAST,
    "Cambridgeshire": Region.EAST,
    "Bedfordshire": Region.EAST,
    "Greater Manchester": Region.NORTH_WEST,
    "Lancashire": Region.NORTH_WEST,
    "Merseyside": Region.NORTH_WEST,
    "Cheshire": Region.NORTH_WEST,
    "Cumbria": Region.NORTH_WEST,
    "West Yorkshire": Region.YORKSHIRE,
    "South Yorkshire": Region.YORKSHIRE,
    "North Yorkshire": Region.YORKSHIRE,
    "East Riding of Yorkshire": Region.YORKSHIRE,
    "City of York": Region.YORKSHIRE,
    "Tyne and Wear": Region.NORTH_EAST,
    "County Durham": Region.NORTH_EAST,
    "Northumberland": Region.NORTH_EAST,
    "West Midlands": Region.WEST_MIDLANDS,
    "Staffordshire": Region.WEST_MIDLANDS,
    "Warwickshire": Region.WEST_MIDLANDS,
    "Worcestershire": Region.WEST_MIDLANDS,
    "Shropshire": Region.WEST_MIDLANDS,
    "Herefordshire": Region.WEST_MIDLANDS,
    "Derbyshire": Region.EAST_MIDLANDS,
    "Nottinghamshire": Region.EAST_MIDLANDS,
    "Leicestershire": Region.EAST_MIDLANDS,
    "Lincolnshire": Region.EAST_MIDLANDS,
    "Northamptonshire": Region.EAST_MIDLANDS,
}
NATION_REGION = {
    "Wales": Region.WALES,
    "Scotland": Region.SCOTLAND,
    "Northern Ireland": Region.NORTHERN_IRELAND,
}

# Counties whose councils were abolished: their boroughs' councils are named after the borough.
COUNTIES_WITHOUT_COUNCIL = {
    "Greater London",
    "Greater Manchester",
    "Merseyside",
    "South Yorkshire",
    "Tyne and Wear",
    "West Midlands",
    "West Yorkshire",
}


def _area_words(town: Place) -> tuple[str, str]:
    """The area a demo employer serves and its council's name, as people say them.

    The gazetteer's county is GeoNames' administrative name ("City and Borough of Leeds"),
    which nobody says; the council area is "Leeds", and a shire district's council is its
    county's ("Kent County Council").
    """
    authority = authority_of(town)
    if authority is None:
        area = town.county or town.name
        return area, f"{area} Council"
    county = authority["county"]
    if county and county not in COUNTIES_WITHOUT_COUNCIL:
        return county, f"{county} County Council"
    return authority["name"], f"{authority['name']} Council"


EMPLOYER_PATTERNS: dict[str, list[str]] = {
    Sector.NHS: [
        "{town} Teaching Hospitals NHS Foundation Trust",
        "{county} Community Health NHS Trust",
        "{county} Partnership NHS Foundation Trust",
        "{town} and District NHS Foundation Trust",
    ],
    Sector.LOCAL_AUTHORITY: [
        "{town} City Council",
        "{council}",
        "{town} Borough Council",
    ],
    Sector.INDEPENDENT: [
        "{adjective} Care Homes",
        "{adjective} Home Care ({town})",
        "{adjective} Supported Living",
        "{town} Nursing Homes",
    ],
    Sector.CHARITY: [
        "{adjective} Trust",
        "{town} Carers' Centre",
        "{adjective} Foundation",
        "{county} Mind",
    ],
    Sector.PRIVATE_HEALTHCARE: ["{adjective} Healthcare", "{town} Private Hospital"],
    Sector.AGENCY: ["{adjective} Care Recruitment", "{adjective} Locum Partners"],
}
SECTOR_WEIGHTS = [
    (Sector.NHS, 20),
    (Sector.LOCAL_AUTHORITY, 15),
    (Sector.INDEPENDENT, 35),
    (Sector.CHARITY, 18),
    (Sector.PRIVATE_HEALTHCARE, 7),
    (Sector.AGENCY, 5),
]
ADJECTIVES = [
    "Brightwater",
    "Oakleaf",
    "Harbour",
    "Meadowbank",
    "Heartwood",
    "Riverside",
    "Kindred",
    "Willowmere",
    "Northgate",
    "Evergreen",
    "Beacon",
    "Hillcrest",
    "Silverbirch",
    "Lighthouse",
    "Cedar",
    "Hawthorn",
    "Compass",
    "Greenacre",
    "Lantern",
    "Elmfield",
]

TITLE_VARIANTS: dict[str, list[str]] = {
    "social-worker": [
        "Social Worker - Adults' Services",
        "Children's Social Worker",
        "Senior Social Worker",
        "Social Worker - Hospital Discharge Team",
        "Newly Qualified Social Worker (ASYE)",
        "Approved Mental Health Professional",
    ],
    "registered-nurse": [
        "Registered Nurse - Acute Medicine",
        "Staff Nurse (Band 5)",
        "Community Nurse",
        "Deputy Sister / Charge Nurse (Band 6)",
        "Registered Mental Health Nurse",
        "Registered Nurse - Nights",
    ],
    "healthcare-assistant": [
        "Healthcare Assistant",
        "Healthcare Support Worker (Band 3)",
        "Clinical Support Worker",
        "Healthcare Assistant - Bank",
    ],
    "care-worker": [
        "Care Worker",
        "Home Care Assistant",
        "Care Assistant - Days",
        "Night Care Assistant",
        "Domiciliary Carer",
    ],
    "support-worker": [
        "Support Worker",
        "Learning Disability Support Worker",
        "Mental Health Support Worker",
        "Supported Living Support Worker",
    ],
    "occupational-therapist": [
        "Occupational Therapist",
        "Senior Occupational Therapist (Band 6)",
        "Community Occupational Therapist",
    ],
    "probation-officer": [
        "Probation Officer",
        "Probation Services Officer",
        "Senior Probation Officer",
    ],
    "mental-health-practitioner": [
        "Mental Health Practitioner",
        "Crisis Team Practitioner",
        "Community Mental Health Practitioner",
    ],
}
# "{a_title}" is the job title with its article ("an Occupational Therapist").
DESCRIPTION_OPENINGS = [
    "We are looking for {a_title} to join our friendly team in {place}.",
    "Join {employer} as {a_title} and make a real difference to people's lives in {place}.",
    "An exciting opportunity has arisen for {a_title} at {employer}, based in {place}.",
]
DESCRIPTION_ROLE = [
    "You will work closely with colleagues across health and social care to deliver safe, "
    "person-centred support.",
    "You will hold a varied caseload and build trusting relationships with the people we support "
    "and their families.",
    "You will be part of a supportive multidisciplinary team with regular supervision and "
    "reflective practice.",
    "Every shift is different: you will help people stay independent, safe and well.",
]
DESCRIPTION_OFFER = [
    "- Generous annual leave\n- Pension scheme\n- Paid training and professional registration fees",
    "- Flexible shifts to fit around family life\n- Paid DBS check\n- Mileage paid for community work",
    "- Clear career progression\n- Employee assistance programme\n- Blue Light Card eligibility",
]
DESCRIPTION_REQUIREMENTS = [
    "You will need the right to work in the UK and an enhanced DBS check (we pay for it).",
    "Registration with the relevant professional body is essential for this post.",
    "A full UK driving licence and access to a car are desirable.",
]


# Agenda for Change 2025/26: the bottom of each band's pay (England), lowest first. A demo
# NHS vacancy gets the band its yearly pay starts in, so band and salary agree.
AFC_BAND_STARTS = [
    (24_465, PayBand.BAND_2),
    (24_937, PayBand.BAND_3),
    (27_485, PayBand.BAND_4),
    (29_970, PayBand.BAND_5),
    (37_338, PayBand.BAND_6),
    (46_148, PayBand.BAND_7),
    (53_755, PayBand.BAND_8A),
    (62_215, PayBand.BAND_8B),
    (74_290, PayBand.BAND_8C),
    (88_168, PayBand.BAND_8D),
    (105_385, PayBand.BAND_9),
]
# Shift patterns each profession's adverts commonly name (a demo vacancy takes some of them).
SHIFTS_BY_PROFESSION: dict[str, list[str]] = {
    "registered-nurse": ["long-days", "nights", "rotating", "weekends"],
    "nursing-associate": ["long-days", "nights", "weekends"],
    "midwife": ["long-days", "nights", "rotating"],
    "healthcare-assistant": ["long-days", "nights", "weekends", "earlies-lates"],
    "care-worker": ["earlies-lates", "weekends", "nights", "waking-nights", "sleep-ins"],
    "senior-care-worker": ["long-days", "nights", "weekends"],
    "support-worker": ["days", "sleep-ins", "waking-nights", "weekends"],
    "residential-childcare-worker": ["rotating", "sleep-ins", "weekends"],
    "paramedic": ["rotating", "nights", "long-days"],
    "social-worker": ["days", "on-call"],
    "mental-health-practitioner": ["days", "on-call"],
    "care-home-manager": ["days", "on-call"],
    "family-support-worker": ["days", "term-time"],
}
NIGHT_WORK = {"registered-nurse", "care-worker", "healthcare-assistant", "senior-care-worker"}
REGISTER_BY_PROFESSION = {
    "registered-nurse": Registration.NMC,
    "nursing-associate": Registration.NMC,
    "midwife": Registration.NMC,
    "occupational-therapist": Registration.HCPC,
    "physiotherapist": Registration.HCPC,
    "paramedic": Registration.HCPC,
}
# Social work and social care registers by nation (care workers register in all but England).
SOCIAL_WORK_REGISTER = {
    Nation.ENGLAND: Registration.SWE,
    Nation.SCOTLAND: Registration.SSSC,
    Nation.WALES: Registration.SCW,
    Nation.NORTHERN_IRELAND: Registration.NISCC,
}
SOCIAL_CARE = {"care-worker", "senior-care-worker", "support-worker", "care-home-manager",
               "residential-childcare-worker"}  # fmt: skip
# Roles that may be sponsored for a Skilled Worker visa (care workers and senior care workers
# may not be recruited from overseas since 22 July 2025).
SPONSORABLE = {"registered-nurse", "midwife", "social-worker", "occupational-therapist",
               "physiotherapist", "paramedic", "nursing-associate"}  # fmt: skip
COMMUNITY_TITLE_WORDS = ("home care", "domiciliary", "community")
# Every fact column, "not stated", so that every row has the same columns (COPY needs it).
FACT_DEFAULTS = dict(  # noqa: C408 - keyword form mirrors the model's field names
    pay_scale="", pay_band="", pay_grade="", shifts=0, overtime_offered=None,
    visa_sponsorship="", dbs_check="", dbs_update_service=None, dbs_paid_by="", driving="",
    mileage_paid=None, registration="", welsh="", welsh_level="", may_close_early=False,
    interview_date=None, outcome="",
)  # fmt: skip


@dataclass(frozen=True)
class DemoResult:
    employers: int
    vacancies: int
    live: int


# Words spelt with a vowel but said with a consonant, and the other way round.
_SAID_WITH_A_CONSONANT = ("uni", "use", "usu", "eu", "one", "once")
_SAID_WITH_A_VOWEL = ("hour", "honest", "honour", "heir")


def with_article(phrase: str) -> str:
    """``phrase`` after "a" or "an" as it is said: "an Approved Mental Health Professional",
    "a Senior Social Worker", "a Universal Credit adviser", "an hourly rate"."""
    word = phrase.split()[0].lower() if phrase.split() else ""
    if word.startswith(_SAID_WITH_A_VOWEL):
        return f"an {phrase}"
    if word.startswith(_SAID_WITH_A_CONSONANT):
        return f"a {phrase}"
    return f"{'an' if word[:1] in 'aeiou' and word else 'a'} {phrase}"


@lru_cache(maxsize=256)
def _slug(title: str) -> str:
    return slugify(title)


class _Weighted:
    """A weighted choice with its cumulative weights computed once (it runs millions of times)."""

    def __init__(self, weights):
        self.values = [value for value, _ in weights]
        self.cumulative = list(accumulate(weight for _, weight in weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


_WEIGHTED_CACHE: dict[int, _Weighted] = {}


def _host_label(slug: str) -> str:
    """An organisation's slug as one label of its demo web address: at most 40 characters,
    never ending with a hyphen (``huish-teaching-hospitals-nhs-foundation-`` is no host name,
    and the apply link's validation refuses it when the vacancy is edited)."""
    return slug[:40].rstrip("-") or "employer"


def _weighted(rng: random.Random, weights):
    key = id(weights)
    chooser = _WEIGHTED_CACHE.get(key)
    if chooser is None:
        chooser = _WEIGHTED_CACHE[key] = _Weighted(weights)
    return chooser.pick(rng)


def _reference(rng: random.Random, taken: set[str]) -> str:
    """Eight base32 characters from 40 random bits (one call instead of eight)."""
    while True:
        bits = rng.getrandbits(5 * REFERENCE_LENGTH)
        ref = "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(REFERENCE_LENGTH))
        if ref not in taken:
            taken.add(ref)
            return ref


def _region_for(place: Place) -> str:
    if place.nation in NATION_REGION:
        return NATION_REGION[place.nation]
    return COUNTY_REGION.get(place.county, Region.SOUTH_EAST)


def _round_pay(period: str, value: float) -> Decimal:
    if period == SalaryPeriod.YEAR:
        return Decimal(int(round(value / 100.0)) * 100)
    return Decimal(str(round(value, 2)))


class DemoBuilder:
    """Builds demo rows from one seeded random stream."""

    def __init__(self, *, seed: int = 2026, now: datetime | None = None):
        self.rng = random.Random(seed)
        # The care-sector facts draw from a stream of their own, so adding them left every
        # other demo value as it was for the same seed.
        self.facts_rng = random.Random(seed + 1)
        self.now = now or timezone.now()
        self.places = list(Place.objects.towns().order_by("slug"))
        if not self.places:
            raise RuntimeError("No places: run migrations (or `manage.py load_places`) first.")
        self.places_by_county: dict[str, list[Place]] = defaultdict(list)
        for place in self.places:
            self.places_by_county[place.county].append(place)
        self.professions = list(Profession.objects.order_by("sort_order", "slug"))
        self.pay = {slug: pay for _name, slug, pay, _desc in PROFESSIONS}
        self.references: set[str] = set(Vacancy.objects.values_list("reference", flat=True))

    # --- employers --------------------------------------------------------------------
    def employer_rows(self, count: int) -> list[Employer]:
        taken_slugs = set(Employer.objects.values_list("slug", flat=True))
        taken_names = set(Employer.objects.values_list("name", flat=True))
        rows = []
        for _ in range(count):
            town = self.rng.choice(self.places)
            sector = _weighted(self.rng, SECTOR_WEIGHTS)
            area, council = _area_words(town)
            name = self.rng.choice(EMPLOYER_PATTERNS[sector]).format(
                town=town.name,
                county=area,
                council=council,
                adjective=self.rng.choice(ADJECTIVES),
            )
            if name in taken_names:
                name = f"{name} ({town.name})"
            base_name, n = name, 2
            while name in taken_names:
                name, n = f"{base_name} {n}", n + 1
            taken_names.add(name)
            base = slugify(name)[:200] or "employer"
            slug, n = base, 2
            while slug in taken_slugs:
                slug, n = f"{base}-{n}", n + 1
            taken_slugs.add(slug)
            verified = self.rng.random() < 0.8
            rows.append(
                Employer(
                    name=name,
                    slug=slug,
                    sector=sector,
                    about=(
                        f"{name} provides health and social care services across "
                        f"{area}. We value kindness, respect and learning."
                    ),
                    website=f"https://{_host_label(slug)}.example.org",
                    region=_region_for(town),
                    town=town,
                    verified=verified,
                    verified_at=self.now if verified else None,
                )
            )
        return rows

    # --- vacancies --------------------------------------------------------------------
    def _title(self, profession: Profession) -> str:
        variants = TITLE_VARIANTS.get(profession.slug) or [profession.name]
        return self.rng.choice(variants)

    def _salary(self, profession: Profession, contract: str):
        if self.rng.random() < 0.05:
            return None, None, SalaryPeriod.YEAR  # "competitive": no figure given
        period, low, high = self.pay.get(profession.slug, ("year", 25_000, 35_000))
        if contract in (ContractType.LOCUM, ContractType.BANK) and period == "year":
            period, low, high = "hour", low / 1950 * 1.2, high / 1950 * 1.35
        span = high - low
        bottom = low + span * self.rng.uniform(0, 0.5)
        top = bottom + span * self.rng.uniform(0.1, 0.5)
        if self.rng.random() < 0.2:
            top = bottom  # a single figure
        return _round_pay(period, bottom), _round_pay(period, top), period

    def _dates(self, status: str):
        r, now = self.rng, self.now
        if status == Vacancy.Status.LIVE:
            published = now - timedelta(days=r.uniform(0, 30))
            return published, now + timedelta(days=r.uniform(0.5, 45)), None, None
        if status == Vacancy.Status.EXPIRED:
            published = now - timedelta(days=r.uniform(35, 400))
            closes = published + timedelta(days=r.uniform(7, 30))
            return published, closes, None, closes
        if status == Vacancy.Status.CLOSED:
            published = now - timedelta(days=r.uniform(10, 300))
            closes = published + timedelta(days=r.uniform(14, 45))
            closed = published + (closes - published) * r.uniform(0.3, 0.9)
            return published, closes, min(closed, now), None
        return None, now + timedelta(days=r.uniform(14, 60)), None, None

    def _facts(self, *, profession, employer, town, contract, pay, title, status, closes):
        """The care-sector facts of one demo vacancy, realistic for its profession and place."""
        r = self.facts_rng
        slug = profession.slug
        facts: dict = {}
        low, _high, period = pay
        yearly = None
        if low is not None:
            yearly = float(low) * {"hour": 1950, "day": 260}.get(period, 1)
        if employer.sector == Sector.NHS and yearly is not None:
            starts = [start for start, _band in AFC_BAND_STARTS]
            index = max(bisect(starts, yearly) - 1, 0)
            facts.update(pay_scale=PayScale.AFC, pay_band=AFC_BAND_STARTS[index][1])
        elif employer.sector == Sector.LOCAL_AUTHORITY:
            facts.update(pay_scale=PayScale.NJC, pay_grade=f"Grade {r.randint(5, 11)}")
        elif r.random() < 0.4:
            facts["pay_scale"] = PayScale.OTHER
        options = SHIFTS_BY_PROFESSION.get(slug, ["days"])
        chosen = set(r.sample(options, k=r.randint(1, min(3, len(options)))))
        if slug in NIGHT_WORK and ("night" in title.lower() or r.random() < 0.5):
            chosen.add(ShiftPattern.NIGHTS if slug != "care-worker" else ShiftPattern.WAKING_NIGHTS)
        if r.random() < 0.1:
            chosen = set()  # not stated
        facts["shifts"] = shifts_to_mask(chosen)
        if contract == ContractType.BANK or r.random() < 0.3:
            facts["overtime_offered"] = True
        if slug in SPONSORABLE:
            facts["visa_sponsorship"] = r.choice(["yes", "no", "", ""])
        elif r.random() < 0.4:
            facts["visa_sponsorship"] = Sponsorship.NOT_AVAILABLE
        if r.random() < 0.9:
            facts["dbs_check"] = (
                DbsLevel.ENHANCED_BARRED if r.random() < 0.85 else DbsLevel.ENHANCED
            )
            facts["dbs_update_service"] = r.random() < 0.6
            facts["dbs_paid_by"] = DbsPaidBy.EMPLOYER if r.random() < 0.75 else DbsPaidBy.CANDIDATE
        lower = title.lower()
        if any(word in lower for word in COMMUNITY_TITLE_WORDS) or slug == "social-worker":
            facts["driving"] = Driving.CAR
        elif slug in ("family-support-worker", "probation-officer", "paramedic"):
            facts["driving"] = Driving.LICENCE
        elif r.random() < 0.5:
            facts["driving"] = Driving.NOT_NEEDED
        if facts.get("driving") in (Driving.CAR, Driving.LICENCE):
            facts["mileage_paid"] = r.random() < 0.8
        nation = town.nation
        if slug in REGISTER_BY_PROFESSION:
            facts["registration"] = REGISTER_BY_PROFESSION[slug]
        elif slug == "social-worker":
            facts["registration"] = SOCIAL_WORK_REGISTER.get(nation, Registration.SWE)
        elif slug in SOCIAL_CARE and nation != Nation.ENGLAND:
            facts["registration"] = SOCIAL_WORK_REGISTER[nation]
        elif r.random() < 0.5:
            facts["registration"] = Registration.NONE
        if nation == Nation.WALES:
            roll = r.random()
            if roll < 0.15:
                facts.update(welsh=WelshRequirement.ESSENTIAL, welsh_level=WelshLevel.ADVANCED)
            elif roll < 0.6:
                facts.update(welsh=WelshRequirement.DESIRABLE, welsh_level=WelshLevel.ENTRY)
            else:
                facts["welsh"] = WelshRequirement.NOT_NEEDED
        facts["may_close_early"] = employer.sector == Sector.NHS and r.random() < 0.5
        if closes is not None and r.random() < 0.3:
            facts["interview_date"] = (closes + timedelta(days=r.randint(5, 14))).date()
        if status == Vacancy.Status.EXPIRED:
            facts["outcome"] = VacancyOutcome.EXPIRED
        elif status == Vacancy.Status.CLOSED:
            facts["outcome"] = r.choice(
                [VacancyOutcome.FILLED_HERE, VacancyOutcome.FILLED_ELSEWHERE,
                 VacancyOutcome.WITHDRAWN]
            )  # fmt: skip
        return facts

    def _description(self, title: str, employer: Employer, place: Place) -> str:
        r = self.rng
        opening = r.choice(DESCRIPTION_OPENINGS).format(
            a_title=with_article(title), employer=employer.name, place=place.name
        )
        first, second = r.sample(DESCRIPTION_ROLE, 2)  # two different sentences
        return (
            f"{opening}\n\n## About the role\n\n{first} {second}"
            f"\n\n## What we offer\n\n{r.choice(DESCRIPTION_OFFER)}"
            f"\n\n## About you\n\n{r.choice(DESCRIPTION_REQUIREMENTS)}"
        )

    def vacancy_batch(self, employers: list[Employer], size: int):
        """Return ``size`` vacancies as column values and, per vacancy, the places it is in."""
        r = self.rng
        vacancies, places = [], []
        for _ in range(size):
            employer = r.choice(employers)
            profession = r.choice(self.professions)
            town = employer.town or r.choice(self.places)
            nearby = self.places_by_county.get(town.county) or [town]
            extra = r.sample(nearby, k=min(len(nearby), r.choice([0, 0, 0, 0, 1, 2])))
            vacancy_places = list(dict.fromkeys([town, *extra]))
            status = _weighted(r, STATUS_WEIGHTS)
            contract = _weighted(r, CONTRACT_WEIGHTS)
            pattern = _weighted(r, PATTERN_WEIGHTS)
            hours = {
                "full_time": Decimal("37.5"),
                "part_time": Decimal(r.choice([16, 20, 22.5, 24, 30])),
                "flexible": None,
            }[pattern]
            salary_min, salary_max, period = self._salary(profession, contract)
            published, closes, closed, expired = self._dates(status)
            title = self._title(profession)
            vacancies.append(
                dict(  # noqa: C408 - keyword form mirrors the model's field names
                    employer_id=employer.id,
                    profession_id=profession.id,
                    title=title,
                    slug=_slug(title),
                    reference=_reference(r, self.references),
                    description=self._description(title, employer, town),
                    workplace=_weighted(r, WORKPLACE_WEIGHTS),
                    contract_type=contract,
                    working_pattern=pattern,
                    hours_per_week=hours,
                    salary_min=salary_min,
                    salary_max=salary_max,
                    salary_period=period,
                    apply_email="",
                    reminder_sent_for=None,
                    created_by_id=None,
                    # The demo owner's employer takes applications on the board, so `make
                    # run` shows applying here; the others send candidates to their site.
                    apply_method=ApplyMethod.BOARD
                    if employer.id == employers[0].id
                    else ApplyMethod.WEBSITE,
                    apply_url=f"https://{_host_label(employer.slug)}.example.org/careers/apply",
                    status=status,
                    rejection_reason="Please add the salary and the closing date."
                    if status == Vacancy.Status.REJECTED
                    else "",
                    published_at=published,
                    closes_at=closes,
                    closed_at=closed,
                    expired_at=expired,
                    featured=status == Vacancy.Status.LIVE and r.random() < 0.04,
                    view_count=r.randint(0, 900) if published else 0,
                    apply_click_count=r.randint(0, 60) if published else 0,
                )
            )
            vacancies[-1].update(
                FACT_DEFAULTS,
                **self._facts(
                    profession=profession,
                    employer=employer,
                    town=town,
                    contract=contract,
                    pay=(salary_min, salary_max, period),
                    title=title,
                    status=status,
                    closes=closes,
                ),
            )
            places.append(vacancy_places)
        return vacancies, places


def _demo_people(employers: list[Employer]) -> None:
    """A staff user and an owner of the first employer, so `make run` can be explored."""
    user_model = get_user_model()
    if not user_model.objects.filter(email=DEMO_STAFF_EMAIL).exists():
        user_model.objects.create_superuser(DEMO_STAFF_EMAIL, DEMO_PASSWORD)
    if employers and not user_model.objects.filter(email=DEMO_OWNER_EMAIL).exists():
        owner = user_model.objects.create_user(
            DEMO_OWNER_EMAIL,
            DEMO_PASSWORD,
            first_name="Sam",
            last_name="Carter",
            email_verified_at=timezone.now(),
        )
        Membership.objects.create(user=owner, employer=employers[0], role=Membership.Role.OWNER)


def _demo_screening(employer: Employer, *, limit: int = 50) -> None:
    """Screening questions on the board vacancies of the demo owner's employer."""
    from applications.models import ScreeningQuestion

    vacancies = Vacancy.objects.filter(employer=employer, apply_method=ApplyMethod.BOARD)
    questions = []
    for vacancy in vacancies.order_by("id")[:limit]:
        questions += [
            ScreeningQuestion(
                vacancy=vacancy, position=1, text="Can you work some weekends?", must_be_yes=True
            ),
            ScreeningQuestion(
                vacancy=vacancy, position=2, text="When could you start?", kind="text"
            ),
        ]
    ScreeningQuestion.objects.bulk_create(questions)


def seed_demo(
    *,
    employers: int,
    vacancies: int,
    seed: int = 2026,
    now: datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    with_people: bool = True,
) -> DemoResult:
    """Insert ``employers`` employers and ``vacancies`` vacancies; return what was made."""
    builder = DemoBuilder(seed=seed, now=now)
    with transaction.atomic():
        employer_rows = Employer.objects.bulk_create(
            builder.employer_rows(employers), batch_size=batch_size
        )
        if with_people:
            _demo_people(employer_rows)
    if not employer_rows and vacancies:
        raise RuntimeError("Vacancies need at least one employer.")

    write = _write_with_copy if on_postgresql() else _write_with_orm
    made = live = 0
    for size in _batches(vacancies, batch_size):
        rows, places = builder.vacancy_batch(employer_rows, size)
        with transaction.atomic():
            write(rows, places, now=builder.now)
        made += len(rows)
        live += sum(1 for row in rows if row["status"] == Vacancy.Status.LIVE)
        if progress:
            progress(len(rows))
    employers_live_counts_refresh(employer_ids=[e.pk for e in employer_rows])
    if employer_rows:
        _demo_screening(employer_rows[0])
    return DemoResult(employers=len(employer_rows), vacancies=made, live=live)


def _write_with_orm(rows: list[dict], places: list[list[Place]], *, now: datetime) -> None:
    """Portable writer: ``bulk_create`` (SQLite returns the new ids too)."""
    through = Vacancy.places.through
    saved = Vacancy.objects.bulk_create([Vacancy(**row) for row in rows])
    through.objects.bulk_create(
        [
            through(vacancy_id=vacancy.id, place_id=place.id)
            for vacancy, vacancy_places in zip(saved, places, strict=True)
            for place in vacancy_places
        ]
    )


def _write_with_copy(rows: list[dict], places: list[list[Place]], *, now: datetime) -> None:
    """PostgreSQL writer: ``COPY`` is several times faster than multi-row INSERTs.

    Ids are drawn from the table's own sequence first so the place links can be copied too.
    Generated columns (annual pay) and the search vector (trigger) are filled by the database.
    """
    table = Vacancy._meta.db_table
    # COPY takes no column defaults from Django: every other column with a model default
    # gets it here, so a new column never breaks the demo data.
    given = {"id", *rows[0].keys(), "version", "created_at", "updated_at"}
    defaults = {
        field.column: field.get_default()
        for field in Vacancy._meta.concrete_fields
        if field.has_default() and field.column not in given and field.attname not in given
    }
    columns = ["id", *rows[0].keys(), *defaults, "version", "created_at", "updated_at"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for vacancy_id, row in zip(ids, rows, strict=True):
                copy.write_row([vacancy_id, *row.values(), *defaults.values(), 1, now, now])
        through = Vacancy.places.through._meta.db_table
        with raw.copy(f"COPY {through} (vacancy_id, place_id) FROM STDIN") as copy:
            for vacancy_id, vacancy_places in zip(ids, places, strict=True):
                for place in vacancy_places:
                    copy.write_row([vacancy_id, place.id])


def _batches(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size
