"""Regional and organisational scopes: the one place where a user's reach is applied.

Pages, the API and exports all read through `scoped()`, so an object outside a user's scope is
absent from every list and answers 404 on its own URL (`get_scoped_or_404`).

A model declares how it is scoped with two optional class attributes:

- `scope_regency_path`: the lookup from the model to its kabupaten/kota (for example
  `village__district__regency`); officers and supervisors limited to some kabupaten see only
  objects there;
- `scope_organisation_path`: the lookup to the partner organisation that owns the object; partner
  members see (and, with write permissions, change) only their organisation's objects.

Models with neither (the registry itself) are reference data that every role may read.
"""

import hashlib

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .roles import PROVINCE_WIDE, Role, user_role


def regency_scope(user) -> list[str] | None:
    """The kabupaten/kota codes an officer or supervisor is limited to; None means no limit."""
    if user_role(user) not in (Role.OFFICER, Role.SUPERVISOR):
        return None
    cached = getattr(user, "_portal_regencies", False)
    if cached is not False:
        return cached
    profile = getattr(user, "profile", None)
    codes = list(profile.regencies.values_list("code", flat=True)) if profile else []
    user._portal_regencies = codes or None
    return user._portal_regencies


def organisation_scope(user) -> int | None:
    """The organisation id a partner member belongs to (None: not a partner or no organisation)."""
    profile = getattr(user, "profile", None)
    return profile.organisation_id if profile else None


def scope_key(user) -> str:
    """Everything besides the data that decides what `user` is shown, as one string: the role,
    the kabupaten/kota scope, the organisation and the permissions. Two users with the same key
    see the same figures, so cached figures are shared by it (portal/core/datacache.py)."""
    role = user_role(user)
    if role is None:
        return "anonymous" if not user.is_authenticated else "no-role"
    permissions = hashlib.sha256("|".join(sorted(user.get_all_permissions())).encode()).hexdigest()
    regencies = ",".join(sorted(regency_scope(user) or ())) or "*"
    organisation = organisation_scope(user) if role == Role.PARTNER else None
    return f"{role.name.lower()}:{regencies}:{organisation or '-'}:{permissions[:16]}"


def grant_scope_errors(user, *, role: Role, regencies, organisation) -> dict[str, str]:
    """Why `user` may not grant `role` with this scope (field name -> message); empty if they may.

    Nobody grants a scope wider than their own: a user limited to some kabupaten/kota grants only
    officers and supervisors limited to kabupaten/kota among theirs (an empty choice would mean the
    whole province); a partner member grants only their own organisation. `regencies` are Regency
    objects or codes; `organisation` an Organisation or None.
    """
    errors = {}
    limit = regency_scope(user)
    if limit is not None:
        codes = {getattr(regency, "pk", regency) for regency in regencies or ()}
        if role not in (Role.OFFICER, Role.SUPERVISOR):
            errors["role"] = _(
                "Your scope is limited to some kabupaten/kota: you may not grant this role."
            )
        elif not codes:
            errors["regencies"] = _(
                "Your scope is limited to some kabupaten/kota: choose among them (empty would "
                "mean the whole province)."
            )
        elif codes - set(limit):
            errors["regencies"] = _("Outside your scope: %(codes)s.") % {
                "codes": ", ".join(sorted(codes - set(limit)))
            }
    if user_role(user) == Role.PARTNER and role == Role.PARTNER:
        own = organisation_scope(user)
        if organisation is None or getattr(organisation, "pk", organisation) != own:
            errors["organisation"] = _("You may grant membership of your own organisation only.")
    return errors


def scoped(queryset: QuerySet, user) -> QuerySet:
    """`queryset` reduced to what `user` may see."""
    role = user_role(user)
    if role is None:
        return queryset.none()
    if role in PROVINCE_WIDE:
        return queryset
    model = queryset.model
    regency_path = getattr(model, "scope_regency_path", None)
    organisation_path = getattr(model, "scope_organisation_path", None)
    if role in (Role.OFFICER, Role.SUPERVISOR):
        regencies = regency_scope(user)
        if regency_path and regencies is not None:
            queryset = queryset.filter(**{f"{regency_path}__in": regencies})
        return queryset
    if role == Role.PARTNER:
        if organisation_path:
            organisation = organisation_scope(user)
            if organisation is None:
                return queryset.none()
            queryset = queryset.filter(**{organisation_path: organisation})
        return queryset
    return queryset.none()


def get_scoped_or_404(queryset: QuerySet, user, **lookup) -> Model:
    """One object within `user`'s scope, or 404 (never 403: out-of-scope objects do not exist)."""
    try:
        return scoped(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from exc
