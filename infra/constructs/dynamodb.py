"""What every table of ours shares, and how a role is granted a table.

Grants are explicit action lists rather than CDK's `grant_*_data`: a role gets exactly the
DynamoDB operations its function's code issues (the boto3 calls under `functions/`, listed by
each table's construct), never a Scan, a DescribeTable or a batch operation nobody makes. The
event log is append-only, so nothing may update or delete it. Index ARNs are named one by one
instead of `table/index/*`, and get only `Query`, the one operation our code runs on an index.
"""

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

INDEX_ACTIONS = ("dynamodb:Query",)


def on_demand_table(
    scope: Construct,
    construct_id: str,
    *,
    partition_key: dynamodb.Attribute,
    sort_key: dynamodb.Attribute | None = None,
    removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    **overrides: object,
) -> dynamodb.Table:
    """Pay-per-request, encrypted at rest (AWS-managed key: no KMS grants to hand out), PITR on."""
    return dynamodb.Table(
        scope,
        construct_id,
        partition_key=partition_key,
        sort_key=sort_key,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        removal_policy=removal_policy,
        **overrides,  # type: ignore[arg-type]
    )


def dynamodb_actions(operations: Sequence[str]) -> list[str]:
    """`["GetItem", "Query"]` -> `["dynamodb:GetItem", "dynamodb:Query"]`, each once."""
    return list(dict.fromkeys(f"dynamodb:{operation}" for operation in operations))


def grant(
    grantee: iam.IGrantable,
    table: dynamodb.ITable,
    operations: Sequence[str],
    *,
    index_names: Sequence[str] = (),
) -> iam.Grant:
    """`operations` (e.g. "GetItem") on the table; `Query` on each of `index_names`."""
    granted = iam.Grant.add_to_principal(
        grantee=grantee, actions=dynamodb_actions(operations), resource_arns=[table.table_arn]
    )
    if index_names:
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(INDEX_ACTIONS),
            resource_arns=[f"{table.table_arn}/index/{name}" for name in index_names],
        )
    return granted
