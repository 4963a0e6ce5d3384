"""The employer's applications API: read a vacancy's applications with the member's token.

``/api/v1/employer/applications/`` lists the submitted applications of every employer the
member belongs to (filter by vacancy, status and submission time, for an applicant tracking
system polling for new ones), ``.../<id>/`` reads one, ``.../<id>/cv/`` downloads its CV.
``/api/v1/employer/vacancies/<reference>/screening-questions/`` reads and replaces a
vacancy's screening questions; ``.../interview-slots/`` lists and adds a vacancy's interview
times, ``.../interview-slots/<id>/`` removes a free one and ``.../<id>/cancel/`` cancels a
candidate's booking (the same services, hence the same rules, as the team's pages). Anything
outside the member's employers is simply not found.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.files import serve_private_file
from applications.forms import SLOT_GAPS, SLOT_LENGTHS
from applications.models import (
    MAX_SCREENING_QUESTIONS,
    Application,
    InterviewSlot,
    ScreeningQuestion,
)
from common.api import (
    DETAIL_ERRORS,
    ERROR,
    WRITE_ERRORS,
    EnvelopeSchema,
    PageParams,
    absolute,
    choice_list,
    page_envelope,
    paginated,
    parse,
    service_error,
)
from listings.api.employer_vacancies import IsEmployerMember
from listings.models import Vacancy

READ_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 429: ERROR}
ONE_ERRORS = {401: ERROR, 403: ERROR, **DETAIL_ERRORS}


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(source="question.text")
    kind = serializers.ChoiceField(source="question.kind", choices=ScreeningQuestion.Kind.choices)
    must_be_yes = serializers.BooleanField(source="question.must_be_yes")
    answer_yes = serializers.BooleanField(
        allow_null=True, help_text="For a yes/no question; null when not answered."
    )
    answer_text = serializers.CharField(help_text="For a short-answer question.")


class CvSerializer(serializers.Serializer):
    name = serializers.CharField(source="cv_name")
    content_type = serializers.CharField(source="cv_content_type")
    size = serializers.IntegerField(source="cv_size", help_text="Bytes.")
    url = serializers.SerializerMethodField(help_text="Download it with the same token.")

    def get_url(self, obj: Application) -> str:
        return absolute(f"/api/v1/employer/applications/{obj.pk}/cv/")


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as the employer's team sees it (equality answers are never here)."""

    vacancy = serializers.CharField(source="vacancy.reference", help_text="Its reference.")
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in selectors.TEAM_VIEW_STATUSES]
    )
    right_to_work = serializers.ChoiceField(
        choices=[("", "Not said"), *Application.RightToWork.choices]
    )
    answers = AnswerSerializer(many=True)
    cv = serializers.SerializerMethodField()
    source = serializers.CharField(help_text="Where the candidate came from (a traffic source).")

    class Meta:
        model = Application
        fields = [
            "id",
            "vacancy",
            "status",
            "full_name",
            "email",
            "phone",
            "right_to_work",
            "registration_number",
            "dbs_update_service",
            "supporting_statement",
            "screening_passed",
            "screening_yes_count",
            "answers",
            "rating",
            "source",
            "cv",
            "submitted_at",
            "status_changed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CvSerializer(allow_null=True))
    def get_cv(self, obj: Application) -> dict | None:
        return CvSerializer(obj).data if obj.cv else None


class ApplicationListParams(PageParams):
    vacancy = serializers.RegexField(
        r"^[0-9A-Za-z]{1,16}$", required=False, help_text="Only this vacancy's (its reference)."
    )
    status = choice_list(
        [(s.value, s.label) for s in selectors.TEAM_VIEW_STATUSES],
        "Only applications in this status.",
    )
    since = serializers.DateTimeField(
        required=False, help_text="Only applications submitted at or after this time (ISO 8601)."
    )


class EmployerApplicationViewSet(viewsets.GenericViewSet):
    """Submitted applications to your employers' vacancies, newest first."""

    permission_classes = [IsAuthenticated, IsEmployerMember]
    serializer_class = ApplicationSerializer
    schema = EnvelopeSchema()
    filter_backends: list = []
    pagination_class = None
    queryset = Application.objects.none()

    def _base(self):
        return selectors.employer_applications(user=self.request.user).prefetch_related(
            "answers__question"
        )

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_applications_list",
        parameters=[ApplicationListParams],
        responses={
            200: paginated(ApplicationSerializer, "PaginatedApplicationList"),
            **READ_ERRORS,
        },
    )
    def list(self, request):
        params = parse(ApplicationListParams, request.query_params)
        data = params.validated_data
        rows = self._base()
        if data.get("vacancy"):
            rows = rows.filter(vacancy__reference=data["vacancy"].upper())
        if data.get("status"):
            rows = rows.filter(status__in=data["status"])
        if data.get("since"):
            rows = rows.filter(submitted_at__gte=data["since"])
        rows = rows.order_by("-submitted_at", "-id")
        page = page_envelope(request, params, queryset=rows, count=rows.count())
        page["results"] = list(ApplicationSerializer(page.pop("rows"), many=True).data)
        return Response(page)

    def _one(self, pk) -> Application:
        try:
            number = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404("No such application.") from exc
        application = self._base().filter(pk=number).first()
        if application is None:
            raise Http404("No such application.")
        return application

    @extend_schema(tags=["employer"], responses={200: ApplicationSerializer, **ONE_ERRORS})
    def retrieve(self, request, pk=None):
        return Response(ApplicationSerializer(self._one(pk)).data)

    @extend_schema(
        tags=["employer"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The CV, as an attachment."
            ),
            **ONE_ERRORS,
        },
        description="The candidate's CV as they sent it (404 when they sent none).",
    )
    @action(detail=True, methods=["get"])
    def cv(self, request, pk=None):
        application = self._one(pk)
        return serve_private_file(
            application.cv,
            filename=application.cv_name,
            content_type=application.cv_content_type,
        )


class ScreeningQuestionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(
        choices=ScreeningQuestion.Kind.choices, default=ScreeningQuestion.Kind.YES_NO
    )
    must_be_yes = serializers.BooleanField(
        default=False, help_text="A knock-out: only for a yes/no question."
    )


class ScreeningQuestionsSerializer(serializers.Serializer):
    questions = ScreeningQuestionSerializer(many=True, max_length=MAX_SCREENING_QUESTIONS)


def _member_vacancy(user, reference: str) -> Vacancy:
    """One of the member's active employers' vacancies by reference; 404 for any other."""
    vacancy = (
        Vacancy.objects.filter(
            reference=(reference or "").upper()[:16],
            employer__memberships__user=user,
            employer__is_active=True,
        )
        .only("id", "reference", "employer_id")
        .first()
    )
    if vacancy is None:
        raise Http404("No such vacancy.")
    return vacancy


class ScreeningQuestionsView(APIView):
    """A vacancy's screening questions (at most five), asked of candidates applying here."""

    permission_classes = [IsAuthenticated, IsEmployerMember]

    def _vacancy(self, reference: str) -> Vacancy:
        return _member_vacancy(self.request.user, reference)

    def _answer(self, vacancy: Vacancy) -> Response:
        questions = ScreeningQuestion.objects.filter(vacancy=vacancy)
        return Response({"questions": ScreeningQuestionSerializer(questions, many=True).data})

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_screening_questions_retrieve",
        responses={200: ScreeningQuestionsSerializer, **ONE_ERRORS},
    )
    def get(self, request, reference):
        return self._answer(self._vacancy(reference))

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_screening_questions_update",
        request=ScreeningQuestionsSerializer,
        responses={200: ScreeningQuestionsSerializer, **WRITE_ERRORS},
        description="Replace the questions (send all of them, in order; an empty list "
        "removes them). Refused (400) once a candidate has applied.",
    )
    def put(self, request, reference):
        vacancy = self._vacancy(reference)
        questions = parse(ScreeningQuestionsSerializer, request.data).validated_data["questions"]
        try:
            services.screening_questions_set(vacancy=vacancy, questions=questions)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._answer(vacancy)


# --- Interview slots ------------------------------------------------------------------------


class InterviewSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    where = serializers.CharField(help_text="The address, or the video call link.")
    is_video = serializers.BooleanField()
    application = serializers.IntegerField(
        source="taken_by_id",
        allow_null=True,
        help_text="The id of the application whose candidate chose it; null while free.",
    )


class InterviewSlotsSerializer(serializers.Serializer):
    slots = InterviewSlotSerializer(many=True)


class InterviewSlotsAddSerializer(serializers.Serializer):
    """What the team's form takes: the first time, each one's length, how many follow."""

    day = serializers.DateField(help_text="The day, in the board's time zone.")
    start = serializers.TimeField(help_text="The first interview's local time, HH:MM.")
    minutes = serializers.ChoiceField(choices=[m for m, _ in SLOT_LENGTHS], default=30)
    count = serializers.IntegerField(
        default=1,
        min_value=1,
        max_value=services.MAX_SLOTS_AT_ONCE,
        help_text="How many interviews, one after another.",
    )
    gap = serializers.ChoiceField(
        choices=[m for m, _ in SLOT_GAPS], default=0, help_text="Minutes between interviews."
    )
    place = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="An address, or:"
    )
    video_link = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="A video call link (https://)."
    )


class BookingCancelSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=services.CANCEL_NOTE_MAX_LENGTH,
        allow_blank=True,
        default="",
        help_text="A message to the candidate, in the email that tells them.",
    )


def _member_slot(vacancy: Vacancy, slot_id: int) -> InterviewSlot:
    slot = InterviewSlot.objects.filter(vacancy=vacancy, pk=slot_id).first()
    if slot is None:
        raise Http404("No such interview time.")
    return slot


class InterviewSlotsView(APIView):
    """A vacancy's interview times, in time order, and who chose each."""

    permission_classes = [IsAuthenticated, IsEmployerMember]

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_interview_slots_list",
        responses={200: InterviewSlotsSerializer, **ONE_ERRORS},
    )
    def get(self, request, reference):
        vacancy = _member_vacancy(request.user, reference)
        slots = selectors.vacancy_slots(vacancy=vacancy)
        return Response({"slots": InterviewSlotSerializer(slots, many=True).data})

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_interview_slots_create",
        request=InterviewSlotsAddSerializer,
        responses={201: InterviewSlotsSerializer, **WRITE_ERRORS},
        description="Offer up to twelve times at once, all or none: refused (400, by field) "
        "when one is in the past or more than a year ahead, overlaps a time already offered, "
        "or has both or neither of an address and a video call link.",
    )
    def post(self, request, reference):
        vacancy = _member_vacancy(request.user, reference)
        data = parse(InterviewSlotsAddSerializer, request.data).validated_data
        try:
            added = services.interview_slots_add(vacancy=vacancy, **data)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(
            {"slots": InterviewSlotSerializer(added, many=True).data},
            status=status.HTTP_201_CREATED,
        )


class InterviewSlotView(APIView):
    """One interview time of a vacancy."""

    permission_classes = [IsAuthenticated, IsEmployerMember]

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_interview_slots_destroy",
        responses={204: None, **WRITE_ERRORS},
        description="Stop offering a free time; one a candidate chose is refused (400): "
        "cancel the booking first.",
    )
    def delete(self, request, reference, slot_id):
        vacancy = _member_vacancy(request.user, reference)
        slot = _member_slot(vacancy, slot_id)
        try:
            services.interview_slot_remove(vacancy=vacancy, slot_id=slot.pk)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class InterviewBookingCancelView(APIView):
    """Cancel the booking of an interview time to come."""

    permission_classes = [IsAuthenticated, IsEmployerMember]

    @extend_schema(
        tags=["employer"],
        operation_id="v1_employer_vacancies_interview_slots_cancel",
        request=BookingCancelSerializer,
        responses={200: InterviewSlotSerializer, **WRITE_ERRORS},
        description="Free the time and email the candidate (with `note`, if given) a link "
        "to choose again; the time stays offered. Refused (400) when nobody holds it or it "
        "has begun.",
    )
    def post(self, request, reference, slot_id):
        vacancy = _member_vacancy(request.user, reference)
        slot = _member_slot(vacancy, slot_id)
        note = parse(BookingCancelSerializer, request.data).validated_data["note"]
        try:
            services.interview_booking_cancel(
                vacancy=vacancy, slot_id=slot.pk, note=note, actor=request.user
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        slot.refresh_from_db()
        return Response(InterviewSlotSerializer(slot).data)
