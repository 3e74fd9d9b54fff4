"""Account and administration pages (namespace `account`)."""

from django.urls import path

from . import views as account_views

app_name = "account"
urlpatterns = [
    path("tokens/", account_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", account_views.token_revoke, name="token-revoke"),
    path("invite/", account_views.invite, name="invite"),
    path("users/", account_views.users, name="users"),
    path("users/<int:pk>/", account_views.user_detail, name="user"),
    path("organisations/", account_views.organisations, name="organisations"),
    path("organisations/new/", account_views.organisation_edit, name="organisation-add"),
    path("organisations/<int:pk>/", account_views.organisation_edit, name="organisation"),
    path("audit/", account_views.audit, name="audit"),
]
