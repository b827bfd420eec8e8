from django.urls import path

from iom.notifications import views

app_name = "notifications"
urlpatterns = [path("read", views.mark_read, name="read")]
