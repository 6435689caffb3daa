"""Plans, their item trees, and what each item promises and who owns it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from workplan.accounts.models import Unit, User
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.tasks.models import task_link

if TYPE_CHECKING:
    from workplan.permissions import Action


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class PlanQuerySet(ScopedQuerySetMixin, models.QuerySet["Plan"]):
    """Scoped by the model's policy (``visible_to``)."""


class Plan(TimestampedModel):
    """An annual plan: the source document it was read from and the tree of its items."""

    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("owner unit")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    language = models.CharField(_("language"), max_length=5, default="zh")
    source_file = models.FileField(_("source document"), upload_to="plans/%Y/", blank=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64, blank=True, db_index=True)
    source_text = models.TextField(_("extracted text"), blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    objects: ClassVar[PlanQuerySet] = PlanQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering: ClassVar[list[str]] = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ARCHIVED = "archived", _("archived")


class PlanItemQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):  # type: ignore[misc]
    def of_plan(self, plan: Plan) -> PlanItemQuerySet:
        return self.filter(plan=plan)  # type: ignore[no-any-return]


class PlanItemManager(MP_NodeManager):  # type: ignore[misc]
    def get_queryset(self) -> PlanItemQuerySet:
        ordered: PlanItemQuerySet = PlanItemQuerySet(self.model).order_by("path")
        return ordered

    def visible_to(self, user: Any, action: Action | None = None) -> PlanItemQuerySet:
        return self.get_queryset().visible_to(user, action)


class PlanItem(MP_Node, TimestampedModel):  # type: ignore[misc]
    """A part, task or measure of a plan, in a materialised-path tree.

    ``number`` is normalised ('（三）' -> '3'), ``label`` is as written. ``source_start`` and
    ``source_end`` delimit the text the item came from in ``Plan.source_text``. Ordering
    by ``path`` gives document order; a subtree is one ``path LIKE`` query.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    number = models.CharField(_("number"), max_length=30, blank=True)
    label = models.CharField(_("label"), max_length=40, blank=True)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    source_start = models.PositiveIntegerField(_("source start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("source end"), null=True, blank=True)

    objects: ClassVar[PlanItemManager] = PlanItemManager()
    node_order_by: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["plan", "path"]),
            models.Index(fields=["plan", "due_date"]),
        ]

    def __str__(self) -> str:
        prefix = f"{self.label or self.number} " if (self.label or self.number) else ""
        return f"{prefix}{self.title[:60]}"

    @property
    def level(self) -> int:
        return int(self.depth)

    @property
    def heading(self) -> str:
        """Label and title as written: '一、总体要求', 'V. Strengthen …' (a space after a Latin label)."""
        if not self.label:
            return str(self.title)
        separator = " " if self.label[-1].isascii() and self.title[:1].isascii() else ""
        return f"{self.label}{separator}{self.title}"


class PromiseQuerySet(ScopedQuerySetMixin, models.QuerySet[Any]):
    """Scoped by the model's policy (``visible_to``)."""


class TargetKind(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    FREQUENCY = "frequency", _("frequency")
    AMOUNT = "amount", _("amount")
    OTHER = "other", _("other")


class Comparator(models.TextChoices):
    GE = ">=", _("at least")
    GT = ">", _("more than")
    LE = "<=", _("at most")
    LT = "<", _("less than")
    EQ = "=", _("exactly")
    BETWEEN = "between", _("between")


class Target(TimestampedModel):
    """A quantity an item promises ('80%以上', '1-2 legal consultants', 'once a year')."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="targets", verbose_name=_("item")
    )
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    value_max = models.FloatField(_("upper value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    source_start = models.PositiveIntegerField(_("source start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("source end"), null=True, blank=True)

    objects: ClassVar[PromiseQuerySet] = PromiseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering: ClassVar[list[str]] = ["item", "source_start", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_quantified(self) -> bool:
        return self.value is not None


class Deadline(TimestampedModel):
    """A date an item promises ('6月底前' -> 2019-06-30); ``date`` is empty for 'ongoing'."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("item")
    )
    text = models.TextField(_("text"))
    date = models.DateField(_("date"), null=True, blank=True)
    source_start = models.PositiveIntegerField(_("source start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("source end"), null=True, blank=True)

    objects: ClassVar[PromiseQuerySet] = PromiseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering: ClassVar[list[str]] = ["item", "source_start", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    RESPONSIBLE = "responsible", _("responsible unit")
    COOPERATING = "cooperating", _("cooperating unit")


class AssignmentQuerySet(ScopedQuerySetMixin, models.QuerySet["Assignment"]):
    """Scoped by the model's policy (``visible_to``)."""


class Assignment(TimestampedModel):
    """An item is owned by a unit in a role: lead, responsible or cooperating."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("item")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    source_text = models.CharField(_("name in the document"), max_length=200, blank=True)

    objects: ClassVar[AssignmentQuerySet] = AssignmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["item", "unit"], name="assignment_one_role_per_unit")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "item"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"


class DraftStatus(models.TextChoices):
    READING = "reading", _("being read")  # a large document, read by a background task
    UNREADABLE = "unreadable", _("unreadable")  # the task could not read it (``error`` says why)
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed")
    DISCARDED = "discarded", _("discarded")


class ImportDraftQuerySet(ScopedQuerySetMixin, models.QuerySet["ImportDraft"]):
    """Scoped by the model's policy (``visible_to``)."""


class ImportDraft(TimestampedModel):
    """An uploaded plan document under review, before it becomes a plan.

    ``data`` holds the parsed items as a flat list in document order (each with ``key``,
    ``level``, number, label, title, text and its promises, each promise with an
    ``accepted`` flag) and the unit names found with their proposed matches. The planner's
    corrections edit ``data``; confirming turns it into a plan in one transaction. A document
    larger than ``WORKPLAN_IMPORT_SYNC_BYTES`` is read by a background ``task``: the draft is
    ``reading`` until then, and ``unreadable`` (with the ``error``) when it is not a plan.
    """

    created_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner unit")
    )
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=5, default="zh")
    source_name = models.CharField(_("source file name"), max_length=255)
    source_file = models.FileField(_("source document"), upload_to="drafts/%Y/")
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64)
    text = models.TextField(_("extracted text"))
    data = models.JSONField(_("review data"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    task = task_link()
    error = models.TextField(_("why it could not be read"), blank=True)

    objects: ClassVar[ImportDraftQuerySet] = ImportDraftQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("import draft")
        verbose_name_plural = _("import drafts")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.title or self.source_name


class Milestone(TimestampedModel):
    """A dated checkpoint inside an item ('方案6月底前出台，9月底前完成试点')."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("item")
    )
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects: ClassVar[PromiseQuerySet] = PromiseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering: ClassVar[list[str]] = ["item", "due_date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"
