"""Tables of the generic workflow engine: workflows, their states and transitions as data, and cases.

A `Workflow` is data (states and the transitions allowed between them, with the roles that may take
each one), so a recognition dossier's three tiers until 30/6/2025 and two tiers after are two rows of
data, not two pieces of code. A `WorkflowCase` is one subject (any model, through contenttypes) going
through one workflow; every move is a `WorkflowEvent`. Writes go through `chungsuc.core.workflow`.

`unit_id` is the administrative unit the subject belongs to, a plain integer because core sits below
geo in the dependency order; permission is asked of accounts through a settings hook.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Workflow",
    "WorkflowBallot",
    "WorkflowCase",
    "WorkflowEvent",
    "WorkflowReminder",
    "WorkflowState",
    "WorkflowTask",
    "WorkflowTransition",
]


class Workflow(models.Model):
    code = models.SlugField(_("mã"), max_length=80, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    active = models.BooleanField(_("đang sử dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "core"
        ordering = ["code"]
        verbose_name = _("quy trình")
        verbose_name_plural = _("quy trình")

    def __str__(self) -> str:
        return self.name

    @property
    def initial_state(self) -> "WorkflowState | None":
        return self.states.filter(is_initial=True).first()


class WorkflowState(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="states")
    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_initial = models.BooleanField(_("trạng thái đầu"), default=False)
    is_final = models.BooleanField(_("trạng thái cuối"), default=False)
    locks_data = models.BooleanField(
        _("khóa dữ liệu"), default=False, help_text=_("Ở trạng thái này dữ liệu của hồ sơ chỉ được xem.")
    )
    is_public = models.BooleanField(
        _("công khai"), default=False, help_text=_("Ở trạng thái này hồ sơ được công bố trên cổng công khai.")
    )
    # Due date: `due_days` calendar days after the case enters the state (unless the case is given
    # its own date); reminders at these offsets from it (-3 = three days before, 2 = two days after);
    # when the date has passed, the scheduled job takes `overdue_transition` as the system.
    due_days = models.PositiveIntegerField(_("thời hạn (ngày)"), null=True, blank=True)
    reminder_days = models.JSONField(_("nhắc hạn (ngày so với hạn)"), default=list, blank=True)
    overdue_transition = models.SlugField(_("thao tác khi quá hạn"), max_length=60, blank=True)
    # Tasks opened when a case enters the state (plain data: code, name, roles, kind, vote rule ...),
    # and the rule that advances the case when they are finished.
    tasks = models.JSONField(_("nhiệm vụ"), default=list, blank=True)
    advance_when = models.CharField(_("chuyển tiếp khi"), max_length=10, blank=True)
    advance_transition = models.SlugField(_("thao tác chuyển tiếp"), max_length=60, blank=True)
    advance_on_outcome = models.JSONField(_("chuyển tiếp theo kết quả"), default=dict, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["workflow", "order", "id"]
        verbose_name = _("trạng thái quy trình")
        verbose_name_plural = _("trạng thái quy trình")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="core_workflowstate_unique_code"),
            models.UniqueConstraint(
                fields=["workflow"],
                condition=models.Q(is_initial=True),
                name="core_workflowstate_one_initial",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowTransition(models.Model):
    """A move from `source` to `target`, allowed to holders of any role in `roles` over the unit.

    The same `code` may leave several states (e.g. "return" from each level of appraisal); from one
    state a code is unique, so "take transition X now" always names exactly one row.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên"), max_length=200)
    source = models.ForeignKey(
        WorkflowState, on_delete=models.CASCADE, related_name="outgoing", verbose_name=_("từ trạng thái")
    )
    target = models.ForeignKey(
        WorkflowState, on_delete=models.CASCADE, related_name="incoming", verbose_name=_("sang trạng thái")
    )
    roles = models.JSONField(_("vai trò được thực hiện"), default=list, blank=True)
    requires_reason = models.BooleanField(_("bắt buộc nêu lý do"), default=False)
    is_reopen = models.BooleanField(_("là mở lại"), default=False)
    requires_tasks_done = models.BooleanField(_("cần xong các nhiệm vụ"), default=False)
    # What the roles are held over: the case's unit, its organisation or its person.
    anchor = models.CharField(_("quyền tính theo"), max_length=12, default="unit")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        app_label = "core"
        ordering = ["workflow", "order", "id"]
        verbose_name = _("bước chuyển quy trình")
        verbose_name_plural = _("bước chuyển quy trình")
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "source", "code"], name="core_workflowtransition_unique_from_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.source.code} → {self.target.code})"


class WorkflowCase(models.Model):
    """One subject going through one workflow. `version` grows by one at every transition."""

    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="cases")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True, db_index=True)
    # Other anchors of "who may act": the organisation the subject belongs to (a department's report,
    # a body's nomination) and the person it concerns (a nominee). Plain integers: core sits below
    # accounts; the per-subject hook (see core.workflow) reads them.
    organisation_id = models.BigIntegerField(_("cơ quan"), null=True, blank=True, db_index=True)
    person_id = models.BigIntegerField(_("cá nhân"), null=True, blank=True, db_index=True)
    state = models.ForeignKey(WorkflowState, on_delete=models.PROTECT, related_name="cases")
    version = models.PositiveIntegerField(default=1)
    entered_at = models.DateTimeField(_("vào trạng thái lúc"), null=True, blank=True)
    due_on = models.DateField(_("hạn"), null=True, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "core"
        ordering = ["-updated_at", "-id"]
        verbose_name = _("hồ sơ trong quy trình")
        verbose_name_plural = _("hồ sơ trong quy trình")
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_wfcase_subject_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "content_type", "object_id"], name="core_workflowcase_one_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow.code} #{self.object_id} — {self.state.name}"

    @property
    def is_locked(self) -> bool:
        return self.state.locks_data

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return bool(self.due_on and not self.state.is_final and today > self.due_on)


class WorkflowEvent(models.Model):
    """One move of a case (the first event, with no transition, records the start)."""

    case = models.ForeignKey(WorkflowCase, on_delete=models.CASCADE, related_name="events")
    transition = models.ForeignKey(
        WorkflowTransition, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    transition_code = models.CharField(_("thao tác"), max_length=60, blank=True)
    transition_name = models.CharField(_("tên thao tác"), max_length=200, blank=True)
    from_state = models.ForeignKey(
        WorkflowState, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_state = models.ForeignKey(WorkflowState, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("lý do"), blank=True)
    # The state left was past its due date when this move was made (a late mark that stays).
    late = models.BooleanField(_("quá hạn"), default=False)
    due_on = models.DateField(_("hạn của trạng thái rời đi"), null=True, blank=True)
    batch = models.UUIDField(_("lô"), null=True, blank=True, db_index=True)

    class Meta:
        app_label = "core"
        ordering = ["at", "id"]
        verbose_name = _("sự kiện quy trình")
        verbose_name_plural = _("sự kiện quy trình")

    def __str__(self) -> str:
        source = self.from_state.code if self.from_state_id else "∅"
        return f"{source} → {self.to_state.code} ({self.actor_repr})"


class WorkflowTask(models.Model):
    """A piece of work inside one stay of a case in a state: an appraisal by one department, or a
    council vote. Assigned to a user, to an organisation, or to roles over the case's anchors.

    `event` is the event that entered the state, so a case that comes back to the state gets a new
    round of tasks and the old round stays as history.
    """

    class Kind(models.TextChoices):
        TASK = "task", _("nhiệm vụ")
        VOTE = "vote", _("biểu quyết")

    class Status(models.TextChoices):
        OPEN = "open", _("đang thực hiện")
        DONE = "done", _("đã xong")
        CANCELLED = "cancelled", _("đã hủy")

    case = models.ForeignKey(WorkflowCase, on_delete=models.CASCADE, related_name="tasks")
    state = models.ForeignKey(WorkflowState, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(WorkflowEvent, on_delete=models.CASCADE, related_name="tasks")
    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên"), max_length=300)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_organisation_id = models.BigIntegerField(_("cơ quan thực hiện"), null=True, blank=True)
    assignee_roles = models.JSONField(_("vai trò thực hiện"), default=list, blank=True)
    outcomes = models.JSONField(_("kết quả có thể"), default=list, blank=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("kết quả"), max_length=60, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    due_on = models.DateField(_("hạn"), null=True, blank=True, db_index=True)
    reminder_days = models.JSONField(_("nhắc hạn (ngày so với hạn)"), default=list, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    late = models.BooleanField(_("quá hạn"), default=False)
    # Votes: the members called to vote, whether the vote is secret, the quorum and pass threshold
    # as data ("2/3", "50%", ">1/2"), what the threshold counts ("cast" ballots or all "members"),
    # and the tally (for a secret vote the only place choices are kept, with no link to voters).
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    secret = models.BooleanField(_("bỏ phiếu kín"), default=False)
    quorum = models.CharField(_("số thành viên tối thiểu"), max_length=20, blank=True)
    threshold = models.CharField(_("tỷ lệ thông qua"), max_length=20, blank=True)
    threshold_of = models.CharField(_("tỷ lệ tính trên"), max_length=10, blank=True)
    tally = models.JSONField(_("kết quả kiểm phiếu"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        ordering = ["case", "id"]
        verbose_name = _("nhiệm vụ trong quy trình")
        verbose_name_plural = _("nhiệm vụ trong quy trình")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="core_workflowtask_unique_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return bool(self.due_on and self.status == self.Status.OPEN and today > self.due_on)


class WorkflowBallot(models.Model):
    """One member's vote on a vote task. For a secret vote `choice` stays empty: the ballot only
    proves the member voted (once); the choice went into the task's tally."""

    task = models.ForeignKey(WorkflowTask, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("lựa chọn"), max_length=10, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        ordering = ["task", "id"]
        verbose_name = _("phiếu biểu quyết")
        verbose_name_plural = _("phiếu biểu quyết")
        constraints = [models.UniqueConstraint(fields=["task", "voter"], name="core_ballot_one_per_member")]

    def __str__(self) -> str:
        return f"{self.task} — {self.voter}"


class WorkflowReminder(models.Model):
    """A reminder the scheduled job has sent (its key makes the job idempotent)."""

    key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(WorkflowCase, on_delete=models.CASCADE, related_name="reminders")
    task = models.ForeignKey(
        WorkflowTask, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField()
    offset_days = models.IntegerField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "core"
        ordering = ["-sent_at", "-id"]
        verbose_name = _("lời nhắc hạn")
        verbose_name_plural = _("lời nhắc hạn")

    def __str__(self) -> str:
        return f"{self.key} ({self.recipients})"
