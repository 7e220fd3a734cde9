"""The views table: read models projected from the log, one generic single-table design."""

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.shared.tables import (
    VIEWS_GSI1,
    VIEWS_GSI1_PK,
    VIEWS_GSI1_SK,
    VIEWS_GSI2,
    VIEWS_GSI2_PK,
    VIEWS_GSI2_SK,
    VIEWS_PK,
    VIEWS_SK,
)
from infra.constructs.dynamodb import grant, on_demand_table

# What the API's `functions.shared.views.table.ViewTable` issues: GetItem, BatchGetItem, and
# Query on the table and on both indexes.
READ_OPERATIONS = ("GetItem", "BatchGetItem", "Query")
# What the projector's `functions.projector.dynamodb_store.DynamoDBViewStore` issues: reads by
# key (GetItem, BatchGetItem), the ledger's Query on the table, PutItem (plain and conditional),
# BatchWriteItem (ledger entries) and conditional DeleteItem. It never queries an index. Its
# `items()` scans, but only the operator's rebuild command calls it.
PROJECT_OPERATIONS = ("GetItem", "BatchGetItem", "Query", "PutItem", "BatchWriteItem", "DeleteItem")

_INDEXES = ((VIEWS_GSI1, VIEWS_GSI1_PK, VIEWS_GSI1_SK), (VIEWS_GSI2, VIEWS_GSI2_PK, VIEWS_GSI2_SK))


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Views(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Rebuildable from the log at any time, so it goes with the stack (PITR still on).
        self.table = on_demand_table(
            self, "Views", partition_key=_string(VIEWS_PK), sort_key=_string(VIEWS_SK)
        )
        for index_name, pk, sk in _INDEXES:
            self.table.add_global_secondary_index(
                index_name=index_name,
                partition_key=_string(pk),
                sort_key=_string(sk),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        self.index_names = tuple(index for index, _, _ in _INDEXES)

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        return grant(grantee, self.table, READ_OPERATIONS, index_names=self.index_names)

    def grant_project(self, grantee: iam.IGrantable) -> iam.Grant:
        # Projecting is read-modify-write: `apply(view, event)` needs the view it updates.
        return grant(grantee, self.table, PROJECT_OPERATIONS)
