from django.urls import path

from workplan.ledgers import views
from workplan.ledgers.registers import LEDGERS
from workplan.web import records

app_name = "ledgers"

urlpatterns = [
    path("", records.record_list, {"register": LEDGERS}, name="ledgers_list"),
    path("new/", records.record_edit, {"register": LEDGERS}, name="ledgers_create"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_edit, name="indicator_create"),
    path("indicators/<str:key>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<str:key>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<str:key>/", views.ledger_detail, name="ledgers_detail"),
    path("<str:key>/edit/", records.record_edit, {"register": LEDGERS}, name="ledgers_edit"),
    path("<str:key>/delete/", records.record_delete, {"register": LEDGERS}, name="ledgers_delete"),
    path("<str:key>/fields/new/", views.field_edit, name="field_create"),
    path("<str:key>/fields/<int:field_id>/", views.field_edit, name="field_edit"),
    path("<str:key>/export.xlsx", views.ledger_export, name="ledger_export"),
    path("<str:key>/import/", views.ledger_import, name="ledger_import"),
    path("<str:key>/records/", views.record_list, name="record_list"),
    path("<str:key>/records/new/", views.record_edit, name="record_create"),
    path("<str:key>/records/<int:record_id>/", views.record_edit, name="record_edit"),
    path("<str:key>/records/<int:record_id>/delete/", views.record_delete, name="record_delete"),
]
