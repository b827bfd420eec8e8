from django.urls import path

from iom.governance import policy_views as views

app_name = "policies"
urlpatterns = [
    path("what-if/", views.what_if, name="what-if"),
    path("what-if/<int:pk>", views.what_if_run, name="what-if-run"),
    path("activate", views.activate, name="activate"),
]
