"""What every table of ours shares, and the IAM actions our grants are made of.

Grants are explicit action lists rather than CDK's `grant_*_data`, so a role gets exactly the
verbs its function uses (the event log is append-only, so nothing may update or delete it) and
index ARNs are named one by one instead of `table/index/*`.
"""

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
WRITE_ACTIONS = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)


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


def grant(
    grantee: iam.IGrantable,
    table: dynamodb.ITable,
    actions: Sequence[str],
    *,
    index_names: Sequence[str] = (),
) -> iam.Grant:
    arns = [table.table_arn, *(f"{table.table_arn}/index/{name}" for name in index_names)]
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=list(dict.fromkeys(actions)), resource_arns=arns
    )
