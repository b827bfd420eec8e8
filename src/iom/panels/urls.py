from django.urls import path

from iom.panels import views

app_name = "panels"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/plan", views.plan, name="plan"),
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/agenda", views.build_agenda, name="agenda"),
    path("meetings/<int:pk>/attendance", views.attendance, name="attendance"),
    path("meetings/<int:pk>/critical", views.critical, name="critical"),
    path("meetings/<int:pk>/decisions", views.decide, name="decide"),
    path("meetings/<int:pk>/actions", views.raise_action, name="raise-action"),
    path("meetings/<int:pk>/minutes", views.minutes_page, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("actions/", views.my_actions, name="actions"),
    path("actions/<int:pk>/update", views.update_action, name="update-action"),
]
