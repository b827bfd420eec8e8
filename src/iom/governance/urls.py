from django.urls import path

from iom.governance import views

app_name = "governance"
urlpatterns = [
    path("impact/", views.impact, name="impact"),
    path("impact/groups.csv", views.impact_csv, name="impact-csv"),
    path("impact/episodes.csv", views.episodes_csv, name="episodes-csv"),
    path("fairness/", views.fairness, name="fairness"),
    path("fairness/work-out", views.work_out_fairness, name="fairness-work-out"),
    path("fairness/rows.csv", views.fairness_csv, name="fairness-csv"),
    path("reports/sig/", views.sig, name="sig"),
    path("reports/sig.pdf", views.sig_pdf_view, name="sig-pdf"),
]
