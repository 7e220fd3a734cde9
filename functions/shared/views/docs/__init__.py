"""The projection's state per source stream ("doc"): the position reached and what the views
of that stream are rendered from. One doc item per stream, keyed by the stream id.

Orders keep the domain's own aggregate state, so stock contributions come from
`domain/stock/contributions.py` computed on the order's whole state, never re-derived here.

Each kind's doc is declared in the module of this package named for the kind
(`docs/shipment.py` for `shipment` streams), imported when a function first meets that kind:
a doc's fields hold its kind's domain state, whose classes a cold start should build only for
the kinds it reads.
"""

import importlib
import json
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Final, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from domain.streams import SEPARATOR, StreamKind

T = TypeVar("T")


class StreamDoc(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    # What the projector derived from this very doc (the rows it renders, an order's stock
    # contribution), kept in memory only: a slot, so not a field. Equality, serialisation and
    # `model_copy` ignore it: a copy (an evolved doc) starts with nothing derived.
    __slots__ = ("__derived__",)

    stream_id: str
    version: int = 0

    @property
    def tenant_id(self) -> str:
        return self.stream_id.partition(SEPARATOR)[0]  # stream ids start with the tenant


_DERIVED = StreamDoc.__dict__["__derived__"]  # the slot itself: unset, it raises at once
# (getattr would go through pydantic's slower __getattr__ first)


def derived(doc: StreamDoc, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, a pure function of `doc`, computed once per doc object."""
    try:
        memo: dict[str, Any] = _DERIVED.__get__(doc)
    except AttributeError:
        memo = {}
        _DERIVED.__set__(doc, memo)
    if name not in memo:
        memo[name] = compute()
    found: T = memo[name]
    return found


@cache
def doc_type(kind: str) -> type[StreamDoc]:
    """The doc class of a stream kind (a `StreamKind` value), from its module."""
    module = importlib.import_module(f"{__name__}.{StreamKind(kind).value}")
    (found,) = (
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, StreamDoc)
        and value.__module__ == module.__name__
    )
    return found


_STREAM_ID_FIRST: Final = '{"stream_id":'  # how `model_dump_json` writes every doc
_JSON: Final = json.JSONDecoder()
_KINDS: Final = frozenset(kind.value for kind in StreamKind)


def parse_doc(data: str) -> StreamDoc:
    """A doc as stored (`model_dump_json`), validated as the doc of its stream's kind: only the
    kinds a function reads have their modules loaded and validators built (each on first use).
    Anything else is validated against every kind, whose error says what is wrong."""
    if data.startswith(_STREAM_ID_FIRST):
        stream_id, _ = _JSON.raw_decode(data, len(_STREAM_ID_FIRST))
        parts = stream_id.split(SEPARATOR) if isinstance(stream_id, str) else ()
        if len(parts) == 3 and parts[1] in _KINDS:
            return doc_type(parts[1]).model_validate_json(data)
    found: StreamDoc = _any_doc().validate_json(data)
    return found


@cache
def _any_doc() -> TypeAdapter[Any]:
    """Every kind's doc, told apart by its `kind`."""
    kinds: Any = tuple(doc_type(kind) for kind in StreamKind)
    return TypeAdapter(Annotated[Union[kinds], Field(discriminator="kind")])  # noqa: UP007
