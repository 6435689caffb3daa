"""Admin for initial setup: units (as a tree), users and their memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from workplan.accounts import services
from workplan.accounts.models import Membership, Unit, User
from workplan.core import audit
from workplan.core.admin import AuditedModelAdmin


class UnitAdminForm(forms.ModelForm[Unit]):
    parent = forms.ModelChoiceField(queryset=Unit.objects.all(), required=False, label="Parent unit")

    class Meta:
        model = Unit
        fields = ("code", "name", "short_name", "aliases", "kind", "is_active")


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    form = UnitAdminForm
    list_display = ("indented_name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "short_name")
    ordering = ("path",)

    @admin.display(description="name")
    def indented_name(self, obj: Unit) -> str:
        return "\u3000" * (int(obj.depth) - 1) + str(obj.name)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["code", "name", "short_name", "aliases", "kind", "is_active"]
        return fields if obj is not None else ["parent", *fields]

    def create(self, request: HttpRequest, obj: models.Model, form: Any) -> models.Model:
        data = form.cleaned_data
        return services.unit_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            parent=data.get("parent"),
            short_name=data.get("short_name", ""),
            aliases=data.get("aliases") or [],
            kind=data["kind"],
        )


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    autocomplete_fields = ("unit",)


@admin.register(User)
class WorkplanUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = (MembershipInline,)
    list_display = ("username", "first_name", "email", "is_active", "is_superuser")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with audit.interface("web"):
            action = "user.updated" if change else "user.created"
            from django.db import transaction

            with transaction.atomic():
                before = None
                if change:
                    before = audit.snapshot(User.objects.get(pk=obj.pk))
                obj.save()
                audit.record(
                    actor=request.user, action=action, target=obj, before=before, after=audit.snapshot(obj)
                )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with audit.interface("web"):
            for deleted in formset.deleted_forms:
                if deleted.instance.pk:
                    services.membership_delete(actor=request.user, membership=deleted.instance)
            for inline_form in formset.forms:
                if inline_form in formset.deleted_forms or not inline_form.has_changed():
                    continue
                data = inline_form.cleaned_data
                if not data or not data.get("unit") or not data.get("role"):
                    continue
                if inline_form.instance.pk:
                    services.membership_delete(actor=request.user, membership=inline_form.instance)
                services.membership_create(
                    actor=request.user, user=form.instance, unit=data["unit"], role=data["role"]
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with audit.interface("web"):
            services.user_delete(actor=request.user, user=obj)


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")
