"""Exactly-once effect for at-least-once delivery: a notification is claimed (a lease) before it
is processed and marked done after. A copy that finds it done is a duplicate; one that finds a
live lease comes back later; one that finds an expired lease takes over, knowing the stream
positions the first attempt planned to append at, so that it can tell whether it did."""

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel

from functions.notifications.keys import CLAIM_SK, notification_pk
from functions.shared.adapters.state_store import StaleRevision, StateTable

LEASE_SECONDS = 120
DONE_KEPT_SECONDS = 15 * 24 * 3600  # longer than SQS keeps any message


class ClaimState(StrEnum):
    PROCESSING = "processing"
    DONE = "done"


class ClaimDoc(BaseModel):
    state: ClaimState
    planned: dict[str, int] = {}  # warehouse id -> stream version the append was planned after


class Outcome(StrEnum):
    CLAIMED = "claimed"
    DUPLICATE = "duplicate"
    BUSY = "busy"  # another delivery of the same notification is being processed right now


@dataclass
class Claim:
    notification_id: str
    outcome: Outcome
    rev: int = 0
    planned: dict[str, int] = field(default_factory=dict)


class Claims:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def claim(self, notification_id: str, now: int) -> Claim:
        key = notification_pk(notification_id)
        for _ in range(3):
            stored = self._table.get(key, CLAIM_SK, ClaimDoc)
            live = stored is not None and (stored.expires_at or 0) >= now
            if stored is not None and live:
                done = stored.doc.state is ClaimState.DONE
                return Claim(notification_id, Outcome.DUPLICATE if done else Outcome.BUSY)
            planned = (
                stored.doc.planned if stored and stored.doc.state is ClaimState.PROCESSING else {}
            )
            doc = ClaimDoc(state=ClaimState.PROCESSING, planned=planned)
            try:
                rev = self._table.put_at_revision(
                    key, CLAIM_SK, doc, stored.rev if stored else 0, expires_at=now + LEASE_SECONDS
                )
            except StaleRevision:
                continue  # another copy got there first: look again
            return Claim(notification_id, Outcome.CLAIMED, rev, dict(planned))
        return Claim(notification_id, Outcome.BUSY)

    def plan(self, claim: Claim, warehouse_id: str, version: int, now: int) -> None:
        """Record, before appending, where the event goes (raises StaleRevision if we lost the
        lease to another copy)."""
        claim.planned[warehouse_id] = version
        doc = ClaimDoc(state=ClaimState.PROCESSING, planned=claim.planned)
        claim.rev = self._table.put_at_revision(
            notification_pk(claim.notification_id),
            CLAIM_SK,
            doc,
            claim.rev,
            expires_at=now + LEASE_SECONDS,
        )

    def done(self, claim: Claim, now: int) -> None:
        self._table.put(
            notification_pk(claim.notification_id),
            CLAIM_SK,
            ClaimDoc(state=ClaimState.DONE),
            expires_at=now + DONE_KEPT_SECONDS,
        )
