from django.urls import path

from iom.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-in/code", views.verify, name="verify"),
    path("sign-in/set-up", views.enrol, name="enrol"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("sign-out-everywhere", views.sign_out_everywhere, name="sign-out-everywhere"),
]
