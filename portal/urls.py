"""Top-level URLs: pages, the REST API with its schema, admin, health and language switch."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from portal.accounts.forms import LoginForm
from portal.core.views import healthz

from .accounts import views as account_views

api_v1 = [
    path("", include("villages.api.urls")),
    path("", include("portal.accounts.api.urls")),
    path("", include("warkop.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("portal.programme.api.urls")),
    path("", include("coverage.api.urls")),
]

accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=False
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("portal.accounts.urls")),
]

urlpatterns = [
    path("", include("portal.dashboard.urls")),
    path("registry/", include("villages.urls")),
    path("warkop/", include("warkop.urls")),
    path("", include("payments.urls")),  # /warkop/gap/, a kiosk's services, /layanan/
    path("coverage/", include("coverage.urls")),
    path("programme/", include("portal.programme.urls")),
    path("reports/", include("portal.reports.urls")),
    path("accounts/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

# An uncaught database-connection error answers 503 with Retry-After (portal.core.resilience),
# and is logged as such; any other error keeps Django's 500 page.
handler500 = "portal.core.resilience.server_error"
# A request refused before its view (too large, too many fields): the reason, 413 or 400.
handler400 = "portal.core.error_views.bad_request"
# A URL under /api/ that no route matches answers JSON, as the API's own 404s.
handler404 = "portal.core.error_views.not_found"
