from django.urls import path

from iom.accounts import administration, views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-in/code", views.verify, name="verify"),
    path("sign-in/set-up", views.enrol, name="enrol"),
    path("sign-in/provider", views.sso_start, name="sso"),
    path("sign-in/provider/callback", views.sso_callback, name="sso-callback"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("sign-out-everywhere", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("password", administration.password, name="password"),
    path("users/", administration.users, name="users"),
    path("users/new", administration.add_user, name="user-new"),
    path("users/<int:pk>/", administration.user_detail, name="user"),
    path("users/<int:pk>/disable", administration.disable, name="user-disable"),
    path("users/<int:pk>/enable", administration.enable, name="user-enable"),
    path(
        "users/<int:pk>/reset-authenticator",
        administration.reset_authenticator,
        name="user-reset-authenticator",
    ),
    path(
        "users/<int:pk>/temporary-password",
        administration.temporary_password,
        name="user-temporary-password",
    ),
    path("agencies/", administration.agencies, name="agencies"),
    path("api-keys/", administration.api_keys, name="api-keys"),
    path("api-keys/<int:pk>/revoke", administration.revoke_api_key, name="api-key-revoke"),
]
