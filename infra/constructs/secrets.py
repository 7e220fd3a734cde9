"""Seller credentials in Secrets Manager: our LWA app's client id/secret (one secret, created
here with a placeholder for the operator to fill) and one refresh-token secret per seller
connection, created at run time by the api under a fixed name prefix."""

import json

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

GET_SECRET_VALUE = "secretsmanager:GetSecretValue"


class SellerCredentials(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, name_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.lwa_app_secret = secretsmanager.Secret(
            self,
            "LwaApp",
            secret_name=f"{name_prefix}/lwa-app",
            description="LWA credentials of our SP-API app: lwa_app_id, lwa_client_secret",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"lwa_app_id": "set-me"}),
                generate_string_key="lwa_client_secret",
            ),
        )
        # The LWA app secret's name does not start with this prefix, so a refresh-token grant
        # can never reach it.
        self.refresh_token_prefix = f"{name_prefix}/refresh-token/"
        self.refresh_token_arns = Stack.of(self).format_arn(
            service="secretsmanager",
            resource="secret",
            # Secrets Manager appends "-" and six random characters to every secret's ARN.
            resource_name=f"{self.refresh_token_prefix}*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )

    def grant_read_lwa_app(self, grantee: iam.IGrantable) -> iam.Grant:
        # Powertools' SecretsProvider (the only reader) calls GetSecretValue and nothing else;
        # CDK's `grant_read` would add DescribeSecret. The secret uses the AWS-managed key.
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[GET_SECRET_VALUE],
            resource_arns=[self.lwa_app_secret.secret_arn],
        )

    def grant_read_refresh_tokens(self, grantee: iam.IGrantable) -> iam.Grant:
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=[GET_SECRET_VALUE], resource_arns=[self.refresh_token_arns]
        )

    def grant_write_refresh_tokens(self, grantee: iam.IGrantable) -> iam.Grant:
        # Create (tagged with the tenant: CreateSecret with Tags also needs TagResource) on
        # connect, put a new value on re-authorization, delete when the connection's events could
        # not be appended; never read back, never described.
        actions = [
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:TagResource",
            "secretsmanager:DeleteSecret",
        ]
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=actions, resource_arns=[self.refresh_token_arns]
        )
