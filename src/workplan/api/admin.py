"""API tokens in the admin: visible (never their secret), revoked with `workplan token revoke`."""

from django.contrib import admin

from workplan.api.models import ApiToken, RateCounter
from workplan.core.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at")
    exclude = ("token_hash",)


admin.site.register(RateCounter, ReadOnlyAdmin)
