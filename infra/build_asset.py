"""Build the Lambda code asset without Docker: `python -m infra.build_asset OUT_DIR`.

The runtime dependencies come from the lock (never the `infra` or `dev` groups, so aws-cdk-lib
and test tools stay out), installed as wheels for the Lambda platform, then our sources beside
them. The CDK app picks the directory up with `-c asset_dir=OUT_DIR`.
"""

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The runtime, architecture and wheel tags must agree: pydantic-core is compiled per CPython
# version and CPU. The CDK function construct asserts its runtime against LAMBDA_PYTHON_VERSION.
LAMBDA_PYTHON_VERSION = "3.12"
LAMBDA_PLATFORM = "manylinux2014_aarch64"

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("domain", "functions")
# Packages that must never ship: the CDK (hundreds of MB, and infra only) and its jsii runtime.
FORBIDDEN_PACKAGES = ("aws_cdk", "jsii", "cdk_nag", "constructs")


def copy_sources(out_dir: Path) -> None:
    """Copy our own packages (no tests, no caches) into `out_dir`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for package in SOURCE_PACKAGES:
        target = out_dir / package
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(REPO_ROOT / package, target, ignore=ignore)


def _uv() -> str:
    bundled = REPO_ROOT / ".tools" / "bin" / "uv"
    if bundled.exists():
        return str(bundled)
    on_path = shutil.which("uv")
    if on_path is None:
        raise SystemExit("uv not found: run `make env` (installs .tools/bin/uv) or put uv on PATH")
    return on_path


def _pip() -> list[str]:
    # The project venv is made by uv and may have no pip; the bootstrap venv in .tools has one.
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    bootstrap = REPO_ROOT / ".tools" / "bin" / "python"
    if bootstrap.exists():
        return [str(bootstrap), "-m", "pip"]
    raise SystemExit("pip not found: run `make env` first")


def export_requirements() -> str:
    """The locked runtime requirements (requirements.txt format), read offline from uv.lock."""
    command = [_uv(), "export", "--frozen", "--no-dev", "--no-group", "infra", "--no-hashes"]
    command += ["--no-emit-project", "--no-header", "--no-annotate"]
    return subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True, text=True).stdout


def install_dependencies(requirements: str, out_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        requirements_file = Path(tmp) / "requirements.txt"
        requirements_file.write_text(requirements)
        command = [*_pip(), "install", "--quiet", "--no-compile", "--upgrade"]
        command += ["--platform", LAMBDA_PLATFORM, "--only-binary=:all:"]
        command += ["--python-version", LAMBDA_PYTHON_VERSION, "--implementation", "cp"]
        command += ["--target", str(out_dir), "-r", str(requirements_file)]
        subprocess.run(command, check=True)


def assert_no_forbidden_packages(out_dir: Path) -> None:
    shipped = [name for name in FORBIDDEN_PACKAGES if (out_dir / name).exists()]
    if shipped:
        raise SystemExit(f"refusing to ship infra-only packages in the asset: {shipped}")


def build(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    install_dependencies(export_requirements(), out_dir)
    copy_sources(out_dir)
    assert_no_forbidden_packages(out_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to fill (created if missing)")
    build(parser.parse_args(argv).out_dir.resolve())


if __name__ == "__main__":
    main()
