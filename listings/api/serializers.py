"""The public API's shapes: strict parameter parsing and stable, documented responses.

Field names here are a contract with the article site and other clients: add fields, never
rename or remove them. Times are ISO 8601 with their offset; money is numbers in pounds
(``currency`` is always ``"GBP"``); ``url`` fields are absolute links to the HTML pages.
"""

from __future__ import annotations

from functools import cached_property

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import PageParams, QueryParams, absolute, choice_list
from common.markdown import render_markdown, to_plain_text
from employers.models import Employer
from employers.serializers import EmployerRefSerializer
from listings.models import (
    CARE_FACT_FIELDS,
    Nation,
    Place,
    Profession,
    SalaryPeriod,
    ShiftPattern,
    Vacancy,
    mask_to_shifts,
    shifts_to_mask,
)
from listings.related import MAX_TEXT_LENGTH
from listings.search import MAX_RADIUS, PARAMS, Param, Sort, place_label, resolve_where
from listings.search.params import MAX_VALUES_PER_FILTER

MAX_RELATED = 20
MAX_RELATED_QUERY_TEXT = 2000


# --- query parameters ---------------------------------------------------------------------
def _choice_list(choices, help_text: str) -> serializers.ListField:
    return choice_list(choices, help_text, max_length=MAX_VALUES_PER_FILTER)


def search_param_field(param: Param) -> serializers.Field:
    """The API field of one search parameter, from the search's registry."""
    if param.kind in ("keywords", "place"):
        return serializers.CharField(
            required=False, allow_blank=True, max_length=param.max_length, help_text=param.help
        )
    if param.kind in ("radius", "money", "days"):
        return serializers.IntegerField(
            required=False,
            min_value=param.minimum,
            max_value=param.maximum,
            help_text=param.help,
        )
    if param.kind == "choices" and param.choices:
        return _choice_list(param.choices, param.help)
    if param.kind == "choices":  # professions: slugs, checked against the table
        return serializers.ListField(
            child=serializers.SlugField(max_length=100),
            required=False,
            max_length=MAX_VALUES_PER_FILTER,
            help_text=param.help,
        )
    if param.kind == "employer":
        return serializers.SlugField(
            required=False, max_length=param.max_length, help_text=param.help
        )
    if param.kind == "sort":
        return serializers.ChoiceField(choices=param.choices, required=False, help_text=param.help)
    raise ValueError(f"No API field for a search parameter of kind {param.kind!r}.")


class SearchParamChecks(QueryParams):
    """The search's URL contract (docs/linking.md), parsed strictly.

    The HTML search forgives odd input with a notice; the API says exactly which parameter
    is wrong (400) so a client finds its mistake. Valid input is handed unchanged to the
    search (``listings.search.parse_search``), so a query string means the same on both.
    The fields are declared from the search's registry (``SearchParams`` below).
    """

    def validate_location(self, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        where = resolve_where(value)
        if not where.found:
            raise serializers.ValidationError(
                where.notice or f"There is no UK place or postcode called “{value[:60]}”."
            )
        if where.alternatives:
            choices = "; ".join(
                f"`{v}` ({label})"
                for label, v in [(where.label, where.value), *where.alternatives][:8]
            )
            raise serializers.ValidationError(
                f"“{value[:60]}” names more than one place: give one of {choices}."
            )
        self.context["place"] = where.origin
        self.context["area"] = where.area
        return where.value

    def validate_profession(self, value: list[str]) -> list[str]:
        known = set(Profession.objects.filter(slug__in=value).values_list("slug", flat=True))
        unknown = [slug for slug in value if slug not in known]
        if unknown:
            raise serializers.ValidationError(f"Unknown profession: {', '.join(unknown[:5])}.")
        return value

    def validate_employer(self, value: str) -> str:
        if not Employer.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"There is no employer “{value}”.")
        return value

    def validate(self, attrs: dict) -> dict:
        has_place = bool(attrs.get("location"))
        if "radius" in attrs and self.context.get("area") is not None:
            raise serializers.ValidationError(
                {"radius": "`location` is an area: a distance does not apply."}
            )
        if attrs.get("sort") == Sort.DISTANCE and self.context.get("area") is not None:
            raise serializers.ValidationError(
                {"sort": "Sorting by distance needs a town or postcode, not an area."}
            )
        if "radius" in attrs and not has_place:
            raise serializers.ValidationError({"radius": "A distance needs a `location`."})
        if attrs.get("sort") == Sort.DISTANCE and not has_place:
            raise serializers.ValidationError({"sort": "Sorting by distance needs a `location`."})
        return attrs


SearchParams = serializers.SerializerMetaclass(
    "SearchParams",
    (SearchParamChecks,),
    {
        "__module__": __name__,
        "__doc__": SearchParamChecks.__doc__,
        **{param.name: search_param_field(param) for param in PARAMS},
    },
)


class VacancyListParams(SearchParams, PageParams):
    """The vacancy list: the search's parameters and a page."""


class RelatedParams(SearchParams):
    """Related jobs by GET: the article's text plus any search filter to narrow them."""

    text = serializers.CharField(
        max_length=MAX_RELATED_QUERY_TEXT,
        help_text="Words from the article: its title, summary or slug words. "
        "POST the whole text for better matches.",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_RELATED, default=5, help_text="How many."
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give some words from the article.")
        return value


class RelatedBody(serializers.Serializer):
    """Related jobs by POST: the whole article, its tags, and optional filters."""

    text = serializers.CharField(max_length=MAX_TEXT_LENGTH, help_text="The article's text.")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="The article's tags; they weigh more than words in the text.",
    )
    location = serializers.CharField(required=False, allow_blank=True, max_length=100)
    radius = serializers.IntegerField(required=False, min_value=1, max_value=MAX_RADIUS)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_RELATED, default=5)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the article's text.")
        return value

    validate_location = SearchParamChecks.validate_location

    def validate(self, attrs: dict) -> dict:
        if "radius" in attrs and not attrs.get("location"):
            raise serializers.ValidationError({"radius": "A distance needs a `location`."})
        return attrs


class PlaceParams(QueryParams):
    q = serializers.CharField(
        min_length=2, max_length=60, help_text="The start of a place name (two letters or more)."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


# --- responses ----------------------------------------------------------------------------
class ProfessionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The profession's landing page.")
    live_vacancy_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Profession
        fields = ["slug", "name", "description", "url", "live_vacancy_count"]

    def get_url(self, obj: Profession) -> str:
        return absolute(obj.get_absolute_url())


class ProfessionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profession
        fields = ["slug", "name"]


class PlaceSerializer(serializers.ModelSerializer):
    """A vacancy's place: a town, or the postcode the employer gave, shown as its nearest
    town (that town's slug, name and label) at the postcode's own point."""

    slug = serializers.SerializerMethodField(
        help_text="The town's slug, to pass as a search's `location` (for a postcode: the "
        "nearest town's)."
    )
    nation = serializers.ChoiceField(choices=Nation.choices)
    label = serializers.SerializerMethodField(
        help_text="How people say it: “Leeds”, “Headingley”, “Newport, Wales”."
    )
    postcode = serializers.SerializerMethodField(
        help_text="The postcode the employer placed the vacancy at (its `lat`/`lng` are the "
        "postcode's), or null for a town."
    )

    class Meta:
        model = Place
        fields = ["slug", "name", "county", "nation", "label", "lat", "lng", "postcode"]

    def get_slug(self, obj: Place) -> str:
        return obj.shown_as.slug

    def get_label(self, obj: Place) -> str:
        return place_label(obj)

    def get_postcode(self, obj: Place) -> str | None:
        return obj.postcode if obj.is_postcode else None


class LocationSuggestionSerializer(serializers.Serializer):
    """One line of the location autocomplete: a postcode, a town or an area."""

    slug = serializers.CharField(help_text="The value to pass as `location`.")
    label = serializers.CharField(help_text="How people say it: “Headingley”, “Newport, Wales”.")
    kind = serializers.ChoiceField(
        choices=[
            "postcode",
            "sector",
            "district",
            "place",
            "authority",
            "county",
            "region",
            "nation",
        ]
    )
    name = serializers.CharField()
    county = serializers.CharField()
    nation = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)


class SalarySerializer(serializers.Serializer):
    min = serializers.DecimalField(
        source="salary_min",
        max_digits=10,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
    )
    max = serializers.DecimalField(
        source="salary_max",
        max_digits=10,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
    )
    currency = serializers.SerializerMethodField()
    period = serializers.ChoiceField(source="salary_period", choices=SalaryPeriod.choices)
    annual_min = serializers.DecimalField(
        source="salary_annual_min",
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Full-time yearly equivalent (37.5 hours, 52 weeks) of `min`.",
    )
    annual_max = serializers.DecimalField(
        source="salary_annual_max",
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Full-time yearly equivalent of `max`.",
    )

    def get_currency(self, obj) -> str:
        return "GBP"


class ShiftPatternsField(serializers.ListField):
    """Shift patterns as a list of their values; stored as the bitmask ``Vacancy.shifts``."""

    child = serializers.ChoiceField(choices=ShiftPattern.choices)

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Shift patterns, several allowed (empty: not stated).")
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> int:
        if isinstance(data, list) and len(data) > len(ShiftPattern.choices):
            raise serializers.ValidationError(
                f"Give at most {len(ShiftPattern.choices)} shift patterns."
            )
        return shifts_to_mask(super().to_internal_value(data))

    def run_validators(self, value) -> None:
        """The list's checks ran in ``to_internal_value``; ``value`` is the bitmask."""

    def to_representation(self, value) -> list[str]:
        return mask_to_shifts(value or 0)


def fact_choice_fields() -> dict[str, serializers.ChoiceField]:
    """The choice facts as read-only fields whose documented values include "" (not stated)."""
    fields = {}
    for name in CARE_FACT_FIELDS:
        field = Vacancy._meta.get_field(name)
        if field.choices:
            fields[name] = serializers.ChoiceField(
                choices=[("", "Not stated"), *field.choices],
                read_only=True,
                help_text=FACT_HELP.get(name, ""),
            )
    return fields


FACT_HELP = {
    "visa_sponsorship": "`yes` or `no` as the employer states it (empty: not stated); not "
    "checked by the board.",
}


class VacancySerializer(serializers.ModelSerializer):
    """A vacancy as a result row: everything a list shows, no long text."""

    url = serializers.SerializerMethodField(help_text="The vacancy's permanent page.")
    apply_url = serializers.SerializerMethodField(
        help_text="The tracked apply link (null once closed)."
    )
    employer = EmployerRefSerializer()
    profession = ProfessionRefSerializer()
    places = PlaceSerializer(many=True)
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    salary = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="The description's first words.")
    is_live = serializers.BooleanField(help_text="Open to applications now.")
    distance_miles = serializers.SerializerMethodField(
        help_text="Miles from the searched `location` to the nearest place (null without one)."
    )
    shifts = ShiftPatternsField(read_only=True)

    class Meta:
        model = Vacancy
        fields = [
            "reference",
            "title",
            "url",
            "apply_url",
            "employer",
            "profession",
            "places",
            "workplace",
            "contract_type",
            "working_pattern",
            "hours_per_week",
            "salary",
            "summary",
            "featured",
            "is_live",
            "published_at",
            "closes_at",
            "distance_miles",
            *CARE_FACT_FIELDS,
        ]

    def get_fields(self):
        return {**super().get_fields(), **fact_choice_fields()}

    def get_url(self, obj: Vacancy) -> str:
        return absolute(obj.get_absolute_url())

    def get_apply_url(self, obj: Vacancy) -> str | None:
        if not obj.is_live:
            return None
        return absolute(f"{reverse('listings:apply', args=[obj.reference])}?source=api")

    @extend_schema_field(SalarySerializer(allow_null=True))
    def get_salary(self, obj: Vacancy):
        if obj.salary_min is None and obj.salary_max is None:
            return None
        return self._salary_serializer.to_representation(obj)

    @cached_property
    def _salary_serializer(self) -> SalarySerializer:
        """One instance for every row: building a serializer per row cost a third of a list."""
        return SalarySerializer()

    def get_summary(self, obj: Vacancy) -> str:
        return to_plain_text(obj.description, limit=240)

    def get_distance_miles(self, obj: Vacancy) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 1)


class VacancyDetailSerializer(VacancySerializer):
    """A vacancy with its full description, as Markdown and as sanitised HTML."""

    status = serializers.ChoiceField(
        choices=[(s, s) for s in ("live", "closed", "expired")],
        help_text="`live`, or `closed`/`expired` for a vacancy whose page says it has closed.",
    )
    description = serializers.CharField(help_text="Markdown, as written by the employer.")
    description_html = serializers.SerializerMethodField(help_text="Sanitised HTML.")

    class Meta(VacancySerializer.Meta):
        fields = [*VacancySerializer.Meta.fields, "status", "description", "description_html"]

    def get_description_html(self, obj: Vacancy) -> str:
        return str(render_markdown(obj.description))


class RelatedVacancySerializer(VacancySerializer):
    score = serializers.FloatField(
        source="related_score", help_text="How well it matches the article (higher is better)."
    )

    class Meta(VacancySerializer.Meta):
        fields = [*VacancySerializer.Meta.fields, "score"]


class RelatedResponseSerializer(serializers.Serializer):
    terms = serializers.ListField(
        child=serializers.CharField(), help_text="The article's terms the ranking used."
    )
    results = RelatedVacancySerializer(many=True)
