"""The employer write API (``/api/v1/employer/vacancies/``): an employer's own vacancies.

A member authenticates with their personal token (created and revoked on the API access page
of the self-service area). Every change goes through ``listings.services``, exactly as the
HTML forms do, so every rule and moderation step applies: an unverified employer's vacancy
goes to staff review when published, and new wording of its live vacancy waits for review
beside the approved version (``pending_change``). Vacancies are only ever looked up among the employers
the member belongs to, so anyone else's vacancy is simply not found (404).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from common.api import ERROR, WRITE_ERRORS, absolute, parse, service_error
from employers.models import Employer, Membership
from employers.serializers import EmployerRefSerializer
from listings import services
from listings.api.serializers import (
    PlaceSerializer,
    ProfessionRefSerializer,
    ShiftPatternsField,
    fact_choice_fields,
)
from listings.models import (
    CARE_FACT_FIELDS,
    ApplyMethod,
    Place,
    Profession,
    Vacancy,
    VacancyOutcome,
    VacancyRevision,
)

MAX_PLACES = 20


class IsEmployerMember(BasePermission):
    """Signed in (by token or session) and a member of at least one active employer."""

    message = "Only members of an employer can use this API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and Membership.objects.filter(user=user, employer__is_active=True).exists()
        )


class PostcodeOutputMixin(serializers.Serializer):
    postcode = serializers.SerializerMethodField(
        help_text="The postcode the vacancy is placed at exactly (shown to seekers as its "
        "nearest town: the one of `places` with this `postcode`), or null."
    )

    def get_postcode(self, obj) -> str | None:
        exact = services.postcode_of(obj.places.all())
        return exact.postcode if exact is not None else None


class PendingChangeSerializer(PostcodeOutputMixin, serializers.ModelSerializer):
    """New wording of a live vacancy waiting for staff review; seekers see the approved one."""

    profession = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    places = serializers.SerializerMethodField(
        help_text="Place slugs (a postcode as its nearest town's; see `postcode`)."
    )
    apply_url = serializers.CharField(read_only=True)
    apply_email = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = VacancyRevision
        fields = [
            "title",
            "profession",
            "description",
            "places",
            "postcode",
            "apply_url",
            "apply_email",
            "submitted_at",
        ]
        read_only_fields = fields

    def get_places(self, obj: VacancyRevision) -> list[str]:
        return [place.shown_as.slug for place in obj.places.all()]


class EmployerVacancySerializer(PostcodeOutputMixin, serializers.ModelSerializer):
    """A vacancy as its employer sees it: status, review outcome, version and counters."""

    employer = EmployerRefSerializer()
    places = PlaceSerializer(many=True)
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    salary_min = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    salary_max = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    currency = serializers.SerializerMethodField()
    apply_url = serializers.CharField(help_text="The employer's application page, or empty.")
    apply_email = serializers.CharField(help_text="The address for applications, or empty.")
    url = serializers.SerializerMethodField(
        help_text="The public page (null until it has been published)."
    )
    shifts = ShiftPatternsField()
    outcome = serializers.ChoiceField(
        choices=[("", "Not stated"), *VacancyOutcome.choices],
        read_only=True,
        help_text="How it ended (closed or expired vacancies); empty while it has not.",
    )
    profession = ProfessionRefSerializer(allow_null=True, help_text="Null in a draft without one.")
    pending_change = serializers.SerializerMethodField(
        help_text="New wording (title, profession, description, places, how to apply) waiting "
        "for staff review while the vacancy stays live as approved; null when none waits."
    )

    class Meta:
        model = Vacancy
        fields = [
            "reference",
            "title",
            "status",
            "pending_change",
            "outcome",
            "rejection_reason",
            "version",
            "employer",
            "profession",
            "description",
            "places",
            "postcode",
            "workplace",
            "contract_type",
            "working_pattern",
            "hours_per_week",
            "salary_min",
            "salary_max",
            "salary_period",
            "currency",
            "apply_method",
            "apply_url",
            "apply_email",
            *CARE_FACT_FIELDS,
            "published_at",
            "closes_at",
            "view_count",
            "apply_click_count",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_fields(self):
        return {**super().get_fields(), **fact_choice_fields()}

    def get_currency(self, obj) -> str:
        return "GBP"

    def get_url(self, obj: Vacancy) -> str | None:
        return absolute(obj.get_absolute_url()) if obj.published_at else None

    @extend_schema_field(PendingChangeSerializer(allow_null=True))
    def get_pending_change(self, obj: Vacancy) -> dict | None:
        try:
            revision = obj.pending_revision
        except VacancyRevision.DoesNotExist:
            return None
        return PendingChangeSerializer(revision).data


class SlugLookupField(serializers.SlugRelatedField):
    """A slug-named relation that checks the text is a slug before asking the database.

    PostgreSQL refuses text with NUL bytes outright (a server error, not a miss), so anything
    that cannot be a slug is a plain 400 without a query.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data or not slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class VacancyWriteSerializer(serializers.ModelSerializer):
    """The fields an employer may set; the life cycle owns the rest.

    Types and sizes are checked here (400 per field); the rules (a closing date within the
    allowed window, a salary range the right way round...) are the services' and answer in
    the same shape.
    """

    employer = serializers.SlugField(
        required=False,
        write_only=True,
        help_text="On create: the employer's slug. Needed only when you belong to several.",
    )
    profession = SlugLookupField(
        slug_field="slug", queryset=Profession.objects.all(), help_text="A profession slug."
    )
    places = serializers.ListField(
        child=serializers.SlugField(max_length=160),
        required=False,
        max_length=MAX_PLACES,
        help_text="Gazetteer place slugs (see /api/v1/places/?q=...). On create, `places` "
        "or `postcode` (or both) is needed.",
    )
    postcode = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="The full postcode of the workplace, in any case, with or without the space "
        "(`LS6 3QS`, `ls63qs`): distances are measured from it exactly and seekers see its "
        "nearest town. Empty removes it; left out on update, it stays.",
    )
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True
    )
    salary_min = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    salary_max = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    shifts = ShiftPatternsField(required=False)
    visa_sponsorship = serializers.ChoiceField(
        choices=[("", "Not stated"), *Vacancy._meta.get_field("visa_sponsorship").choices],
        required=False,
        help_text="`yes` only if you hold a Skilled Worker sponsor licence and will assign a "
        "Certificate of Sponsorship for this job (care worker and senior care worker jobs "
        "cannot be sponsored from overseas since 22 July 2025). Shown as your statement; "
        "the board does not check it.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="On update: the version you read. If someone saved since, the answer is 409.",
    )
    apply_method = serializers.ChoiceField(
        choices=ApplyMethod.choices,
        required=False,
        help_text="`website` (needs `apply_url`), `email` (needs `apply_email`) or `board` "
        "(candidates apply on this board; see the applications endpoints). Left out on "
        "create: `email` when only `apply_email` is given, else `website`.",
    )

    class Meta:
        model = Vacancy
        fields = [
            "employer",
            "version",
            *services.EDITABLE_FIELDS,
            "places",
            "postcode",
        ]
        extra_kwargs = {"closes_at": {"required": False, "allow_null": True}}

    def validate_postcode(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return services.find_postcode(value).name
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("places") and not attrs.get("postcode"):
            raise serializers.ValidationError(
                {"places": "Give at least one place, or the postcode."}
            )
        return attrs

    def validate_places(self, value: list[str]) -> list[Place]:
        slugs = list(dict.fromkeys(value))
        places = list(Place.objects.towns().filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {p.slug for p in places})
        if unknown:
            raise serializers.ValidationError(f"Unknown place: {', '.join(unknown[:5])}.")
        return places


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(value, VacancyOutcome(value).label) for value in services.CLOSING_OUTCOMES],
        required=False,
        allow_blank=True,
        help_text="How it ended, for your statistics: `filled-here` (through this board), "
        "`filled-elsewhere` or `withdrawn`. Leave it out if you would rather not say.",
    )


class RenewSerializer(serializers.Serializer):
    closes_at = serializers.DateTimeField(help_text="The new closing time (ISO 8601).")


@extend_schema(tags=["employer"])
class EmployerVacancyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your employers' vacancies, whatever their status; create, edit and move them along."""

    permission_classes = [IsAuthenticated, IsEmployerMember]
    serializer_class = EmployerVacancySerializer
    lookup_field = "reference"
    lookup_value_regex = "[0-9A-Za-z]{1,16}"
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Vacancy.objects.filter(
                employer__memberships__user=self.request.user, employer__is_active=True
            )
            .select_related("employer", "profession", "pending_revision__profession")
            .prefetch_related("places", "pending_revision__places")
            .order_by("-updated_at", "-id")
        )

    def get_object(self) -> Vacancy:
        reference = (self.kwargs.get("reference") or "").upper()[:16]
        vacancy = self.get_queryset().filter(reference=reference).first()
        if vacancy is None:
            raise Http404("No such vacancy.")
        return vacancy

    def _answer(self, vacancy: Vacancy, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=vacancy.pk)
        return Response(EmployerVacancySerializer(fresh).data, status=code)

    def _employer_for_create(self, slug: str | None) -> Employer:
        memberships = list(
            Membership.objects.select_related("employer").filter(
                user=self.request.user, employer__is_active=True
            )
        )
        if slug:
            for membership in memberships:
                if membership.employer.slug == slug:
                    return membership.employer
            raise serializers.ValidationError(
                {"employer": "You are not a member of that employer."}
            )
        if len(memberships) > 1:
            raise serializers.ValidationError(
                {"employer": "You act for several employers: give the employer's slug."}
            )
        return memberships[0].employer

    @extend_schema(
        request=VacancyWriteSerializer,
        responses={201: EmployerVacancySerializer, **WRITE_ERRORS},
        description="Save a new draft. Publish it to send it live (or to review).",
    )
    def create(self, request):
        data = dict(parse(VacancyWriteSerializer, request.data).validated_data)
        data.pop("version", None)
        employer = self._employer_for_create(data.pop("employer", None))
        places = data.pop("places", [])
        postcode = data.pop("postcode", "")
        if "apply_method" not in data:  # a client from before the board took applications
            data["apply_method"] = Vacancy.apply_method_for(
                url=data.get("apply_url", ""), email=data.get("apply_email", "")
            )
        try:
            vacancy = services.vacancy_create(
                employer=employer, created_by=request.user, places=places, postcode=postcode, **data
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy, status.HTTP_201_CREATED)

    @extend_schema(
        request=VacancyWriteSerializer,
        responses={200: EmployerVacancySerializer, **WRITE_ERRORS},
        description="Change some fields. Send `version` to be told (409) if a colleague saved "
        "in between. A closed or expired vacancy must be renewed first. A live vacancy stays "
        "live: facts (pay, hours, contract, pattern, dates, the care-sector facts) apply at "
        "once; for an organisation staff have not verified, new wording (title, profession, "
        "description, places, how to apply) waits in `pending_change` for review while "
        "seekers see the approved version. Line endings are stored as LF.",
    )
    def partial_update(self, request, reference=None):
        vacancy = self.get_object()
        serializer = VacancyWriteSerializer(vacancy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "employer" in data:
            raise serializers.ValidationError({"employer": "A vacancy cannot change employer."})
        expected = data.pop("version", None)
        places = data.pop("places", None)
        postcode = data.pop("postcode", None)
        try:
            vacancy = services.vacancy_update(
                vacancy=vacancy,
                expected_version=expected,
                places=places,
                postcode=postcode,
                **data,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy)

    @extend_schema(
        responses={204: None, **WRITE_ERRORS},
        description="Delete a draft that was never published; published vacancies are kept.",
    )
    def destroy(self, request, reference=None):
        vacancy = self.get_object()
        try:
            services.vacancy_delete_draft(vacancy=vacancy)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: EmployerVacancySerializer, **WRITE_ERRORS},
        description="Live at once for a verified employer; otherwise `pending_review` until "
        "staff approve it.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, reference=None):
        vacancy = self.get_object()
        try:
            vacancy = services.vacancy_publish(vacancy=vacancy, user=request.user)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy)

    @extend_schema(
        request=CloseSerializer,
        responses={200: EmployerVacancySerializer, **WRITE_ERRORS},
        description="Close a live vacancy early; its page stays up, marked closed.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, reference=None):
        vacancy = self.get_object()
        outcome = parse(CloseSerializer, request.data).validated_data.get("outcome", "")
        try:
            vacancy = services.vacancy_close(vacancy=vacancy, outcome=outcome)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy)

    @extend_schema(
        request=RenewSerializer,
        responses={200: EmployerVacancySerializer, **WRITE_ERRORS},
        description="Reopen a closed or expired vacancy, or extend a live one, with a new "
        "(later) closing time; it is live at once.",
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, reference=None):
        vacancy = self.get_object()
        closes_at = parse(RenewSerializer, request.data).validated_data["closes_at"]
        try:
            vacancy = services.vacancy_renew(vacancy=vacancy, closes_at=closes_at)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy)

    @extend_schema(
        request=None,
        responses={201: EmployerVacancySerializer, 401: ERROR, 403: ERROR, 404: ERROR},
        description="Copy any of your vacancies into a new draft.",
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, reference=None):
        vacancy = self.get_object()
        copy = services.vacancy_duplicate(vacancy=vacancy, created_by=request.user)
        return self._answer(copy, status.HTTP_201_CREATED)

    @extend_schema(responses={200: EmployerVacancySerializer(many=True), **WRITE_ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: EmployerVacancySerializer, **WRITE_ERRORS})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
