"""Account pages: API tokens, invitations, organisations, the audit trail, and the password
reset pages' additions (throttled mails, failed logins cleared by a completed reset)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pghistory.models import Events

from portal.core.audit import describe, history_of
from portal.core.scopes import get_scoped_or_404, scoped

from .filtersets import AuditFilterSet, OrganisationFilterSet
from .forms import ApiTokenForm, InviteForm, OrganisationForm, PasswordResetForm
from .models import ApiToken, Organisation
from .services import (
    api_token_create,
    api_token_revoke,
    login_failures_clear,
    organisation_save,
    user_invite,
)


@login_required
def tokens(request):
    """The user's API tokens; creating one shows its secret once."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(
                request, "portal/account/token_created.html", {"token": token, "secret": secret}
            )
    return render(
        request,
        "portal/account/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(user=request.user)},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("account:tokens")


@login_required
@permission_required("portal.invite_user", raise_exception=True)
def invite(request):
    form = InviteForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(
                by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(username)s invited; a link to set the password was sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("account:invite")
    return render(request, "portal/account/invite.html", {"form": form})


@login_required
@permission_required("portal.view_organisation", raise_exception=True)
def organisations(request):
    filterset = OrganisationFilterSet(
        request.GET, queryset=scoped(Organisation.objects.all(), request.user)
    )
    return render(request, "portal/account/organisations.html", {"filterset": filterset})


@login_required
@permission_required("portal.change_organisation", raise_exception=True)
def organisation_edit(request, pk=None):
    organisation = (
        get_scoped_or_404(Organisation.objects.all(), request.user, pk=pk) if pk else None
    )
    if organisation is None and not request.user.has_perm("portal.add_organisation"):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_save(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("account:organisations")
    history = history_of(organisation) if organisation else []
    return render(
        request,
        "portal/account/organisation_form.html",
        {"form": form, "object": organisation, "history": history},
    )


@login_required
@permission_required("portal.view_audit", raise_exception=True)
def audit(request):
    """Every recorded change, newest first, filterable by model, object, user, label and date."""
    filterset = AuditFilterSet(
        request.GET, queryset=Events.objects.order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    return render(request, "portal/account/audit.html", {"filterset": filterset, "page": page})


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: the same neutral answer every time, mails throttled by the form."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from an e-mailed link (reset or invitation); once it is saved the
    account's failed logins are forgotten, so the lock the login page mentions is lifted."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_clear(user=form.user)
        return response
