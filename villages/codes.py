"""Kemendagri codes: the field that holds a unit's code and the database check that a code sits
under its parent's."""

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Left, Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


def within_parent(parent_column: str, length: int) -> Q:
    """A database check that a code has its level's length and starts with its parent's code.

    The full shape (digits and dots) is checked by the field's validator and by the importer; a
    regular expression in the database would cost a third of a national import.
    """
    return Q(Exact(Length("code"), length)) & Q(
        Exact(Left("code", len_parent(length)), F(parent_column))
    )


def len_parent(length: int) -> int:
    """The length of the parent's code: 13 → 8, 8 → 5, 5 → 2."""
    return {13: 8, 8: 5, 5: 2}[length]


CODE_VALIDATORS = {
    2: RegexValidator(r"^\d{2}$", _("A province code looks like 17.")),
    5: RegexValidator(r"^\d{2}\.\d{2}$", _("A regency code looks like 17.01.")),
    8: RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$", _("A district code looks like 17.01.01.")),
    13: RegexValidator(
        r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", _("A village code looks like 17.01.01.2001.")
    ),
}


def code_field(length: int) -> models.CharField:
    """The Kemendagri code of a unit: its primary key, in the C collation (codes compare and
    index bytewise; prefix searches use the ordinary index)."""
    return models.CharField(
        _("Kemendagri code"),
        max_length=length,
        primary_key=True,
        db_collation="C",
        validators=[CODE_VALIDATORS[length]],
    )
