"""Users, the organisation's unit tree, and who holds which role in which unit."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedManager, ScopedQuerySetMixin, policy_for
from workplan.core.records import RecordModel


class ScopedUserManager(UserManager["User"]):
    """Django's user manager, with ``visible_to`` answered by the user policy."""

    def visible_to(self, user: Any, action: Any = None) -> Any:
        return policy_for(self.model).visible(self.get_queryset(), user, action)


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, not from Django groups."""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("department")
    SECTION = "section", _("section")
    TOWN = "town", _("town")
    VILLAGE = "village", _("village")
    BODY = "body", _("subordinate body")
    OTHER = "other", _("other")


class UnitQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):  # type: ignore[misc]
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)  # type: ignore[no-any-return]


class UnitManager(MP_NodeManager):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        ordered: UnitQuerySet = UnitQuerySet(self.model).order_by("path")
        return ordered

    def visible_to(self, user: Any, action: Any = None) -> UnitQuerySet:
        return self.get_queryset().visible_to(user, action)


class Unit(MP_Node, RecordModel):  # type: ignore[misc]
    """A node of the organisation tree: department → sections → towns → villages.

    ``aliases`` are other names under which plan documents mention the unit ("市民政局" for
    "民政局"); unit matching during import reads them. The materialised path (treebeard)
    makes a subtree one indexed ``path LIKE 'prefix%'`` query on both databases.
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[UnitManager] = UnitManager()
    node_order_by: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


# The named actor of scheduled jobs and setup commands (accounts.services.system_actor).
SYSTEM_USERNAME = "workplan-system"


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    PLANNER = "planner", _("planner")
    REPORTER = "reporter", _("unit reporter")
    LEADER = "leader", _("leader")
    ASSESSOR = "assessor", _("assessor")
    VIEWER = "viewer", _("viewer")
    AUDITOR = "auditor", _("audit administrator")


class Membership(TimestampedModel):
    """A user holds ``role`` in ``unit`` (and, through it, over the unit's subtree)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects: ClassVar[ScopedManager] = ScopedManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
