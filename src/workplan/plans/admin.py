"""Admin for plans, items and their promises (setup and repair; the web UI is the tool)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from workplan.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from workplan.plans import services
from workplan.plans.models import Assignment, Deadline, ImportDraft, Milestone, Plan, PlanItem, Target


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ("title", "year", "owner_unit", "status")
    list_filter = ("status", "year")
    search_fields = ("title",)
    fields = ("title", "year", "owner_unit", "status", "language", "source_name", "source_sha256")
    readonly_fields = ("source_name", "source_sha256")

    def create(self, request: HttpRequest, obj: models.Model, form: Any) -> models.Model:
        data = form.cleaned_data
        return services.plan_create(
            actor=request.user,
            title=data["title"],
            year=data["year"],
            owner_unit=data["owner_unit"],
            status=data["status"],
            language=data["language"],
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.plan_delete(actor=request.user, plan=obj)


@admin.register(PlanItem)
class PlanItemAdmin(AuditedModelAdmin):
    list_display = ("__str__", "plan", "depth", "due_date", "status")
    list_filter = ("plan", "status")
    search_fields = ("title", "body")
    ordering = ("plan", "path")
    fields = ("number", "label", "title", "body", "weight", "start_date", "due_date", "status")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items are added by importing a document or in the plan editor

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.item_delete(actor=request.user, item=obj)


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin):
    list_display = ("text", "kind", "comparator", "value", "value_max", "unit", "item")
    list_filter = ("kind",)
    raw_id_fields = ("item",)


@admin.register(Deadline)
class DeadlineAdmin(AuditedModelAdmin):
    list_display = ("text", "date", "item")
    raw_id_fields = ("item",)


@admin.register(Milestone)
class MilestoneAdmin(AuditedModelAdmin):
    list_display = ("title", "due_date", "done_on", "item")
    raw_id_fields = ("item",)


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ("item", "unit", "role")
    list_filter = ("role",)
    raw_id_fields = ("item",)
    autocomplete_fields = ("unit",)


@admin.register(ImportDraft)
class ImportDraftAdmin(ReadOnlyAdmin):
    list_display = ("source_name", "owner_unit", "created_by", "status", "created_at")
    exclude = ("text", "data")
