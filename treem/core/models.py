"""Areas (with history), agencies, roles and memberships, API tokens, audit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_PREFIX = "legacy-"


class AreaKind(models.TextChoices):
    # Current (post-2025) units
    PROVINCE = "province", _("Tỉnh")
    MUNICIPALITY = "municipality", _("Thành phố trực thuộc trung ương")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    # Pre-2025 units
    DISTRICT = "district", _("Huyện")
    URBAN_DISTRICT = "urban_district", _("Quận")
    DISTRICT_TOWN = "district_town", _("Thị xã")
    PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
    TOWNSHIP = "township", _("Thị trấn")
    # Villages, created locally by the commune
    VILLAGE = "village", _("Thôn")
    HAMLET = "hamlet", _("Ấp")
    BAN = "ban", _("Bản")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")
    VILLAGE = 4, _("Thôn, tổ dân phố")


VILLAGE_KINDS = (AreaKind.VILLAGE, AreaKind.HAMLET, AreaKind.BAN, AreaKind.RESIDENTIAL_GROUP)


class AreaQuerySet(models.QuerySet["Area"]):
    def current(self, on: dt.date | None = None) -> AreaQuerySet:
        on = on or dt.date.today()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)

    def legacy(self) -> AreaQuerySet:
        return self.filter(valid_to__isnull=False)

    def subtree_of(self, area: Area) -> AreaQuerySet:
        return self.filter(path__startswith=area.path)


class Area(models.Model):
    """An administrative unit or village, with its era.

    `key` is the public identity: the official code for a current unit, the code
    prefixed with ``legacy-`` for a pre-2025 unit (codes were reused by the reform),
    and ``<commune key>-<n>`` for villages. `path` is the chain of keys from the
    province down, so a subtree is one prefix match.
    """

    key = models.CharField(_("khóa"), max_length=40, unique=True)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=150)
    full_name = models.CharField(_("tên đầy đủ"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=AreaKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=20, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=dt.date(1900, 1, 1))
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )
    name_folded = models.CharField(max_length=200, db_index=True, default="")

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "name"], name="area_parent_name_idx"),
            models.Index(fields=["code", "valid_to"], name="area_code_era_idx"),
            models.Index(fields=["level", "valid_to"], name="area_level_era_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_legacy(self) -> bool:
        return self.valid_to is not None

    @property
    def is_village(self) -> bool:
        return self.level == AreaLevel.VILLAGE

    @property
    def is_commune(self) -> bool:
        return self.level == AreaLevel.COMMUNE

    def ancestor_keys(self) -> list[str]:
        return [k for k in self.path.strip("/").split("/") if k]


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    CULTURE_SOCIAL = "culture_social", _("Văn hóa - Xã hội")
    HEALTH_STATION = "health_station", _("Trạm Y tế")
    SCHOOL = "school", _("Trường học")
    POLICE = "police", _("Công an")
    RADIO = "radio", _("Đài truyền thanh")
    FATHERLAND_FRONT = "fatherland_front", _("Ủy ban Mặt trận Tổ quốc")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
    CULTURE_OFFICE = "culture_office", _("Văn hóa - Thông tin")
    JUSTICE = "justice", _("Tư pháp - Hộ tịch")
    FINANCE = "finance", _("Tài chính - Kế toán")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    """A body that plans assign duties to (health station, school, police, unions ...)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")
    province_code = models.CharField(max_length=20, db_index=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    kind = models.CharField(_("loại đơn vị"), max_length=30, choices=AgencyKind.choices)
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="focal_agencies",
        verbose_name=_("đầu mối"),
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    name_folded = models.CharField(max_length=200, default="")

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="agency_unique_name_per_area")
        ]
        indexes = [models.Index(fields=["area", "kind"], name="agency_area_kind_idx")]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role as data: its capabilities are strings checked by `has_capability`."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("tên vai trò"), max_length=100)
    capabilities = models.JSONField(default=list)
    # The area level a membership of this role is held at (None: any).
    area_level = models.PositiveSmallIntegerField(null=True, blank=True, choices=AreaLevel.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: a role TreEm ships with, under its shipped
        name, is translated; a role an administrator made or renamed reads as written."""
        from treem.core.roles import SHIPPED_NAMES

        return gettext(self.name) if SHIPPED_NAMES.get(self.slug) == self.name else self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "area", "role"], name="membership_unique_user_area_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.area}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class AuditLog(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, blank=True, db_index=True)
    province_code = models.CharField(max_length=20, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"


class AreaOwned(models.Model):
    """Base for rows that belong to an area: the area and its province code are stored."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    province_code = models.CharField(max_length=20, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicHoliday(models.Model):
    """Public holiday calendar used by working-day clocks (admin-editable)."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=150)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("ngày nghỉ lễ")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class AccountState(models.Model):
    """Per-user account flags that Django's User does not carry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state"
    )
    # Set for accounts created with an initial password by someone else: the owner must
    # choose their own before doing anything else.
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái tài khoản")
        verbose_name_plural = _("trạng thái tài khoản")

    def __str__(self) -> str:
        return f"{self.user}"
