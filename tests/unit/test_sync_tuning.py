"""The sync's tuning from the environment: Amazon's inventory reads turned off by name."""

import pytest
from pydantic import ValidationError

from functions.sync.engine.settings import SyncTuning


@pytest.mark.parametrize(
    ("value", "minutes"), [("off", None), ("OFF", None), ("0", 0), ("90", 90), ("", 60)]
)
def test_inventory_reads_every_so_many_minutes_or_off(value: str, minutes: int | None) -> None:
    tuning = SyncTuning.from_env({"SYNC_INVENTORY_SUMMARIES_MINUTES": value})
    assert tuning.inventory_summaries_minutes == minutes


def test_a_word_other_than_off_is_refused() -> None:
    with pytest.raises(ValidationError, match="SYNC_INVENTORY_SUMMARIES_MINUTES"):
        SyncTuning.from_env({"SYNC_INVENTORY_SUMMARIES_MINUTES": "never"})
