"""The composition root builds each boto3 client when an adapter first needs it: reads build
DynamoDB's only, a command that stores a token and queues a sync builds the others."""

import pytest

from functions.api.wiring import build_services
from functions.shared.adapters.aws_clients import AwsClients
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import REFRESH_TOKEN, SELLER


def test_clients_given_are_the_ones_used(aws: Aws) -> None:
    given = aws.clients

    clients = AwsClients(given.dynamodb, given.sqs, given.secretsmanager)

    assert clients.dynamodb is given.dynamodb
    assert clients.sqs is given.sqs
    assert clients.secretsmanager is given.secretsmanager


def test_each_client_is_built_when_an_adapter_first_needs_it(
    aws: Aws, aws_env: None, moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    clients = AwsClients()
    api = ApiClient(build_services(aws.settings, clients))

    listed = api.get("/warehouses")
    built_for_reads = clients.built()
    opened = api.post(
        "/connections",
        {
            "seller_id": SELLER,
            "region": "NA",
            "marketplace_ids": ["ATVPDKIKX0DER"],
            "refresh_token": REFRESH_TOKEN,
        },
    )

    assert (listed.status, opened.status) == (200, 201), opened.text
    assert built_for_reads == {"dynamodb"}
    assert clients.built() == {"dynamodb", "sqs", "secretsmanager", "secrets"}
    assert clients.sqs is clients.sqs
