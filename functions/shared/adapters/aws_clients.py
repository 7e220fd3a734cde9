"""The boto3 clients a function's adapters use, each built the first time an adapter needs it.

A client costs tens of milliseconds of CPU to build (its service model, endpoint rules and
credential chain), so a cold start builds only those its first request uses: a Save-to-Amazon
message for a job already done reads DynamoDB and never touches SQS or Secrets Manager. Tests
give their own clients; any not given is built from the environment (region, credentials,
AWS_ENDPOINT_URL locally).
"""

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient


CLIENTS = ("dynamodb", "sqs", "secretsmanager", "secrets")


class AwsClients:
    def __init__(
        self,
        dynamodb: "DynamoDBClient | None" = None,
        sqs: "SQSClient | None" = None,
        secretsmanager: "SecretsManagerClient | None" = None,
        config: "Config | None" = None,
    ) -> None:
        """`config`: of the clients built here (timeouts, retries); None: boto3's defaults."""
        self._config = config
        given = {"dynamodb": dynamodb, "sqs": sqs, "secretsmanager": secretsmanager}
        # A cached_property answers from the instance's __dict__: a given client is its value.
        vars(self).update({name: client for name, client in given.items() if client is not None})

    @functools.cached_property
    def dynamodb(self) -> "DynamoDBClient":
        import boto3

        return boto3.client("dynamodb", config=self._config)

    @functools.cached_property
    def sqs(self) -> "SQSClient":
        import boto3

        return boto3.client("sqs", config=self._config)

    @functools.cached_property
    def secretsmanager(self) -> "SecretsManagerClient":
        import boto3

        return boto3.client("secretsmanager", config=self._config)

    @functools.cached_property
    def secrets(self) -> "SecretsProvider":
        """Powertools' cached reader of secrets, on the Secrets Manager client."""
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        return SecretsProvider(boto3_client=self.secretsmanager)

    def built(self) -> set[str]:
        """The clients given or built so far."""
        return {name for name in CLIENTS if name in vars(self)}
