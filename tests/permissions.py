"""Vocabulary of the permission matrix (tests/portal/test_permission_matrix.py).

Each app lists its URLs in `tests/<app>/permissions.py`: ENTRIES maps a URL name to
(method, path builder, outcome per role), DATA gives the body of POST requests, and
`populate(world)` adds the objects its path builders need to the shared `world` (users of every
role, an own and another organisation).
"""

LOGIN = "login"
ROLES = ["anonymous", "admin", "staff", "officer", "supervisor", "partner", "no_role"]


def every(value, **overrides):
    """An outcome for every role, with some overridden."""
    return {role: overrides.get(role, value) for role in ROLES}


PAGE = every(200, anonymous=LOGIN, no_role=403)
STAFF_PAGE = every(403, anonymous=LOGIN, admin=200, staff=200)
STAFF_ACTION = every(403, anonymous=LOGIN, admin=302, staff=302)
API = every(200, anonymous=401, no_role=403)
PUBLIC = every(200)
