"""The Lambda asset: runtime dependencies only, our sources without tests or caches."""

from pathlib import Path

import pytest

from infra.build_asset import (
    assert_no_forbidden_packages,
    copy_sources,
    export_requirements,
)


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
