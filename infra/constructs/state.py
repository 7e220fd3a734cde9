"""Operational state: sync checkpoints, rate-limit buckets, dedupe markers, idempotency records.

Both tables hold short-lived or re-derivable data (items expire by TTL), so they go with the stack.
"""

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.shared.tables import IDEMPOTENCY_PK, IDEMPOTENCY_TTL, STATE_PK, STATE_SK, STATE_TTL
from infra.constructs.dynamodb import READ_ACTIONS, WRITE_ACTIONS, grant, on_demand_table


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

    def grant_state_read(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.state_table, READ_ACTIONS)

    def grant_state_write(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.state_table, WRITE_ACTIONS)

    def grant_state_read_write(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.state_table, (*READ_ACTIONS, *WRITE_ACTIONS))

    def grant_idempotency(self, grantee: iam.IGrantable) -> iam.Grant:
        # Powertools gets, conditionally puts, updates and deletes (on failure) its records.
        return grant(grantee, self.idempotency_table, (*READ_ACTIONS, *WRITE_ACTIONS))
