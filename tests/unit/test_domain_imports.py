"""The domain stays pure: it imports nothing from the outside layers or the AWS/Amazon SDKs."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN_IMPORTS = ("functions", "infra", "boto3", "botocore", "aws_lambda_powertools", "sp_api")
FORBIDDEN_CALLS = ("os.environ", "datetime.now", "datetime.utcnow", "uuid4", "uuid.uuid4")


def _modules() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def _imported_names(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_the_domain_has_modules_to_check() -> None:
    assert len(_modules()) > 10


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_nothing_from_outside(module: Path) -> None:
    tree = ast.parse(module.read_text())
    offending = [name for name in _imported_names(tree) if name.split(".")[0] in FORBIDDEN_IMPORTS]
    assert offending == [], f"{module} imports {offending}"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_reads_no_clock_environment_or_random_ids(module: Path) -> None:
    text = module.read_text()
    assert [call for call in FORBIDDEN_CALLS if call in text] == []
