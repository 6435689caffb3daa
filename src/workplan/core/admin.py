"""Admin for the audit log (read only) and the audited admin base used by every app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from workplan.core import audit, services
from workplan.core.models import AuditEntry
from workplan.core.policy import Action, policy_for


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "actor_repr", "action", "interface", "target_repr")
    list_filter = ("interface", "action")
    search_fields = ("actor_repr", "action", "target_repr")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[AuditEntry]:
        # The audit log's policy decides here too (with duties separated, administrators do
        # not read the whole log; audit administrators do).
        return policy_for(AuditEntry).visible(super().get_queryset(request), request.user, Action.VIEW)  # type: ignore[no-any-return]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """Admin whose saves and deletes go through the audited write helpers.

    Subclasses override :meth:`create` to call their app's creation service where creation
    has rules of its own (tree placement, permissions).
    """

    def create(self, request: HttpRequest, obj: models.Model, form: Any) -> models.Model:
        return services.instance_create(actor=request.user, instance=obj, action=self._action("created"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with audit.interface("web"):
            if not change:
                self.create(request, obj, form)
                return
            changes = {
                name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
            }
            changes = {k: v for k, v in changes.items() if k in {f.name for f in obj._meta.concrete_fields}}
            fresh = type(obj)._default_manager.get(pk=obj.pk)
            services.instance_update(
                actor=request.user, instance=fresh, changes=changes, action=self._action("updated")
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with audit.interface("web"):
            services.instance_delete(actor=request.user, instance=obj, action=self._action("deleted"))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with audit.interface("web"), transaction.atomic():
            for obj in queryset:
                services.instance_delete(actor=request.user, instance=obj, action=self._action("deleted"))

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.{verb}"


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """For records written only by the workflow's services: the admin shows them, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
