"""The event store: one item per event, the source of truth, streamed to projector and reactor."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.shared.tables import EVENTS_PK, EVENTS_SK
from infra.constructs.dynamodb import grant, on_demand_table

# Reading is one Query per stream range (`DynamoDBEventStore.read`). Its `read_all` scans, but
# only the operator's `python -m infra.rebuild_views` calls it, with the operator's credentials:
# no function may Scan the log.
READ_OPERATIONS = ("Query",)
# Appending is a conditional PutItem (or a transaction of them and of ConditionChecks, which
# IAM authorizes per action) plus a consistent GetItem that proves the expected version exists.
# No UpdateItem, no DeleteItem: IAM keeps the log append-only whatever the code does.
APPEND_OPERATIONS = ("PutItem", "ConditionCheckItem", "GetItem")


class EventStore(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = on_demand_table(
            self,
            "Events",
            partition_key=dynamodb.Attribute(name=EVENTS_PK, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=EVENTS_SK, type=dynamodb.AttributeType.NUMBER),
            # Consumers need the event as written; the log never changes, so no old image.
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            # Losing the log loses the business: keep it through stack deletes and console slips.
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.table, READ_OPERATIONS)

    def grant_append(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.table, APPEND_OPERATIONS)
