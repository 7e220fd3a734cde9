"""The Lambda asset: runtime dependencies only, our sources without tests or caches, and
bytecode for the Lambda runtime's CPython (unchecked-hash .pyc files beside every module)."""

import ast
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from infra.build_asset import (
    BOTOCORE_SERVICES,
    LAMBDA_PYTHON_VERSION,
    REPO_ROOT,
    SOURCE_PACKAGES,
    assert_no_forbidden_packages,
    build,
    compile_bytecode,
    copy_sources,
    current_interpreter,
    export_requirements,
    find_python,
    prune_botocore_data,
    verify_bytecode,
)

# CPython 3.12's bytecode magic number (Lib/importlib/_bootstrap_external.py), the same for
# every 3.12.x release: the first four bytes of each .pyc Lambda's python3.12 will accept.
PYTHON_312_MAGIC = (3531).to_bytes(2, "little") + b"\r\n"
LAMBDA_CACHE_TAG = "cpython-312"
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based (bit 0), source never checked (bit 1 clear)
DEPENDENCIES = ("aws_lambda_powertools", "pydantic", "boto3", "botocore", "sp_api")


def _names(requirements: str) -> set[str]:
    return {
        line.split("==")[0].strip().lower()
        for line in requirements.splitlines()
        if line and not line.startswith(("#", " "))
    }


def test_exported_requirements_are_the_runtime_dependencies_only() -> None:
    names = _names(export_requirements())

    assert {"aws-lambda-powertools", "pydantic", "python-amazon-sp-api", "boto3"} <= names
    assert not names & {"aws-cdk-lib", "constructs", "cdk-nag", "cfn-lint", "jsii"}
    assert not names & {"pytest", "moto", "ruff", "mypy", "hypothesis"}


def test_copied_sources_are_our_packages_without_caches(tmp_path: Path) -> None:
    copy_sources(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["domain", "functions"]
    assert (tmp_path / "functions" / "shared" / "tables.py").is_file()
    assert not list(tmp_path.rglob("__pycache__"))
    assert not list(tmp_path.rglob("*.pyc"))


def test_an_asset_holding_the_cdk_is_refused(tmp_path: Path) -> None:
    (tmp_path / "aws_cdk").mkdir()

    with pytest.raises(SystemExit, match="aws_cdk"):
        assert_no_forbidden_packages(tmp_path)


def test_the_lambda_runtime_python_is_on_this_machine() -> None:
    found = find_python()

    assert found is not None, (
        f"no CPython {LAMBDA_PYTHON_VERSION} here: the asset cannot ship bytecode Lambda uses"
    )
    assert found.cache_tag == LAMBDA_CACHE_TAG
    assert bytes.fromhex(found.magic) == PYTHON_312_MAGIC


@pytest.fixture(scope="module")
def asset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The asset exactly as `make asset` builds it (wheels from the package index: ~20 s)."""
    out_dir = tmp_path_factory.mktemp("lambda-asset")
    build(out_dir, require_lambda_bytecode=True)
    return out_dir


def _bytecode_of(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{LAMBDA_CACHE_TAG}.pyc"


def test_every_module_of_the_asset_has_unchecked_lambda_bytecode(asset: Path) -> None:
    sources = sorted(asset.rglob("*.py"))
    for package in (*SOURCE_PACKAGES, *DEPENDENCIES):  # ours and the dependencies' are there
        assert list((asset / package).rglob("*.py")), package

    missing, wrong = [], []
    for source in sources:
        pyc = _bytecode_of(source)
        if not pyc.is_file():
            missing.append(source.relative_to(asset))
            continue
        header = pyc.read_bytes()[:16]
        flags = int.from_bytes(header[4:8], "little")
        if header[:4] != PYTHON_312_MAGIC or flags != UNCHECKED_HASH:
            wrong.append((source.relative_to(asset), header[:8]))

    assert not missing, missing[:10]
    assert not wrong, wrong[:10]


def test_the_asset_holds_no_other_bytecode(asset: Path) -> None:
    pycs = list(asset.rglob("*.pyc"))
    foreign = [p for p in pycs if not p.name.endswith(f".{LAMBDA_CACHE_TAG}.pyc")]  # opt-1, 311

    assert not foreign, foreign[:10]
    assert all(p.parent.name == "__pycache__" for p in pycs)
    orphans = [p for p in pycs if not (p.parent.parent / f"{p.name.split('.')[0]}.py").is_file()]
    assert not orphans, orphans[:10]


def test_the_asset_bytecode_is_compiled_from_the_shipped_sources(asset: Path) -> None:
    lambda_python = find_python()
    assert lambda_python is not None

    assert verify_bytecode(asset, lambda_python) == []


def test_stale_or_missing_bytecode_is_reported(tmp_path: Path) -> None:
    here = current_interpreter()
    (tmp_path / "kept.py").write_text("A = 1\n")
    (tmp_path / "changed.py").write_text("B = 1\n")
    compile_bytecode(tmp_path, here, here.minor)
    (tmp_path / "changed.py").write_text("B = 2\n")  # an unchecked .pyc would hide this change
    (tmp_path / "added.py").write_text("C = 1\n")

    assert sorted(verify_bytecode(tmp_path, here)) == [
        f"added.py: no added.{here.cache_tag}.pyc",
        f"changed.py: changed.{here.cache_tag}.pyc was compiled from another source",
    ]


def test_bytecode_for_another_python_than_the_target_is_announced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "module.py").write_text("A = 1\n")
    here = current_interpreter()

    compile_bytecode(tmp_path, here, "3.99")

    assert "WARNING: the asset targets CPython 3.99" in capsys.readouterr().err
    assert (tmp_path / "__pycache__" / f"module.{here.cache_tag}.pyc").is_file()
    assert here.cache_tag == sys.implementation.cache_tag
    assert bytes.fromhex(here.magic) == importlib.util.MAGIC_NUMBER


def _client(name: str, data: Path | None = None) -> Any:
    """A botocore client of `name` in eu-west-1, from `data` only (None: botocore's own)."""
    session = botocore.session.get_session()
    if data is not None:
        loader = Loader(extra_search_paths=[str(data)], include_default_search_paths=False)
        session.register_component("data_loader", loader)
    return session.create_client(
        name, region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


def test_the_asset_keeps_the_botocore_data_of_our_services_only(asset: Path) -> None:
    data = asset / "botocore" / "data"
    endpoints = json.loads((data / "endpoints.json").read_text())

    assert sorted(p.name for p in data.iterdir() if p.is_dir()) == sorted(BOTOCORE_SERVICES)
    for partition in endpoints["partitions"]:
        assert set(partition["services"]) <= set(BOTOCORE_SERVICES), partition["partition"]
    for name in BOTOCORE_SERVICES:  # each builds from the asset's data alone, as from the whole
        client, whole = _client(name, data), _client(name)
        assert client.meta.endpoint_url == whole.meta.endpoint_url
        assert client.meta.service_model.operation_names
    with pytest.raises(UnknownServiceError):
        _client("s3", data)


def _clients_named_in(package: Path) -> set[str]:
    """The services of every `<something>.client("<service>", ...)` call in the package."""
    names = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "client"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_every_client_the_functions_build_has_its_botocore_data_in_the_asset() -> None:
    named = _clients_named_in(REPO_ROOT / "functions")

    assert {"dynamodb", "sqs", "secretsmanager"} <= named  # the scan finds what is there
    assert named <= set(BOTOCORE_SERVICES), named - set(BOTOCORE_SERVICES)


def test_pruning_keeps_the_named_services_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    data = tmp_path / "botocore" / "data"
    for service in ("dynamodb", "s3", "ec2"):
        (data / service / "2012-08-10").mkdir(parents=True)
    services = {"dynamodb": {"endpoints": {}}, "s3": {"endpoints": {}}}
    partition = {"partition": "aws", "regions": {"eu-west-1": {}}, "services": services}
    (data / "endpoints.json").write_text(json.dumps({"partitions": [partition], "version": 3}))

    with pytest.raises(SystemExit, match="dynamodbb"):
        prune_botocore_data(tmp_path, ("dynamodbb",))
    assert prune_botocore_data(tmp_path, ("dynamodb",)) == 2

    assert [p.name for p in data.iterdir() if p.is_dir()] == ["dynamodb"]
    [kept] = json.loads((data / "endpoints.json").read_text())["partitions"]
    assert kept == {**partition, "services": {"dynamodb": {"endpoints": {}}}}
