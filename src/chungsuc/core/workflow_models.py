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

__all__ = ["Workflow", "WorkflowCase", "WorkflowEvent", "WorkflowState", "WorkflowTransition"]


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
    state = models.ForeignKey(WorkflowState, on_delete=models.PROTECT, related_name="cases")
    version = models.PositiveIntegerField(default=1)
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

    class Meta:
        app_label = "core"
        ordering = ["at", "id"]
        verbose_name = _("sự kiện quy trình")
        verbose_name_plural = _("sự kiện quy trình")

    def __str__(self) -> str:
        source = self.from_state.code if self.from_state_id else "∅"
        return f"{source} → {self.to_state.code} ({self.actor_repr})"
