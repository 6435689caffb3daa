"""Admin for the holiday and make-up-day list (the rest of supervision lives in the web UI)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from workplan.core import audit
from workplan.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from workplan.progress import services
from workplan.progress.models import (
    Escalation,
    Evidence,
    ExtensionRequest,
    FeedToken,
    ItemEvent,
    ItemProgress,
    Notification,
    Obligation,
    Occurrence,
    Period,
    ProgressReport,
    Reminder,
    ReportingCalendar,
    ReportTally,
    SpecialDay,
    SupervisionNotice,
    Track,
)


@admin.register(SpecialDay)
class SpecialDayAdmin(AuditedModelAdmin):
    """Saves go through ``holiday_set`` so that open periods' due dates move with the list."""

    list_display = ("date", "is_working", "name")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    fields = ("date", "is_working", "name")

    def create(self, request: HttpRequest, obj: models.Model, form: Any) -> models.Model:
        data = form.cleaned_data
        return services.holiday_set(
            actor=request.user, date=data["date"], is_working=data["is_working"], name=data.get("name", "")
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        with audit.interface("web"), transaction.atomic():
            previous = SpecialDay.objects.get(pk=obj.pk)
            if previous.date != obj.date:
                services.holiday_delete(actor=request.user, day=previous)
            services.holiday_set(actor=request.user, date=obj.date, is_working=obj.is_working, name=obj.name)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with audit.interface("web"):
            services.holiday_delete(actor=request.user, day=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with audit.interface("web"), transaction.atomic():
            for day in queryset:
                services.holiday_delete(actor=request.user, day=day)


# The supervision records are written by the chain's services (stamped and audited); the
# admin lists them for inspection and support, read only.
for _model, _columns in (
    (ReportingCalendar, ("plan", "frequency", "due_day")),
    (Period, ("plan", "label", "start", "end", "due_date", "closed_at")),
    (ItemProgress, ("item", "state")),
    (Track, ("item", "unit", "role", "state", "latest_percent")),
    (ProgressReport, ("item", "unit", "period", "percent", "status", "submitted_at")),
    (Evidence, ("original_name", "kind", "size", "report", "uploaded_at")),
    (ItemEvent, ("at", "kind", "item", "unit", "actor_repr")),
    (Escalation, ("item", "unit", "level", "raised_at")),
    (Notification, ("created_at", "recipient", "kind", "title", "read_at")),
    (Reminder, ("kind", "track", "slot", "recipient")),
    (Obligation, ("item", "description", "rrule", "assumed")),
    (Occurrence, ("item", "index", "window_start", "window_end")),
    (FeedToken, ("unit", "label", "created_by", "created_at", "revoked_at")),
    (ReportTally, ("period", "unit", "reports", "accepted", "returned")),
):
    admin.site.register(_model, type(f"{_model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": _columns}))

admin.site.register([SupervisionNotice, ExtensionRequest], ReadOnlyAdmin)
