"""Messaging channels in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.channels.models import Delivery, MailPreference, WebhookEndpoint
from workplan.core.admin import ReadOnlyAdmin

for model in (WebhookEndpoint, Delivery, MailPreference):
    admin.site.register(model, ReadOnlyAdmin)
