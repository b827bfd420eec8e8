from django.urls import path

from iom.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/movements", views.movement, name="movement"),
    path("imports/", views.import_upload, name="import"),
    path("imports/<int:pk>/", views.import_report, name="import-report"),
]
