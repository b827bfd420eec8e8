from django.urls import path

from iom.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.new, name="new"),
    path("automatic", views.auto, name="auto"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/complete", views.complete, name="complete"),
    path("<int:pk>/score", views.score, name="score"),
    path("<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("<int:pk>/flag", views.flag, name="flag"),
]
