from django.contrib.auth import views as auth_views
from django.urls import path

from workplan.accounts.registers import UNITS
from workplan.web import overview, records, supervision, tree, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("plans/", views.plan_list, name="plan_list"),
    path("overview/", overview.overview, name="overview"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/dashboard/", views.plan_dashboard_view, name="plan_dashboard"),
    path("plans/<int:plan_id>/levels/", tree.plan_tree, name="plan_tree"),
    path("plans/<int:plan_id>/levels/children/", tree.plan_tree_children, name="plan_tree_children"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("units/", records.record_list, {"register": UNITS}, name="units_list"),
    path("units/new/", records.record_edit, {"register": UNITS}, name="units_create"),
    path("units/<str:key>/", records.record_detail, {"register": UNITS}, name="units_detail"),
    path("units/<str:key>/edit/", records.record_edit, {"register": UNITS}, name="units_edit"),
    path("units/<str:key>/delete/", records.record_delete, {"register": UNITS}, name="units_delete"),
    path("users/", views.user_list, name="user_list"),
    path("items/<int:item_id>/notices/", supervision.notice_issue, name="notice_issue"),
    path("notices/<int:notice_id>/answer/", supervision.notice_answer, name="notice_answer"),
    path("notices/<int:notice_id>/lift/", supervision.notice_lift, name="notice_lift"),
    path("items/<int:item_id>/extensions/", supervision.extension_request, name="extension_request"),
    path(
        "extensions/<int:extension_id>/<str:decision>/", supervision.extension_decide, name="extension_decide"
    ),
    path("tracks/<int:track_id>/refuse/", supervision.track_refuse, name="track_refuse"),
    path("occurrences/<int:occurrence_id>/met/", supervision.occurrence_met, name="occurrence_met"),
    path("occurrences/<int:occurrence_id>/unmark/", supervision.occurrence_unmark, name="occurrence_unmark"),
]
