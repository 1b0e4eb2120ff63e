"""Core models: the audit log and in-app notifications (and the workflow engine, see workflow_models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chungsuc.core.workflow_models import *  # noqa: F401,F403  (the generic workflow engine's tables)


class AuditEntry(models.Model):
    """One change an official made: who, when, what, before/after, why.

    `unit_id` is the administrative unit the changed record belongs to (or None for province-wide
    records); the viewer scopes entries by it exactly as every other list is scoped. It is a plain
    integer, not a foreign key, because core sits below geo in the dependency order.
    """

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=100, db_index=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.title


class DataLoad(models.Model):
    """A record that a built-in or demo data set was loaded (name, checksum of its source, when)."""

    name = models.CharField(max_length=100, unique=True)
    checksum = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lần nạp dữ liệu")
        verbose_name_plural = _("lần nạp dữ liệu")

    def __str__(self) -> str:
        return self.name
