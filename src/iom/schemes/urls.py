from django.urls import path

from iom.schemes import views

app_name = "schemes"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("<int:pk>/edit", views.edit, name="edit"),
    path("meeting-types/<int:pk>/edit", views.edit_meeting_type, name="edit-meeting-type"),
]
