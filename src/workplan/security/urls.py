from django.urls import path

from workplan.security import views

app_name = "security"

urlpatterns = [
    path("unlock/", views.user_unlock, name="user_unlock"),
    path("password/", views.password_change, name="password_change"),
]
