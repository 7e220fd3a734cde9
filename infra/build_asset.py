"""Build the Lambda code asset without Docker: `python -m infra.build_asset OUT_DIR`.

The runtime dependencies come from the lock (never the `infra` or `dev` groups, so aws-cdk-lib
and test tools stay out), installed as wheels for the Lambda platform, then our sources beside
them, then everything compiled to bytecode for the Lambda runtime's CPython. The CDK app picks
the directory up with `-c asset_dir=OUT_DIR`.

Bytecode: `/var/task` is read-only, so Python cannot cache what it compiles there; without
`.pyc` files in the asset every cold start compiles every module it imports (about 700 for the
API). They are compiled with `--invalidation-mode unchecked-hash` (PEP 552): used as they are,
without reading the sources' mtimes or hashes. Bytecode is specific to a CPython minor version
(`__pycache__/x.cpython-312.pyc`), so it is compiled by a CPython 3.12 found on this machine
(`LAMBDA_PYTHON=/path/to/python3.12` names one); without one, the build says so loudly and
compiles with the interpreter it has (bytecode the runtime ignores), or refuses with
`--require-lambda-bytecode`.

botocore's data: botocore ships the models of every AWS service (over 400 folders, about
28 MB), and building a client lists them all and parses `endpoints.json` (1.2 MB, every
service's endpoints): about 80 ms of CPU at each cold start's first client. The asset keeps
the services our functions call (`BOTOCORE_SERVICES`) and theirs only in `endpoints.json`;
a client of any other service fails at once (UnknownServiceError), and a test keeps the list
and the code's clients in step.
"""

import argparse
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The runtime, architecture and wheel tags must agree: pydantic-core is compiled per CPython
# version and CPU. The CDK function construct asserts its runtime against LAMBDA_PYTHON_VERSION.
LAMBDA_PYTHON_VERSION = "3.12"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
# Where Lambda puts the asset: the path recorded in the bytecode (never this machine's paths).
LAMBDA_TASK_ROOT = "/var/task"
# An interpreter of LAMBDA_PYTHON_VERSION to compile with, when it is not found on its own.
LAMBDA_PYTHON_ENV = "LAMBDA_PYTHON"
# PEP 552 flags of a hash-based .pyc that is never checked against its source.
UNCHECKED_HASH_FLAGS = 0b01

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("domain", "functions")
# Packages that must never ship: the CDK (hundreds of MB, and infra only) and its jsii runtime.
FORBIDDEN_PACKAGES = ("aws_cdk", "jsii", "cdk_nag", "constructs")
# The AWS services whose botocore data the asset keeps: those the functions build clients of,
# and those botocore's credential chain may call (STS, SSO) should a function's credentials
# ever come from a profile rather than the runtime's environment.
BOTOCORE_SERVICES = ("dynamodb", "sqs", "secretsmanager", "sts", "sso", "sso-oidc")


@dataclass(frozen=True)
class Interpreter:
    """A CPython that can compile bytecode, as it describes itself."""

    path: str
    version: str  # "3.12.1"
    cache_tag: str  # "cpython-312": the infix of its .pyc names
    magic: str  # importlib.util.MAGIC_NUMBER, hex: the first bytes of its .pyc files

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


_DESCRIBE = (
    "import importlib.util, json, platform, sys; print(json.dumps({"
    "'version': platform.python_version(), 'cache_tag': sys.implementation.cache_tag, "
    "'magic': importlib.util.MAGIC_NUMBER.hex(), "
    "'cpython': sys.implementation.name == 'cpython'}))"
)


def describe(path: str) -> Interpreter | None:
    """The interpreter at `path` if it runs and is a CPython (a pyenv shim may not run)."""
    try:
        done = subprocess.run(
            [path, "-I", "-c", _DESCRIBE], capture_output=True, text=True, timeout=60
        )
        about = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if not about or not about["cpython"] or not about["cache_tag"]:
        return None
    return Interpreter(path, about["version"], about["cache_tag"], about["magic"])


def current_interpreter() -> Interpreter:
    found = describe(sys.executable)
    if found is None:
        raise SystemExit(f"{sys.executable} cannot compile bytecode (not a CPython?)")
    return found


def _candidates(version: str) -> Iterator[str]:
    """Where a CPython `version` may be, in order; nothing is downloaded."""
    name = f"python{version}"
    yield sys.executable
    yield shutil.which(name) or ""
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    # Newest patch release first: pyenv's versions/3.12.10 before versions/3.12.9.
    installed = glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", name))
    yield from sorted(installed, key=_patch_level, reverse=True)
    yield from (f"/usr/bin/{name}", f"/usr/local/bin/{name}")
    uv = _uv_or_none()
    if uv is not None:
        command = [uv, "python", "find", "--no-project", version]
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        try:
            found = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        except (OSError, subprocess.TimeoutExpired):
            return
        yield found.stdout.strip() if found.returncode == 0 else ""


def _patch_level(path: str) -> tuple[int, ...]:
    release = Path(path).parent.parent.name.split(".")
    return tuple(int(part) if part.isdigit() else -1 for part in release)


def find_python(version: str = LAMBDA_PYTHON_VERSION) -> Interpreter | None:
    """A CPython `version` on this machine: `$LAMBDA_PYTHON` if set (it must be one), else the
    running interpreter, `pythonX.Y` on PATH, pyenv's versions, /usr(/local)/bin, uv's pythons."""
    explicit = os.environ.get(LAMBDA_PYTHON_ENV)
    if explicit:
        found = describe(explicit)
        if found is None or found.minor != version:
            what = f"CPython {found.version}" if found else "not a CPython that runs"
            raise SystemExit(f"{LAMBDA_PYTHON_ENV}={explicit} is {what}, not CPython {version}")
        return found
    seen: set[str] = set()
    for path in _candidates(version):
        if not path or path in seen or not os.access(path, os.X_OK):
            continue
        seen.add(path)
        found = describe(path)
        if found is not None and found.minor == version:
            return found
    return None


def bytecode_compiler(version: str = LAMBDA_PYTHON_VERSION, required: bool = False) -> Interpreter:
    """The interpreter to compile the asset with: a CPython `version` if there is one. Else,
    refuse if `required`, or fall back to the running interpreter, saying so loudly."""
    found = find_python(version)
    if found is not None:
        return found
    running = current_interpreter()
    advice = (
        f"no CPython {version} found on this machine (looked at ${LAMBDA_PYTHON_ENV}, "
        f"python{version} on PATH, pyenv's versions, /usr/bin, /usr/local/bin, uv's pythons). "
        f"Install CPython {version} or set {LAMBDA_PYTHON_ENV} to one, then build again"
    )
    if required:
        raise SystemExit(f"refusing to build without CPython {version} bytecode: {advice}")
    print(f"WARNING: {advice}.", file=sys.stderr)
    return running


def copy_sources(out_dir: Path) -> None:
    """Copy our own packages (no tests, no caches) into `out_dir`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for package in SOURCE_PACKAGES:
        target = out_dir / package
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(REPO_ROOT / package, target, ignore=ignore)


def _uv_or_none() -> str | None:
    bundled = REPO_ROOT / ".tools" / "bin" / "uv"
    if bundled.exists():
        return str(bundled)
    return shutil.which("uv")


def _uv() -> str:
    found = _uv_or_none()
    if found is None:
        raise SystemExit("uv not found: run `make env` (installs .tools/bin/uv) or put uv on PATH")
    return found


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


def install_dependencies(
    requirements: str,
    out_dir: Path,
    *,
    platform: str = LAMBDA_PLATFORM,
    python_version: str = LAMBDA_PYTHON_VERSION,
) -> None:
    """Wheels for `platform` and CPython `python_version` (the Lambda runtime's by default)."""
    with tempfile.TemporaryDirectory() as tmp:
        requirements_file = Path(tmp) / "requirements.txt"
        requirements_file.write_text(requirements)
        # pip would compile with the interpreter running it: compile_bytecode does it instead.
        command = [*_pip(), "install", "--quiet", "--no-compile", "--upgrade"]
        command += ["--platform", platform, "--only-binary=:all:"]
        command += ["--python-version", python_version, "--implementation", "cp"]
        command += ["--target", str(out_dir), "-r", str(requirements_file)]
        subprocess.run(command, check=True)


def assert_no_forbidden_packages(out_dir: Path) -> None:
    shipped = [name for name in FORBIDDEN_PACKAGES if (out_dir / name).exists()]
    if shipped:
        raise SystemExit(f"refusing to ship infra-only packages in the asset: {shipped}")


def prune_botocore_data(out_dir: Path, services: tuple[str, ...] = BOTOCORE_SERVICES) -> int:
    """Drop botocore's data of every service but `services` (their folders, and their entries
    in `endpoints.json`); returns how many service folders were dropped."""
    data = out_dir / "botocore" / "data"
    missing = [name for name in services if not (data / name).is_dir()]
    if missing:
        raise SystemExit(f"botocore has no data for {missing}: is the service name right?")
    dropped = [
        folder for folder in data.iterdir() if folder.is_dir() and folder.name not in services
    ]
    for folder in dropped:
        shutil.rmtree(folder)
    endpoints_file = data / "endpoints.json"
    endpoints = json.loads(endpoints_file.read_text())
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in services
        }
    endpoints_file.write_text(json.dumps(endpoints, separators=(",", ":")))
    return len(dropped)


def compile_bytecode(
    out_dir: Path, compiler: Interpreter, python_version: str = LAMBDA_PYTHON_VERSION
) -> None:
    """Compile every module of `out_dir` into unchecked-hash .pyc files, recording the paths
    they will have under LAMBDA_TASK_ROOT. Bytecode of another version than `python_version`
    is compiled only with a warning: that runtime ignores it."""
    if compiler.minor != python_version:
        print(
            f"WARNING: the asset targets CPython {python_version} but its bytecode is compiled "
            f"by CPython {compiler.version} ({compiler.path}): __pycache__/*.{compiler.cache_tag}"
            f".pyc, which CPython {python_version} ignores (every cold start compiles again).",
            file=sys.stderr,
        )
    # Only this build's bytecode ships: none left from an earlier build into the same folder.
    for cache in [p for p in out_dir.rglob("__pycache__") if p.is_dir()]:
        shutil.rmtree(cache)
    command = [compiler.path, "-I", "-m", "compileall", "-q", "-f", "-j", "0"]
    command += ["--invalidation-mode", "unchecked-hash"]
    command += ["-s", str(out_dir), "-p", LAMBDA_TASK_ROOT, str(out_dir)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


# Run by the compiling interpreter itself: only it knows its magic number and source hash key.
_VERIFY = """
import importlib.util, pathlib, sys
root, tag = pathlib.Path(sys.argv[1]), sys.implementation.cache_tag
for source in sorted(root.rglob("*.py")):
    pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
    where = source.relative_to(root)
    if not pyc.is_file():
        print(f"{where}: no {pyc.name}")
        continue
    header = pyc.read_bytes()[:16]
    if header[:4] != importlib.util.MAGIC_NUMBER:
        print(f"{where}: {pyc.name} has another magic number")
    elif int.from_bytes(header[4:8], "little") != FLAGS:
        print(f"{where}: {pyc.name} is not unchecked-hash bytecode")
    elif header[8:16] != importlib.util.source_hash(source.read_bytes()):
        print(f"{where}: {pyc.name} was compiled from another source")
"""


def verify_bytecode(out_dir: Path, compiler: Interpreter) -> list[str]:
    """What is wrong with the bytecode of `out_dir` for `compiler` (nothing: []): every .py has
    its unchecked-hash .pyc of `compiler`'s version, compiled from that very source."""
    script = f"FLAGS = {UNCHECKED_HASH_FLAGS}\n{_VERIFY}"
    done = subprocess.run(
        [compiler.path, "-I", "-c", script, str(out_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.splitlines()


def build(
    out_dir: Path,
    *,
    platform: str = LAMBDA_PLATFORM,
    python_version: str = LAMBDA_PYTHON_VERSION,
    compiler: Interpreter | None = None,
    require_lambda_bytecode: bool = False,
) -> Interpreter:
    """Fill `out_dir`; returns the interpreter whose bytecode it holds. The defaults build for
    Lambda; another `platform` and `python_version` build a twin for this machine (benches)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    install_dependencies(
        export_requirements(), out_dir, platform=platform, python_version=python_version
    )
    copy_sources(out_dir)
    assert_no_forbidden_packages(out_dir)
    dropped = prune_botocore_data(out_dir)
    print(f"botocore data: kept {', '.join(BOTOCORE_SERVICES)}; dropped {dropped} services")
    compiler = compiler or bytecode_compiler(python_version, require_lambda_bytecode)
    compile_bytecode(out_dir, compiler, python_version)
    problems = verify_bytecode(out_dir, compiler)
    if problems:
        shown = "\n  ".join(problems[:20])
        raise SystemExit(f"the asset's bytecode is incomplete ({len(problems)}):\n  {shown}")
    modules = sum(1 for _ in out_dir.rglob("*.py"))
    print(
        f"bytecode: {modules} modules compiled by CPython {compiler.version} ({compiler.path}) "
        f"into __pycache__/*.{compiler.cache_tag}.pyc, unchecked-hash; the asset targets "
        f"CPython {python_version} on {platform}"
        + ("" if compiler.minor == python_version else " (VERSION MISMATCH: see the warning)")
    )
    return compiler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to fill (created if missing)")
    parser.add_argument(
        "--require-lambda-bytecode",
        action="store_true",
        help=f"fail rather than compile with another CPython than {LAMBDA_PYTHON_VERSION}",
    )
    args = parser.parse_args(argv)
    build(args.out_dir.resolve(), require_lambda_bytecode=args.require_lambda_bytecode)


if __name__ == "__main__":
    main()
