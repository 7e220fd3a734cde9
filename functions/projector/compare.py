"""Comparing two sets of views item by item (write counters aside)."""

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from functions.shared.views.items import RowKey, ViewItem


class Difference(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    key: RowKey
    problem: Literal["missing", "unexpected", "different"]
    expected: ViewItem | None = None
    actual: ViewItem | None = None

    def describe(self) -> str:
        return f"{self.problem}: {self.key.pk} | {self.key.sk}"


def differences(expected: Iterable[ViewItem], actual: Iterable[ViewItem]) -> list[Difference]:
    want = {item.key: item.content() for item in expected}
    have = {item.key: item.content() for item in actual}
    found = []
    for key in sorted({*want, *have}, key=lambda k: (k.pk, k.sk)):
        if key not in have:
            found.append(Difference(key=key, problem="missing", expected=want[key]))
        elif key not in want:
            found.append(Difference(key=key, problem="unexpected", actual=have[key]))
        elif want[key] != have[key]:
            found.append(
                Difference(key=key, problem="different", expected=want[key], actual=have[key])
            )
    return found
