"""The professions the article site links to, with typical UK pay used by the demo data.

Slugs are part of the public URL contract (``/jobs/<slug>/``): never change one.
Pay is (period, low, high) in pounds, after Agenda for Change bands and typical care pay.
"""

PROFESSIONS = [
    (
        "Social Worker",
        "social-worker",
        ("year", 34_000, 48_000),
        "Qualified social workers in adults', children's and mental health teams.",
    ),
    (
        "Registered Nurse",
        "registered-nurse",
        ("year", 29_970, 45_000),
        "Adult, children's, mental health and learning disability nurses (Band 5 to 7).",
    ),
    (
        "Healthcare Assistant",
        "healthcare-assistant",
        ("year", 24_070, 26_900),
        "Healthcare and clinical support workers in hospitals and the community (Band 2 to 3).",
    ),
    (
        "Care Worker",
        "care-worker",
        ("hour", 12.21, 14.50),
        "Home care and residential care workers supporting people day to day.",
    ),
    (
        "Support Worker",
        "support-worker",
        ("hour", 12.21, 15.00),
        "Support workers in supported living, learning disability and mental health services.",
    ),
    (
        "Occupational Therapist",
        "occupational-therapist",
        ("year", 29_970, 47_000),
        "Occupational therapists in hospitals, councils and community teams.",
    ),
    (
        "Probation Officer",
        "probation-officer",
        ("year", 32_000, 42_000),
        "Probation officers and probation services officers.",
    ),
    (
        "Mental Health Practitioner",
        "mental-health-practitioner",
        ("year", 37_300, 53_000),
        "Mental health practitioners, AMHPs and crisis team workers.",
    ),
    (
        "Senior Care Worker",
        "senior-care-worker",
        ("hour", 13.00, 16.00),
        "Senior carers and team leaders in care homes and home care.",
    ),
    (
        "Care Home Manager",
        "care-home-manager",
        ("year", 45_000, 65_000),
        "Registered managers and deputy managers of care services.",
    ),
    (
        "Physiotherapist",
        "physiotherapist",
        ("year", 29_970, 47_000),
        "Physiotherapists in acute, community and rehabilitation settings.",
    ),
    (
        "Paramedic",
        "paramedic",
        ("year", 37_300, 45_000),
        "Paramedics in ambulance services and urgent care.",
    ),
    (
        "Midwife",
        "midwife",
        ("year", 29_970, 53_000),
        "Midwives in hospitals, birth centres and the community.",
    ),
    (
        "Family Support Worker",
        "family-support-worker",
        ("year", 24_000, 30_000),
        "Early help and family support workers.",
    ),
    (
        "Residential Childcare Worker",
        "residential-childcare-worker",
        ("year", 25_000, 31_000),
        "Residential support workers in children's homes.",
    ),
    (
        "Nursing Associate",
        "nursing-associate",
        ("year", 27_485, 30_162),
        "Registered nursing associates (Band 4).",
    ),
]


def load_professions(profession_model) -> None:
    """Create or refresh the standard professions (used by a migration, so model-agnostic)."""
    for order, (name, slug, _pay, description) in enumerate(PROFESSIONS):
        profession_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
