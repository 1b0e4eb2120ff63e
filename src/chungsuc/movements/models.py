"""An emulation movement as data: the plan (a legal act with its legal bases and versions), its
sections' text, its targets by year, the participants and what they owe (plans, annual reports,
reviews) with due dates, their structured reports, the province's reported counts, commune groups and
roadmaps.

Targets, obligations and responsibilities point to the section (paragraph) of the plan they come from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chungsuc.core.concurrency import VersionedModel
from chungsuc.core.files import StoredFileModel


class MovementStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang thực hiện")
    ENDED = "ended", _("Đã kết thúc")
    REVIEWED = "reviewed", _("Đã tổng kết")


class Movement(VersionedModel):
    """A movement's plan. Its act (number, symbol, date, issuing body, signer) is a `core.LegalAct`
    (`legal_act`, linked to the movement as what it decides); the act's fields are also kept here for
    display and for a movement recorded before its act is numbered."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên kế hoạch"), max_length=400)
    short_name = models.CharField(_("tên ngắn"), max_length=200, blank=True)
    province = models.ForeignKey(
        "geo.Unit", on_delete=models.PROTECT, related_name="movements", verbose_name=_("tỉnh")
    )
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    legal_act = models.ForeignKey(
        "core.LegalAct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("văn bản ban hành"),
    )
    act_kind = models.CharField(_("loại văn bản"), max_length=40, default="plan")
    act_number = models.CharField(_("số"), max_length=40, blank=True)
    act_symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    act_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(_("từ năm"))
    period_end = models.PositiveSmallIntegerField(_("đến năm"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=MovementStatus.choices, default=MovementStatus.IN_FORCE
    )
    summary = models.TextField(_("tóm tắt"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    is_builtin = models.BooleanField(default=False)
    is_demo = models.BooleanField(_("dữ liệu DEMO"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="movements_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("movements:detail", args=[self.pk])

    @property
    def act_reference(self) -> str:
        """ "861/KH-UBND" as Nghị định 30/2020 writes a number and symbol."""
        if self.act_number and self.act_symbol:
            return f"{self.act_number}/{self.act_symbol}"
        return self.act_number or self.act_symbol

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


class LegalBasis(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    date = models.DateField(_("ngày"), null=True, blank=True)
    text = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["movement", "order", "id"]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")

    def __str__(self) -> str:
        return self.number or self.text[:60]


class MovementVersion(models.Model):
    """A version of the plan's targets. Version 1 is the plan as issued; an amendment decided later
    starts a new version from its date. Progress is measured against the version in force."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("phiên bản"))
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    decision_text = models.CharField(_("văn bản điều chỉnh"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movement", "number"]
        verbose_name = _("phiên bản kế hoạch")
        verbose_name_plural = _("phiên bản kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="movements_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.movement} — v{self.number}"


class Section(models.Model):
    """One paragraph (or heading) of the plan's text, numbered as the plan numbers it ("II.2.1")."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("mục"), max_length=20)
    heading = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["movement", "order", "id"]
        verbose_name = _("mục của kế hoạch")
        verbose_name_plural = _("mục của kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="movements_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}" if self.heading else self.number


class TargetLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")


class Target(models.Model):
    """A target of the plan (section II.2.x): how many more units reach a standard, year by year.
    `standards` lists the register's standards that count (2.3 counts districts "NTM" and towns
    "hoàn thành nhiệm vụ")."""

    version = models.ForeignKey(MovementVersion, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("mã chỉ tiêu"), max_length=20)
    name = models.CharField(_("chỉ tiêu"), max_length=300)
    level = models.CharField(_("cấp"), max_length=10, choices=TargetLevel.choices)
    standards = models.JSONField(_("mức đạt chuẩn được tính"), default=list)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="movements_target_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TargetYear(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("năm"))
    count = models.PositiveIntegerField(_("số đơn vị"))

    class Meta:
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="movements_targetyear_unique")]

    def __str__(self) -> str:
        return f"{self.target.code} {self.year}: {self.count}"


class ParticipantKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    FRONT = "front", _("Mặt trận Tổ quốc")
    MASS_ORG = "mass_org", _("Tổ chức chính trị – xã hội")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    CLUSTER = "cluster", _("Cụm, khối thi đua")


class Participant(models.Model):
    """A body that takes part in the movement and owes it plans and reports. `unit` is where it acts
    (the province for departments, its district for a district people's committee)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="movement_participations"
    )
    kind = models.CharField(_("loại"), max_length=30, choices=ParticipantKind.choices)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("đang tham gia"), default=True)

    class Meta:
        ordering = ["movement", "kind", "organisation__name"]
        verbose_name = _("đơn vị tham gia")
        verbose_name_plural = _("đơn vị tham gia")
        constraints = [
            models.UniqueConstraint(fields=["movement", "organisation"], name="movements_participant_unique")
        ]

    def __str__(self) -> str:
        return self.organisation.short_name or self.organisation.name


class Responsibility(models.Model):
    """A responsibility the plan gives (sections III, IV, VI, VII), tied to its paragraph."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="responsibilities")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="responsibilities")
    text = models.TextField(_("nội dung"))
    participants = models.ManyToManyField(Participant, blank=True, related_name="responsibilities")
    organisations = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+")

    class Meta:
        ordering = ["movement", "section__order", "id"]
        verbose_name = _("trách nhiệm")
        verbose_name_plural = _("trách nhiệm")

    def __str__(self) -> str:
        return f"{self.section.number}: {self.text[:60]}"


class ObligationKind(models.TextChoices):
    PLAN = "plan", _("Kế hoạch triển khai")
    ANNUAL_REPORT = "annual_report", _("Báo cáo hằng năm")
    MIDTERM_REVIEW = "midterm_review", _("Báo cáo sơ kết")
    FINAL_REVIEW = "final_review", _("Báo cáo tổng kết")


class Obligation(models.Model):
    """What a participant owes for a year, by a due date, from a paragraph of the plan. `late` is the
    mark that stays: set when the due date passes without a submission or when the first submission
    came after it; a later acceptance never clears it."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("loại"), max_length=20, choices=ObligationKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    due_date = models.DateField(_("hạn nộp"))
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="obligations"
    )
    late = models.BooleanField(_("nộp trễ hạn"), default=False)
    late_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "participant_id", "kind"]
        verbose_name = _("nghĩa vụ báo cáo")
        verbose_name_plural = _("nghĩa vụ báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind", "year"], name="movements_obligation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.get_kind_display()} {self.year}"


class Report(VersionedModel):
    """A participant's structured report for one obligation: activities, propaganda, resources
    mobilised by source (VND as integers; land in m²; workdays), models replicated, awards proposed.
    It goes through the workflow `movement-report` (draft → submitted → accepted / returned)."""

    obligation = models.OneToOneField(Obligation, on_delete=models.CASCADE, related_name="report")
    activities = models.TextField(_("hoạt động đã triển khai"), blank=True)
    articles = models.PositiveIntegerField(_("số tin, bài"), default=0)
    columns = models.PositiveIntegerField(_("số chuyên trang, chuyên mục"), default=0)
    broadcasts = models.PositiveIntegerField(_("số buổi phát thanh, truyền hình"), default=0)
    state_budget = models.BigIntegerField(_("ngân sách nhà nước (đồng)"), default=0)
    credit = models.BigIntegerField(_("vốn tín dụng (đồng)"), default=0)
    enterprises = models.BigIntegerField(_("doanh nghiệp (đồng)"), default=0)
    community = models.BigIntegerField(_("cộng đồng dân cư đóng góp (đồng)"), default=0)
    land_m2 = models.BigIntegerField(_("đất hiến (m²)"), default=0)
    workdays = models.BigIntegerField(_("ngày công"), default=0)
    models_replicated = models.PositiveIntegerField(_("số mô hình được nhân rộng"), default=0)
    awards_proposed = models.PositiveIntegerField(_("số tập thể, cá nhân đề nghị khen thưởng"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp gần nhất"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("tiếp nhận"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo của đơn vị tham gia")
        verbose_name_plural = _("báo cáo của đơn vị tham gia")

    def __str__(self) -> str:
        return str(self.obligation)

    def get_absolute_url(self) -> str:
        return reverse("movements:report", args=[self.pk])


REPORT_NUMBER_FIELDS = [
    "articles",
    "columns",
    "broadcasts",
    "state_budget",
    "credit",
    "enterprises",
    "community",
    "land_m2",
    "workdays",
    "models_replicated",
    "awards_proposed",
]
RESOURCE_FIELDS = ["state_budget", "credit", "enterprises", "community"]


class ReportAttachment(StoredFileModel):
    """A file attached to a report (checked by content, stored under a generated name)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("tệp đính kèm báo cáo")
        verbose_name_plural = _("tệp đính kèm báo cáo")


class ReminderSent(models.Model):
    """A reminder the scheduled job sent for an obligation (so it sends each one once)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # "before" or "overdue"
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["obligation", "kind"], name="movements_reminder_once")]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.kind} {self.sent_on}"


class ReportedCount(models.Model):
    """A count the province reported (press, department pages), with its date and source, shown beside
    the register so that an incomplete register is not read as a failed plan."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="reported_counts")
    as_of = models.DateField(_("tính đến"))
    as_of_precision = models.CharField(max_length=10, default="day")  # "day" or "month"
    level = models.CharField(_("cấp"), max_length=10, choices=TargetLevel.choices)
    standard = models.CharField(_("mức"), max_length=20)
    basis = models.CharField(max_length=12, default="recognised")  # recognised | meeting | reported
    count = models.PositiveIntegerField(_("số đơn vị"))
    denominator = models.PositiveIntegerField(_("trên tổng số"), null=True, blank=True)
    after_merger = models.BooleanField(default=False)
    source = models.TextField(_("nguồn"))
    verified = models.BooleanField(_("đã kiểm chứng"), default=True)

    class Meta:
        ordering = ["movement", "as_of", "level", "standard", "basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "as_of", "level", "standard", "basis"], name="movements_reported_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.level} {self.standard}: {self.count}"


class UnitGroup(models.Model):
    """The commune group (nhóm 1/2/3 of QĐ 51/2025) an administrator assigns a unit in a movement."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="unit_groups")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.PositiveSmallIntegerField(_("nhóm xã"), choices=[(1, "1"), (2, "2"), (3, "3")])
    basis = models.TextField(_("căn cứ"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["movement", "unit"], name="movements_group_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.group}"


class Roadmap(models.Model):
    """The year a unit aims to reach a standard (lộ trình)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="roadmaps")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    standard = models.CharField(_("mức"), max_length=20)
    year = models.PositiveSmallIntegerField(_("năm phấn đấu"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["movement", "year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit", "standard"], name="movements_roadmap_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.standard} {self.year}"


class PilotKind(models.TextChoices):
    PILOT_COMMUNE = "pilot_commune", _("Xã điểm")
    ADDED_COMMUNE = "added_commune", _("Xã bổ sung")
    PILOT_DISTRICT = "pilot_district", _("Huyện, thị xã điểm")
    ADVANCED_DISTRICT = "advanced_district", _("Huyện nông thôn mới nâng cao")


class PilotUnit(models.Model):
    """A pilot unit of the movement (QĐ 1850, QĐ 2872 for Plan 861) with the year it aims for,
    the act and source it comes from; `verified` False while the list is only the best available."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="pilots")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=20, choices=PilotKind.choices)
    year = models.PositiveSmallIntegerField(_("năm phấn đấu"), null=True, blank=True)
    instrument = models.CharField(_("văn bản"), max_length=300, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    active = models.BooleanField(_("trong danh sách"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["movement", "kind", "year", "unit__name"]
        verbose_name = _("đơn vị điểm")
        verbose_name_plural = _("đơn vị điểm")
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit", "kind"], name="movements_pilot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} ({self.year})"


class Amendment(models.Model):
    """A proposed adjustment of the plan's targets (section VII.8): a participant proposes, Sở Nội vụ
    consolidates and the province decides; the decision (a legal act) starts a new version of the plan
    from its date. `changes` is {target code: {year: count}}."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề nghị")
        CONSOLIDATED = "consolidated", _("Sở Nội vụ đã tổng hợp, trình UBND tỉnh")
        DECIDED = "decided", _("Đã quyết định")
        REJECTED = "rejected", _("Không chấp thuận")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    reason = models.TextField(_("lý do điều chỉnh"))
    changes = models.JSONField(_("chỉ tiêu đề nghị"), default=dict)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.PROPOSED)
    decision = models.ForeignKey(
        "core.LegalAct", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        MovementVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    outcome_note = models.TextField(_("ý kiến xử lý"), blank=True)
    # Sở Nội vụ's consolidation of participants' proposals before the province decides (VII.8)
    consolidated_at = models.DateTimeField(_("ngày tổng hợp"), null=True, blank=True)
    consolidation_note = models.TextField(_("ý kiến tổng hợp của Sở Nội vụ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movement", "-created_at"]
        verbose_name = _("đề nghị điều chỉnh kế hoạch")
        verbose_name_plural = _("đề nghị điều chỉnh kế hoạch")

    def __str__(self) -> str:
        return f"{self.movement} — {self.get_state_display()} ({self.created_at:%d/%m/%Y})"


class Cluster(models.Model):
    """An emulation cluster (cụm, of localities) or block (khối, of departments and organisations)."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cụm thi đua")
        BLOCK = "block", _("Khối thi đua")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.CLUSTER)

    class Meta:
        ordering = ["movement", "kind", "name"]
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        constraints = [models.UniqueConstraint(fields=["movement", "name"], name="movements_cluster_unique")]

    def __str__(self) -> str:
        return self.name


class ClusterMember(models.Model):
    """A participant's membership of a cluster for one year (membership changes year to year)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="cluster_memberships")
    year = models.PositiveSmallIntegerField(_("năm"))

    class Meta:
        ordering = ["cluster", "year", "participant__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "participant", "year"], name="movements_clustermember_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}: {self.participant}"


class ScoringCriterion(models.Model):
    """A line of the movement's scoring table for clusters and blocks (data, with its source)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="scoring_criteria")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("nội dung chấm điểm"), max_length=300)
    max_points = models.PositiveSmallIntegerField(_("điểm tối đa"))
    order = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(_("căn cứ"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)

    class Meta:
        ordering = ["movement", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["movement", "code"], name="movements_scoring_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.max_points})"


class ClusterScore(models.Model):
    """Points one member (`scorer`) gives a member (`scored`, itself for self-scoring) on a criterion,
    for a year, with the evidence it rests on."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="scores")
    year = models.PositiveSmallIntegerField(_("năm"))
    scored = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    scorer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("minh chứng"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "scored", "scorer", "criterion"],
                name="movements_clusterscore_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.cluster} {self.year}: {self.scorer_id}→{self.scored_id} {self.criterion_id}={self.points}"
        )


class ExemplaryModel(models.Model):
    """An exemplary example, initiative or model (IV.2, VII.3): who, what, where, with evidence and
    photos; endorsed by Sở Nội vụ, then published to the public portal; where it was replicated."""

    class Kind(models.TextChoices):
        MODEL = "model", _("Mô hình, cách làm hay")
        INITIATIVE = "initiative", _("Sáng kiến")
        EXAMPLE = "example", _("Điển hình tiên tiến")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Đề xuất")
        ENDORSED = "endorsed", _("Đã công nhận")
        PUBLISHED = "published", _("Đã công bố")
        REJECTED = "rejected", _("Không công nhận")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="exemplary_models")
    proposed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.MODEL)
    title = models.CharField(_("tên mô hình"), max_length=300)
    who = models.CharField(_("tập thể, cá nhân"), max_length=300)
    unit = models.ForeignKey(
        "geo.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    description = models.TextField(_("nội dung, hiệu quả"))
    media_links = models.TextField(_("bài viết, phóng sự (mỗi dòng một đường dẫn)"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PROPOSED)
    decision_note = models.TextField(_("ý kiến"), blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movement", "-created_at"]
        verbose_name = _("mô hình, điển hình")
        verbose_name_plural = _("mô hình, điển hình")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("movements:model", args=[self.pk])

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.media_links.splitlines() if line.strip()]


class ModelReplication(models.Model):
    model = models.ForeignKey(ExemplaryModel, on_delete=models.CASCADE, related_name="replications")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["model", "year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["model", "unit"], name="movements_replication_unique")]

    def __str__(self) -> str:
        return f"{self.model_id} → {self.unit_id} ({self.year})"


class ModelAttachment(StoredFileModel):
    """Evidence and photos of an exemplary model (checked by content)."""

    model = models.ForeignKey(ExemplaryModel, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["model", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ChecklistItem(models.Model):
    """A line of the inspection checklist (data), tied to the paragraph of the plan it checks."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(_("mã"), max_length=20)
    text = models.CharField(_("nội dung kiểm tra"), max_length=400)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["movement", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "code"], name="movements_checklist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class InspectionTeam(models.Model):
    """An inspection team (đoàn kiểm tra) of a year's inspection plan, set up by a decision (a legal act,
    "Quyết định thành lập Đoàn kiểm tra"), with its members; each inspection of the plan names the team
    that carries it out."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="inspection_teams")
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên đoàn"), max_length=200)
    decision = models.ForeignKey(
        "core.LegalAct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quyết định thành lập đoàn"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movement", "-year", "name"]
        verbose_name = _("đoàn kiểm tra")
        verbose_name_plural = _("đoàn kiểm tra")
        constraints = [
            models.UniqueConstraint(fields=["movement", "year", "name"], name="movements_team_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("movements:inspection-team", args=[self.pk])

    @property
    def leader(self):
        return next((m for m in self.members.all() if m.role == InspectionTeamMember.Role.LEADER), None)


class InspectionTeamMember(models.Model):
    """A member of an inspection team: name, position and body as the team's decision lists them; an
    account (with the inspector role) when the member records findings in the product."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Trưởng đoàn")
        DEPUTY = "deputy", _("Phó trưởng đoàn")
        MEMBER = "member", _("Thành viên")
        SECRETARY = "secretary", _("Thư ký")

    team = models.ForeignKey(InspectionTeam, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(
        _("nhiệm vụ trong đoàn"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tài khoản"),
    )

    class Meta:
        ordering = ["team", "id"]
        verbose_name = _("thành viên đoàn kiểm tra")
        verbose_name_plural = _("thành viên đoàn kiểm tra")
        constraints = [
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="leader"), name="movements_team_one_leader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_role_display()}"


class Inspection(models.Model):
    """An inspection of a unit (or a participant) in a year's inspection plan (VI.4, VII.6), by a team;
    its findings against the checklist, its recommendations, its conclusion (a legal act)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Theo kế hoạch")
        INSPECTED = "inspected", _("Đã kiểm tra")
        CONCLUDED = "concluded", _("Đã có kết luận")

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="inspections")
    year = models.PositiveSmallIntegerField(_("năm"))
    team_name = models.CharField(_("đoàn kiểm tra"), max_length=200)
    leader = models.CharField(_("trưởng đoàn"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("thành viên")
    )
    unit = models.ForeignKey(
        "geo.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được kiểm tra")
    )
    planned_on = models.DateField(_("ngày kiểm tra dự kiến"), null=True, blank=True)
    inspected_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PLANNED)
    conclusion = models.ForeignKey(
        "core.LegalAct", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the team as a record (its decision, its members); `team_name` and `leader` keep what the plan
    # line recorded, and are the team's name and leader when a team is chosen
    team = models.ForeignKey(
        InspectionTeam,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("đoàn kiểm tra"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["movement", "-year", "planned_on", "id"]
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")

    def __str__(self) -> str:
        return f"{self.team_name} — {self.unit.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("movements:inspection", args=[self.pk])


class Finding(models.Model):
    class Result(models.TextChoices):
        MET = "met", _("Đạt")
        PARTLY = "partly", _("Đạt một phần")
        NOT_MET = "not_met", _("Không đạt")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="findings")
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices)
    note = models.TextField(_("ghi nhận"), blank=True)

    class Meta:
        ordering = ["inspection", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="movements_finding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id}: {self.result}"


class Recommendation(models.Model):
    """A recommendation of an inspection with its deadline; followed up until done (overdue shows)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("kiến nghị"))
    due_date = models.DateField(_("hạn khắc phục"))
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    follow_up = models.TextField(_("kết quả khắc phục"), blank=True)

    class Meta:
        ordering = ["inspection", "due_date", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def status(self, today) -> str:
        if self.done_on:
            return "done"
        return "overdue" if today > self.due_date else "open"
