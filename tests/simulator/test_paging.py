"""Properties of the paging rule every paged operation shares."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from infra.simulated_amazon.paging import paginate


@given(size=st.integers(min_value=0, max_value=200), page_size=st.integers(1, 60))
def test_following_tokens_yields_every_key_once_in_order(size: int, page_size: int) -> None:
    keys = list(range(size))
    collected: list[int] = []
    pages = []
    offset: int | None = 0
    while offset is not None:
        page = paginate(keys, offset, page_size)
        collected.extend(page.keys)
        pages.append(len(page.keys))
        offset = page.next_offset

    assert collected == keys
    # An exact multiple of the page size ends on an empty page, reached through a token.
    ends_on_empty_page = size > 0 and size % page_size == 0
    assert (pages[-1] == 0 and len(pages) > 1) == ends_on_empty_page
