"""Keeping local data on disk across restarts (opt-in): the event log, operational state,
secrets and the simulated Seller Central, written atomically to one JSON file.

The views are not saved: on start they are projected again from the restored event log,
which is exactly what a rebuild does, so a restart also proves the views are replayable.
"""

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from infra.simulated_amazon.store import SimulatorState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient

    from infra.simulated_amazon import SimulatedAmazon


class LocalData(BaseModel):
    tables: dict[str, list[dict[str, Any]]]
    secrets: dict[str, str]
    simulator: SimulatorState


def capture(
    dynamodb: "DynamoDBClient",
    secrets: "SecretsManagerClient",
    table_names: list[str],
    simulator: "SimulatedAmazon",
) -> LocalData:
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in table_names:
        items: list[dict[str, Any]] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
            items.extend(page["Items"])
        tables[name] = items
    values: dict[str, str] = {}
    for listing in secrets.get_paginator("list_secrets").paginate():
        for secret in listing["SecretList"]:
            values[secret["Name"]] = secrets.get_secret_value(SecretId=secret["Name"])[
                "SecretString"
            ]
    return LocalData(tables=tables, secrets=values, simulator=simulator.store.export_state())


def save(path: Path, data: LocalData) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(data.model_dump_json())
    os.replace(partial, path)  # atomic: a crash mid-write never leaves half a file


def load(path: Path) -> LocalData | None:
    if not path.exists():
        return None
    return LocalData.model_validate(json.loads(path.read_text()))


def restore(
    data: LocalData,
    dynamodb: "DynamoDBClient",
    secrets: "SecretsManagerClient",
    simulator: "SimulatedAmazon",
) -> None:
    for name, items in data.tables.items():
        for item in items:
            dynamodb.put_item(TableName=name, Item=item)
    for name, value in data.secrets.items():
        try:
            secrets.create_secret(Name=name, SecretString=value)
        except secrets.exceptions.ResourceExistsException:
            secrets.put_secret_value(SecretId=name, SecretString=value)
    simulator.store.import_state(data.simulator)
