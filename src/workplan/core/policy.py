"""Permission policies: one object per scoped model says who may see or change which rows.

A policy states its rule once, as a ``Q`` over the model's fields (:meth:`Policy.rule`).
Everything else is derived from that one rule, so a list, a detail page, an API call and a
service check can never disagree:

* ``Model.objects.visible_to(user, action)`` — the rows (a queryset filter, in the database);
* ``policy.allows(user, action, obj)`` — one object (an ``EXISTS`` over the same filter);
* ``policy.require(...)`` — the same, raising :class:`~workplan.core.errors.Forbidden`;
* ``policy.flags(user, obj)`` — ``{"can_view": …, "can_edit": …}`` for templates.

Concrete policies live in each app's ``policies.py`` (found by :func:`policy_for` through
Django's ``autodiscover_modules``); this module has no domain nouns. The shape follows
Wagtail's permission policies.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, gettext_lazy

from workplan.core.errors import Forbidden


class Action(StrEnum):
    """What a user wants to do. Most policies know VIEW and EDIT; a few add named abilities."""

    VIEW = "view"
    EDIT = "edit"
    # Units: create and import plans owned by this unit.
    PLAN = "plan"
    # Units: remember another name for the unit (planners may, while mapping imported names).
    ADD_ALIAS = "add_alias"
    # Units: the user holds some role there (or above), e.g. to subscribe to its calendar.
    MEMBER = "member"
    # Units: the user reports for the unit (a personal work list; administrators included
    # only where they hold the reporter role themselves).
    REPORT = "report"
    # Users: make a personal API token that acts as this user (oneself; administrators anyone).
    ACT_AS = "act_as"
    # Items: a leader's instruction (批示) and a comment on the item.
    INSTRUCT = "instruct"
    COMMENT = "comment"


ACTION_LABELS = {
    Action.VIEW: gettext_lazy("view"),
    Action.EDIT: gettext_lazy("change"),
    Action.PLAN: gettext_lazy("plan for"),
    Action.ADD_ALIAS: gettext_lazy("add a name to"),
    Action.MEMBER: gettext_lazy("act for"),
    Action.REPORT: gettext_lazy("report for"),
    Action.ACT_AS: gettext_lazy("act as"),
    Action.INSTRUCT: gettext_lazy("write an instruction on"),
    Action.COMMENT: gettext_lazy("comment on"),
}

EVERYTHING = ~Q(pk__in=[])
NOTHING = Q(pk__in=[])


class Policy:
    """The rule for one model. Subclasses set ``model`` and implement :meth:`rule`."""

    model: ClassVar[type[models.Model]]
    actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.EDIT)

    def rule(self, user: Any, action: Action) -> Q:
        """The rows of ``model`` that ``user`` may ``action``, as a filter."""
        raise NotImplementedError

    def _checked(self, action: Action | str | None) -> Action:
        chosen = Action(action or Action.VIEW)
        if chosen not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {chosen.value!r}")
        return chosen

    def visible(self, queryset: Any, user: Any, action: Action | str | None = None) -> Any:
        """``queryset`` narrowed to the rows ``user`` may ``action``."""
        return queryset.filter(self.rule(user, self._checked(action)))

    def allows(self, user: Any, action: Action | str, obj: Any) -> bool:
        """True when ``user`` may ``action`` ``obj`` (one query; the same rule as the lists)."""
        if getattr(obj, "pk", None) is None:
            return False
        rows = self.visible(self.model._default_manager.all(), user, action)
        return bool(rows.filter(pk=obj.pk).exists())

    def require(self, user: Any, action: Action | str, obj: Any, message: str | None = None) -> None:
        """Raise :class:`Forbidden` unless :meth:`allows`."""
        if not self.allows(user, action, obj):
            raise Forbidden(
                message
                or gettext("You may not %(action)s %(object)s.")
                % {"action": ACTION_LABELS.get(Action(action), Action(action).value), "object": obj}
            )

    def allows_create(self, actor: Any, **values: Any) -> bool:
        """True when ``actor`` may create a row with ``values`` (e.g. its parent or owner).

        No row exists yet, so this cannot be a queryset filter; by default nobody may.
        """
        return False

    def require_create(self, actor: Any, message: str | None = None, **values: Any) -> None:
        """Raise :class:`Forbidden` unless :meth:`allows_create`."""
        if not self.allows_create(actor, **values):
            raise Forbidden(
                message
                or gettext("You may not create a %(model)s here.") % {"model": self.model._meta.verbose_name}
            )

    def flags(self, user: Any, obj: Any) -> dict[str, bool]:
        """``can_<action>`` for every action of the policy, for templates (which never decide)."""
        return {f"can_{action.value}": self.allows(user, action, obj) for action in self.actions}


_POLICIES: dict[type[models.Model], Policy] = {}
_discovered = False


def register(policy_class: type[Policy]) -> type[Policy]:
    """Class decorator: make ``policy_class`` the policy of its ``model``."""
    model = policy_class.model
    existing = _POLICIES.get(model)
    if existing is not None and type(existing) is not policy_class:
        raise RuntimeError(f"{model.__name__} already has the policy {type(existing).__name__}")
    _POLICIES[model] = policy_class()
    return policy_class


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("policies")
        _discovered = True


def policy_for(model: type[models.Model] | models.Model) -> Policy:
    """The policy of ``model`` (a class or an instance); a model without one is an error."""
    _discover()
    # ``__class__``, not ``type()``: request.user is a lazy proxy whose __class__ is the model.
    cls = model if isinstance(model, type) else model.__class__
    concrete = cls._meta.concrete_model or cls
    try:
        return _POLICIES[concrete]
    except KeyError:
        raise LookupError(
            f"{concrete.__name__} has no permission policy (add one to its app's policies.py)"
        ) from None


def registered_policies() -> dict[type[models.Model], Policy]:
    """Every model with a policy (the generated permission tests run over these)."""
    _discover()
    return dict(_POLICIES)


class ScopedQuerySetMixin:
    """Gives a queryset ``visible_to(user, action)``, answered by the model's policy."""

    def visible_to(self, user: Any, action: Action | str | None = None) -> Self:
        model: type[models.Model] = getattr(self, "model")  # noqa: B009 (set by QuerySet)
        visible: Self = policy_for(model).visible(self, user, action)
        return visible


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet[Any]):
    """The default queryset of a scoped model."""


class ScopedManager(models.Manager[Any]):
    """A manager whose querysets are scoped (``Model.objects.visible_to(user)``)."""

    def get_queryset(self) -> ScopedQuerySet:
        return ScopedQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any, action: Action | str | None = None) -> ScopedQuerySet:
        return self.get_queryset().visible_to(user, action)
