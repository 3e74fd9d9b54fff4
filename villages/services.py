"""Writes with business rules on the registry: proposing and deciding pilot villages."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Pilot, PilotStatus, Village

# Which decision may follow which status.
ALLOWED_DECISIONS = {
    PilotStatus.PROPOSED: {PilotStatus.SELECTED, PilotStatus.REJECTED},
    PilotStatus.SELECTED: {PilotStatus.WITHDRAWN},
    PilotStatus.REJECTED: set(),
    PilotStatus.WITHDRAWN: set(),
}

#: A village whose pilot record has one of these statuses may be proposed again (reopening it).
PROPOSABLE_AGAIN = {PilotStatus.REJECTED, PilotStatus.WITHDRAWN}


def is_proposable(pilot: Pilot | None) -> bool:
    """The one rule: a village without a pilot record, or whose pilot was rejected or withdrawn,
    may be proposed; one already proposed or selected may not."""
    return pilot is None or pilot.status in PROPOSABLE_AGAIN


def can_propose(*, user, pilot: Pilot | None) -> bool:
    """May `user` propose the village whose pilot record is `pilot` (None: none yet)?"""
    return user.has_perm("villages.add_pilot") and is_proposable(pilot)


@transaction.atomic
def pilot_propose(
    *,
    village: Village,
    proposed_by: str,
    reason: str,
    by,
    proposed_on: datetime.date | None = None,
) -> Pilot:
    """Record that `proposed_by` (usually the camat) proposes `village` as a pilot.

    A village has one pilot record: a rejected or withdrawn one can be proposed again, which
    reopens it; a village that is already proposed or selected cannot be proposed twice.
    """
    if not reason.strip():
        raise ValidationError({"proposal_reason": _("Give the reason for the proposal.")})
    if not proposed_by.strip():
        raise ValidationError({"proposed_by": _("Say who proposed the village.")})
    proposed_on = proposed_on or timezone.localdate()
    pilot = Pilot.objects.select_for_update().filter(village=village).first()
    if pilot is None:
        return Pilot.objects.create(
            village=village,
            status=PilotStatus.PROPOSED,
            proposed_on=proposed_on,
            proposed_by=proposed_by.strip(),
            proposal_reason=reason.strip(),
            recorded_by=by,
        )
    if not is_proposable(pilot):
        raise ValidationError(
            _("%(village)s is already %(status)s as a pilot.")
            % {"village": village, "status": pilot.get_status_display().lower()}
        )
    pilot.status = PilotStatus.PROPOSED
    pilot.proposed_on = proposed_on
    pilot.proposed_by = proposed_by.strip()
    pilot.proposal_reason = reason.strip()
    pilot.recorded_by = by
    pilot.decided_on = None
    pilot.decided_by = None
    pilot.decision_reason = ""
    pilot.save()
    return pilot


@transaction.atomic
def pilot_decide(
    *,
    pilot: Pilot,
    status: str,
    reason: str,
    by,
    decided_on: datetime.date | None = None,
) -> Pilot:
    """Select, reject or withdraw a pilot; only the transitions in ALLOWED_DECISIONS are allowed."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    status = PilotStatus(status)
    if status not in ALLOWED_DECISIONS[PilotStatus(pilot.status)]:
        raise ValidationError(
            _("A pilot that is %(current)s cannot become %(new)s.")
            % {"current": pilot.get_status_display().lower(), "new": status.label.lower()}
        )
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    pilot.status = status
    pilot.decided_on = decided_on or timezone.localdate()
    pilot.decided_by = by
    pilot.decision_reason = reason.strip()
    pilot.save()
    return pilot
