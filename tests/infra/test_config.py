"""Stage settings come from CDK context (cdk.json, then `-c key=value`)."""

import json
from pathlib import Path

import pytest

from infra.constructs.sync import SyncOptions

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_cdk_json_runs_the_app_module() -> None:
    cdk = json.loads((REPO_ROOT / "cdk.json").read_text())

    assert cdk["app"].endswith("-m infra.app")


def test_context_overrides_the_defaults() -> None:
    from aws_cdk import App

    from infra.stack import StageConfig

    app = App(
        context={
            "stage": "prod",
            "asset_dir": "/tmp/asset",
            "sync_schedule": "rate(5 minutes)",
            "sync_batch_size": "10",
            "alarm_email": "ops@example.com",
        }
    )
    config = StageConfig.from_context(app.node)

    assert config.stage == "prod"
    assert config.asset_dir == Path("/tmp/asset")
    assert config.sync == SyncOptions(schedule="rate(5 minutes)", batch_size=10)
    assert config.alarm_email == "ops@example.com"


def test_without_context_the_stage_is_dev_with_a_source_only_asset() -> None:
    from aws_cdk import App

    from infra.stack import StageConfig

    config = StageConfig.from_context(App().node)

    assert config.stage == "dev"
    assert config.asset_dir is None
    assert config.sync == SyncOptions(schedule="rate(15 minutes)", batch_size=1)


@pytest.mark.parametrize("size", [0, 11])
def test_a_sync_batch_size_outside_1_to_10_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match=r"1\.\.10"):
        SyncOptions(batch_size=size)
