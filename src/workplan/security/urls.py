from django.urls import path

from workplan.security import views

app_name = "security"

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("users/<int:user_id>/sessions/revoke/", views.user_sessions_revoke, name="user_sessions_revoke"),
    path("unlock/", views.user_unlock, name="user_unlock"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
