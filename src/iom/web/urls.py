from django.urls import include, path

from iom.api import views as api_views
from iom.api.endpoints import api
from iom.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("iom.accounts.urls")),
    path("people/", include("iom.people.urls")),
    path("audit/", include("iom.audit.urls")),
    path("schemes/", include("iom.schemes.urls")),
    path("policies/", include("iom.governance.policy_urls")),
    path("referrals/", include("iom.referrals.urls")),
    path("", include("iom.panels.urls")),
    path("", include("iom.cases.urls")),
    path("", include("iom.governance.urls")),
    path("notifications/", include("iom.notifications.urls")),
    path("api/docs", api_views.docs, name="api-docs"),
    path("api/", api.urls),
]
handler403 = "iom.web.views.forbidden"
handler404 = "iom.web.views.not_found"
handler500 = "iom.web.views.server_error"
