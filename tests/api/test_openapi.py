"""The committed OpenAPI document is the generated one, and it describes errors as sent."""

import json
import subprocess
import sys
from pathlib import Path

from functions.api.app import openapi_json
from functions.api.handler import app
from tests.api.gateway import ApiClient

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def test_the_committed_document_is_up_to_date() -> None:
    assert COMMITTED.read_text() == openapi_json(app), (
        "openapi.json drifted from the code: run `python -m functions.api.openapi > openapi.json`"
    )


def test_the_regeneration_script_prints_the_document() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "functions.api.openapi"],
        capture_output=True,
        text=True,
        check=True,
        cwd=COMMITTED.parent,
    ).stdout

    assert printed == openapi_json(app)


def test_the_served_document_is_the_committed_one(api: ApiClient) -> None:
    assert api.get("/openapi.json").json == json.loads(COMMITTED.read_text())


def test_every_error_response_is_documented_with_the_error_model() -> None:
    document = json.loads(openapi_json(app))

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (path, status)
    assert "msg" not in json.dumps(document["components"]["schemas"])


def test_reads_document_their_consistency() -> None:
    document = json.loads(openapi_json(app))

    for path, operations in document["paths"].items():
        if "get" not in operations or path.startswith("/history"):
            continue
        read = operations["get"]
        # A tenant's settings and a Save-to-Amazon job: read from the log itself.
        if path.startswith(("/settings/", "/amazon-jobs/")):
            assert "read from the log itself" in read["description"], path
        # One resource (or its settings): read your writes, or 503 while being rebuilt.
        elif path.endswith(("}", "}/settings")):
            assert "Read your writes" in read["description"], path
            assert "503" in read["responses"], path
        else:
            assert "eventually consistent" in read["description"], path
