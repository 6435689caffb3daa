from django.urls import path

from workplan.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_edit, name="create"),
    path("mail/", views.mail_settings, name="mail"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<int:endpoint_id>/edit/", views.endpoint_edit, name="edit"),
    path("<int:endpoint_id>/test/", views.endpoint_test, name="test"),
    path("<int:endpoint_id>/delete/", views.endpoint_delete, name="delete"),
]
