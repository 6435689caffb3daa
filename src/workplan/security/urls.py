from django.urls import path

from workplan.security import views

app_name = "security"

urlpatterns = [
    path("unlock/", views.user_unlock, name="user_unlock"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
