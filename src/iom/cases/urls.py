from django.urls import path

from iom.cases import views

app_name = "cases"
urlpatterns = [
    path("cohort/", views.cohort, name="list"),
    path("cohort/mine/", views.mine, name="mine"),
    path("cohort/due/", views.due, name="due"),
    path("cohort/contacts/", views.contacts, name="contacts"),
    path("cohort/<int:pk>/", views.detail, name="detail"),
    path("cohort/<int:pk>/review.pdf", views.review_pdf, name="review-pdf"),
    path("cohort/<int:pk>/allocations", views.allocate, name="allocate"),
    path("cohort/<int:pk>/contact-plan", views.plan, name="plan"),
    path("cohort/<int:pk>/contacts", views.contact, name="contact"),
    path("cohort/<int:pk>/consent", views.consent, name="consent"),
    path("cohort/<int:pk>/pathways", views.pathway, name="pathway"),
    path("cohort/<int:pk>/requirements", views.requirement, name="requirement"),
    path("cohort/<int:pk>/enforcement", views.enforcement, name="enforcement"),
    path("cohort/<int:pk>/intelligence", views.intelligence, name="intelligence"),
    path("cohort/<int:pk>/notice", views.notice, name="notice"),
    path("cohort/<int:pk>/notice-letter.pdf", views.notice_letter, name="notice-letter"),
    path("cohort/<int:pk>/exit", views.exit_decision, name="exit"),
    path("cohort/<int:pk>/exit-letter.pdf", views.exit_letter, name="exit-letter"),
    path("cohort/flags/<int:pk>/seen", views.seen, name="seen"),
    path("people/<int:pk>/consent-letter.pdf", views.consent_letter, name="consent-letter"),
    path("intelligence/checks/", views.checks, name="checks"),
    path("intelligence/checks/<int:pk>/<int:entry>", views.check, name="check"),
]
