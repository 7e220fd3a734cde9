"""The CDK app (`cdk.json`): one stack per stage, `-c stage=prod` (default "dev").

`-c asset_dir=DIR` deploys the asset built by `python -m infra.build_asset DIR`; without it the
functions get a directory holding only our sources, enough to synthesize offline and to test.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from aws_cdk import App, Environment
from aws_cdk import aws_lambda as lambda_

from infra.build_asset import SOURCE_PACKAGES, copy_sources
from infra.nag import acknowledge, add_checks
from infra.stack import BackendStack, StageConfig


def lambda_code(asset_dir: Path | None) -> lambda_.Code:
    if asset_dir is not None:
        missing = [p for p in SOURCE_PACKAGES if not (asset_dir / p).is_dir()]
        if missing:
            raise SystemExit(f"{asset_dir} is not a built asset (no {missing}): build it first")
        return lambda_.Code.from_asset(str(asset_dir))
    # CDK copies the asset into the cloud assembly during synth, so this can go at exit.
    sources = Path(tempfile.mkdtemp(prefix="fba-lambda-sources-"))
    atexit.register(shutil.rmtree, sources, ignore_errors=True)
    copy_sources(sources)
    return lambda_.Code.from_asset(str(sources))


def build(app: App) -> BackendStack:
    config = StageConfig.from_context(app.node)
    stack = BackendStack(
        app,
        f"FbaInbound-{config.stage}",
        config=config,
        code=lambda_code(config.asset_dir),
        description=f"FBA inbound backend ({config.stage})",
        # Unset (tests, offline synth) leaves the stack environment-agnostic.
        env=Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=os.environ.get("CDK_DEFAULT_REGION"),
        ),
    )
    acknowledge(stack)
    return stack


def main() -> None:
    app = App()
    build(app)
    add_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
