"""Growth programmes: calls (공고), application forms and applications, reviewers and their
conflicts, assignment runs, reviews, selection runs, awards, milestones and reports.

Money is whole KRW (`BigIntegerField`), never a float. Times are stored in UTC and shown in
Asia/Seoul. Every write goes through `services`; "before" states are read from the locked row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company, Technology
from bitgoeul.programs.enums import (
    ApplicationState,
    AwardState,
    CallState,
    ConflictSource,
    EligibilityKind,
    FieldKind,
    FieldMeaning,
    MilestoneState,
    ReviewState,
    RunState,
    TieKind,
)

USER = settings.AUTH_USER_MODEL


class Call(models.Model):
    """A call for applications (공고) of a support programme."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)  # safe formatted text (see `text.render`)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="organized_calls",
        verbose_name=_("organiser"),
    )
    co_organizers = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="co_organized_calls",
        verbose_name=_("co-organisers"),
    )
    budget = models.BigIntegerField(_("budget (KRW)"))
    max_award = models.BigIntegerField(_("maximum per award (KRW)"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))  # the server's clock decides, to the second
    blind = models.BooleanField(_("blind review"), default=False)
    state = models.CharField(max_length=20, choices=CallState.choices, default=CallState.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["state", "-closes_at"]),  # notice board (open calls first)
        ]

    def __str__(self) -> str:
        return self.title


def call_attachment_path(instance: CallAttachment, filename: str) -> str:
    return f"calls/{instance.call_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class CallAttachment(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=call_attachment_path)
    name = models.CharField(max_length=200)  # the name as uploaded
    kind = models.CharField(max_length=10)  # pdf, hwp, hwpx, docx, xlsx: checked by content
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EvaluationStage(models.Model):
    """One evaluation stage of a call (서면평가 → 발표평가), in `order`."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3
    )
    review_due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    advance_count = models.PositiveIntegerField(  # None: every reviewed application advances
        _("applications that advance"), null=True, blank=True
    )

    class Meta:
        ordering = ["call", "order"]
        constraints = [
            models.UniqueConstraint(fields=["call", "order"], name="one_stage_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.order} {self.name}"


class Criterion(models.Model):
    """A scored criterion of a stage; a stage's weights sum to 100."""

    stage = models.ForeignKey(EvaluationStage, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)

    class Meta:
        ordering = ["stage", "order"]

    def __str__(self) -> str:
        return self.name


class EligibilityRule(models.Model):
    """A rule a company must pass to apply (`EligibilityKind` documents `params`)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="eligibility_rules")
    kind = models.CharField(max_length=20, choices=EligibilityKind.choices)
    params = models.JSONField(default=dict)

    class Meta:
        ordering = ["call", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.params}"


class FormField(models.Model):
    """A typed field of a call's application form. `key` names the value in an application's
    `data`; a field with a `meaning` feeds the application's title, summary, amount or keywords.
    CHOICE: `options` = [{"value", "label", "label_en"}]; ROWS: `columns` = [{"key", "label",
    "label_en", "kind" (short_text, number, money, date)}]."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_fields")
    order = models.PositiveSmallIntegerField(default=1)
    key = models.SlugField(max_length=50)
    kind = models.CharField(max_length=20, choices=FieldKind.choices)
    meaning = models.CharField(max_length=20, choices=FieldMeaning.choices, blank=True)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200, blank=True)
    help_text = models.TextField(_("help text"), blank=True)
    help_text_en = models.TextField(_("help text in English"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)  # text fields
    options = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_form_field_per_key"),
            models.UniqueConstraint(
                fields=["call", "meaning"],
                condition=~models.Q(meaning=""),
                name="one_form_field_per_meaning",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.key}"


class Application(models.Model):
    """A company's application to a call. `data` is the working draft ({field key: value});
    each submission freezes a copy as an `ApplicationRevision`. `version` grows on every saved
    draft so that two members editing at once are told (last-writer conflicts)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="applications")
    state = models.CharField(
        max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    data = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    # Copied from the fields with a meaning, on every save (totals, search, matching)
    title = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    requested_amount = models.BigIntegerField(null=True, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    stage = models.ForeignKey(  # the evaluation stage it is in (None before review)
        EvaluationStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_note = models.TextField(blank=True)  # the last request for changes
    # Organisations applying together with the company (consortium partners); a reviewer tied
    # to one of them is in conflict with the application (review area)
    co_applicants = models.ManyToManyField(
        Organization, blank=True, related_name="co_applications", verbose_name=_("co-applicants")
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "company"], name="one_application_per_call")
        ]
        indexes = [
            models.Index(fields=["call", "state"]),  # staff application list
            models.Index(fields=["company", "-updated_at"]),  # "my applications"
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.company_id}"


class ApplicationRevision(models.Model):
    """A frozen submitted version of an application; never edited after it is written."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    title = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    requested_amount = models.BigIntegerField(null=True, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_revision_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} r{self.number}"


def application_file_path(instance: ApplicationFile, filename: str) -> str:
    # No company name in the stored path: blind reviewers download through a view that names
    # the file by application number and field.
    return f"applications/{instance.application_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class ApplicationFile(models.Model):
    """A file uploaded for a FILE field. While the application is a draft `revision` is None;
    a submission attaches the draft's files to the new revision (and later drafts copy them)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    revision = models.ForeignKey(
        ApplicationRevision,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    field_key = models.SlugField(max_length=50)
    file = models.FileField(upload_to=application_file_path)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Reviewer(models.Model):
    """A person in the reviewer pool. The role itself is `accounts.ReviewerProfile` (its free
    text `expertise` is the profile text used for affinity); this adds the expertise tags from
    the technology list and the ties from which conflicts are found."""

    user = models.OneToOneField(
        USER, primary_key=True, on_delete=models.CASCADE, related_name="program_reviewer"
    )
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="+", verbose_name=_("expertise")
    )
    max_load = models.PositiveSmallIntegerField(_("most applications per call"), default=10)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reviewer {self.user_id}"


class ReviewerTie(models.Model):
    """A reviewer's tie to an organisation: by platform organisation when known, else by
    사업자등록번호 (matched to companies when conflicts are found), else by name only."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="ties")
    kind = models.CharField(max_length=20, choices=TieKind.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    business_number = models.CharField(max_length=10, blank=True)  # digits only
    name = models.CharField(max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)  # None: still tied

    class Meta:
        indexes = [models.Index(fields=["business_number"])]  # conflicts by 사업자등록번호

    def __str__(self) -> str:
        return f"{self.reviewer_id} {self.kind} {self.organization_id or self.business_number}"


class Conflict(models.Model):
    """A reviewer who must not review an application, with where that was learnt."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(max_length=20, choices=ConflictSource.choices)
    detail = models.CharField(max_length=300, blank=True)  # e.g. the tie and its dates
    tie = models.ForeignKey(
        ReviewerTie, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "source"], name="one_conflict_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}×{self.reviewer_id} {self.source}"


class AssignmentRun(models.Model):
    """One run of the engine's assignment for a stage: a proposal that staff may adjust, then
    deploy. `inputs` keeps the problem as sent to the engine, `result` its summary."""

    stage = models.ForeignKey(
        EvaluationStage, on_delete=models.CASCADE, related_name="assignment_runs"
    )
    policy = models.CharField(max_length=10)  # optimize AssignmentPolicy: total, fair
    min_load = models.PositiveSmallIntegerField(default=0)
    max_load = models.PositiveSmallIntegerField(default=10)
    state = models.CharField(max_length=20, choices=RunState.choices, default=RunState.RUNNING)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inputs = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    deployed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deployed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"assignment run {self.pk}"


class Assignment(models.Model):
    """A reviewer assigned to an application in a stage. Rows of a run that is not deployed
    are a proposal (`active` False); deploying a run makes its rows active."""

    run = models.ForeignKey(
        AssignmentRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    stage = models.ForeignKey(EvaluationStage, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="assignments")
    affinity = models.FloatField(default=0.0)
    manual = models.BooleanField(default=False)  # added or moved by staff after the run
    active = models.BooleanField(default=False)
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    # the last review reminder sent (scoring: never the same reminder twice within a day)
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application", "reviewer"], name="one_assignment_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["reviewer", "active"]),  # "my assignments"
            models.Index(fields=["stage", "active"]),  # score table
        ]

    def __str__(self) -> str:
        return f"{self.application_id}←{self.reviewer_id}"


class Review(models.Model):
    """A reviewer's scores for one assignment, on the revision they read."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    revision = models.ForeignKey(
        ApplicationRevision, on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT)
    comment_to_staff = models.TextField(_("comment to staff"), blank=True)
    comment_to_applicant = models.TextField(_("comment to the applicant"), blank=True)
    total = models.FloatField(null=True, blank=True)  # weighted, out of 100; n/a excluded
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"review {self.assignment_id}"


class Score(models.Model):
    """One criterion's score in a review; `value` None is "n/a" (never counted as zero)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.criterion_id}={self.value}"


class SelectionRun(models.Model):
    """One run of the engine's selection for a call: `inputs` (candidates, budget, floors,
    lottery band and seed) are saved so anyone can rerun it and get the same result."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="selection_runs")
    policy = models.CharField(max_length=10)  # optimize SelectionPolicy: rank, optimal
    budget = models.BigIntegerField()
    seed = models.BigIntegerField(default=0)
    lottery_band = models.FloatField(null=True, blank=True)
    score_basis = models.CharField(max_length=20, default="calibrated")  # mean, trimmed, calibrated
    state = models.CharField(max_length=20, choices=RunState.choices, default=RunState.RUNNING)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inputs = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"selection run {self.pk}"


class SelectionDecision(models.Model):
    """One application's outcome in a selection run, with the engine's reason code."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="decisions")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    selected = models.BooleanField()
    reason = models.CharField(max_length=20)  # optimize DecisionReason
    note = models.CharField(max_length=300, blank=True)
    score = models.FloatField()
    amount = models.BigIntegerField()
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="one_decision_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.application_id} {self.reason}"


class Award(models.Model):
    """A selected application's award: the agreement (협약) and its milestones."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    selection_run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    state = models.CharField(
        max_length=20, choices=AwardState.choices, default=AwardState.AGREEMENT
    )
    agreement_signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"award {self.application_id}"


class Milestone(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=1)
    deliverable = models.CharField(_("deliverable"), max_length=300)
    due_on = models.DateField(_("due date"))
    tranche = models.BigIntegerField(_("tranche (KRW)"))
    state = models.CharField(
        max_length=20, choices=MilestoneState.choices, default=MilestoneState.PENDING
    )
    released_at = models.DateTimeField(null=True, blank=True)  # tranche released on approval
    reminded_at = models.DateTimeField(null=True, blank=True)  # last overdue reminder

    class Meta:
        ordering = ["award", "order"]
        indexes = [models.Index(fields=["state", "due_on"])]  # overdue reminders

    def __str__(self) -> str:
        return f"{self.award_id}/{self.order}"


def milestone_report_path(instance: MilestoneReport, filename: str) -> str:
    return f"milestones/{instance.milestone_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class MilestoneReport(models.Model):
    """A report the company uploads for a milestone, and staff's review (검수) of it. The
    outcome figures flow into the company's yearly metrics when the report is approved."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    file = models.FileField(upload_to=milestone_report_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    hires = models.PositiveIntegerField(_("new hires"), null=True, blank=True)
    revenue = models.BigIntegerField(_("revenue (KRW)"), null=True, blank=True)
    investment = models.BigIntegerField(_("investment attracted (KRW)"), null=True, blank=True)
    products = models.PositiveIntegerField(_("products launched"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    review_note = models.TextField(_("review comments"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)  # None: not reviewed yet

    class Meta:
        ordering = ["milestone", "-submitted_at"]

    def __str__(self) -> str:
        return f"report {self.milestone_id}"
