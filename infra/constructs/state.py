"""Operational state: sync checkpoints, rate-limit buckets, dedupe markers, idempotency records.

Both tables hold short-lived or re-derivable data (items expire by TTL), so they go with the stack.
"""

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.shared.tables import IDEMPOTENCY_PK, IDEMPOTENCY_TTL, STATE_PK, STATE_SK, STATE_TTL
from infra.constructs.dynamodb import grant, on_demand_table

# What `functions.shared.adapters.state_store.StateTable` issues: GetItem (get), Query (query),
# PutItem (put, put_at_revision, put_if_absent) and DeleteItem (delete, take). Each function is
# granted the ones its code reaches (see each capability's construct).
STATE_OPERATIONS = frozenset({"GetItem", "Query", "PutItem", "DeleteItem"})
# Powertools idempotency (DynamoDBPersistenceLayer): get_item, put_item (conditional),
# update_item (the result), delete_item (on failure).
IDEMPOTENCY_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class OperationalState(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.state_table = on_demand_table(
            self,
            "State",
            partition_key=_string(STATE_PK),
            sort_key=_string(STATE_SK),
            time_to_live_attribute=STATE_TTL,
        )
        # Powertools idempotency records (its default key and TTL attribute names).
        self.idempotency_table = on_demand_table(
            self,
            "Idempotency",
            partition_key=_string(IDEMPOTENCY_PK),
            time_to_live_attribute=IDEMPOTENCY_TTL,
        )

    def grant_state(self, grantee: iam.IGrantable, *operations: str) -> iam.Grant:
        """`operations` ("GetItem", "Query", ...) on the state table, of those StateTable issues."""
        unknown = sorted(set(operations) - STATE_OPERATIONS)
        if unknown or not operations:
            raise ValueError(f"StateTable issues {sorted(STATE_OPERATIONS)}; asked for {unknown}")
        return grant(grantee, self.state_table, sorted(operations))

    def grant_idempotency(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.idempotency_table, IDEMPOTENCY_OPERATIONS)
