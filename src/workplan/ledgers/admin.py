"""ledgers in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.ledgers.models import Indicator, IndicatorValue, Ledger, LedgerField, LedgerRecord

for model in (
    Ledger,
    LedgerField,
    LedgerRecord,
    Indicator,
    IndicatorValue,
):
    admin.site.register(model, ReadOnlyAdmin)
