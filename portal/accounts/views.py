"""Account pages: API tokens, invitations, organisations, the audit trail, and the password
reset pages' additions (throttled mails, failed logins cleared by a completed reset)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pghistory.models import Events

from portal.core.audit import describe, history_of
from portal.core.roles import user_role
from portal.core.scopes import get_scoped_or_404, regency_scope, scoped

from .filtersets import AuditFilterSet, OrganisationFilterSet
from .forms import (
    ApiTokenForm,
    InviteForm,
    OrganisationForm,
    PasswordResetForm,
    UserFilterForm,
    UserRoleForm,
)
from .models import ApiToken, Organisation
from .services import (
    api_token_create,
    api_token_revoke,
    login_failures_clear,
    organisation_save,
    user_change_role,
    user_invite,
    user_resend_invitation,
    user_set_active,
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


# --- Users (staff user management) -----------------------------------------------------------


def _manageable_users(request):
    """The users the requester may see here: within their scope (a kabupaten-limited supervisor
    sees the officers of their kabupaten), never Django's own superusers unless they are one."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.select_related("profile__organisation")
        .prefetch_related("groups", "profile__regencies")
    )
    if not request.user.is_superuser:
        users = users.filter(is_superuser=False)
    limit = regency_scope(request.user)
    if limit is not None:
        users = users.filter(profile__regencies__code__in=limit).distinct()
    return users.order_by("username")


@login_required
@permission_required("portal.invite_user", raise_exception=True)
def users(request):
    """Every user the requester may manage: filter by role, activity, name."""
    form = UserFilterForm(request.GET or None)
    queryset = _manageable_users(request)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(
                Q(username__icontains=q)
                | Q(email__icontains=q)
                | Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
            )
        if data["role"]:
            queryset = queryset.filter(groups__name=data["role"])
        if data["active"]:
            queryset = queryset.filter(is_active=data["active"] == "yes")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.role = user_role(user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/account/users.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@permission_required("portal.invite_user", raise_exception=True)
def user_detail(request, pk):
    """One user: role and scope (changed within the requester's grant), deactivate or reactivate,
    resend the invitation; and the audit trail of these changes."""
    user = get_object_or_404(_manageable_users(request), pk=pk)
    profile = getattr(user, "profile", None)
    initial = {
        "role": user_role(user).value if user_role(user) else "",
        "regencies": list(profile.regencies.all()) if profile else [],
        "organisation": profile.organisation if profile else None,
    }
    form = UserRoleForm(request.POST or None, by=request.user, initial=initial)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "role" and form.is_valid():
                user_change_role(user=user, by=request.user, **form.cleaned_data)
                messages.success(request, _("Role and scope saved."))
                return redirect("account:user", pk=user.pk)
            if action in ("deactivate", "activate"):
                user_set_active(user=user, active=action == "activate", by=request.user)
                messages.success(
                    request,
                    _("%(username)s can no longer log in or use an API token.")
                    % {"username": user.username}
                    if action == "deactivate"
                    else _("%(username)s is active again.") % {"username": user.username},
                )
                return redirect("account:user", pk=user.pk)
            if action == "resend":
                user_resend_invitation(
                    user=user, by=request.user, base_url=request.build_absolute_uri("/")
                )
                messages.success(
                    request, _("Invitation sent again to %(email)s.") % {"email": user.email}
                )
                return redirect("account:user", pk=user.pk)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
    history = history_of(profile) if profile else []
    return render(
        request,
        "portal/account/user.html",
        {
            "managed": user,
            "role": user_role(user),
            "form": form,
            "history": history,
        },
    )
