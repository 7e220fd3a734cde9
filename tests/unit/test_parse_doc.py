"""A stored doc is read back as the doc of its stream's kind, whatever the kind."""

import json

import pytest
from pydantic import ValidationError

from domain.streams import StreamId, StreamKind
from functions.shared.projections.step import initial_doc
from functions.shared.views.docs import doc_type, parse_doc


@pytest.mark.parametrize("kind", list(StreamKind))
def test_every_kind_of_doc_reads_back_as_written(kind: StreamKind) -> None:
    doc = initial_doc(StreamId(tenant_id="t1", kind=kind, entity_id="e1"))
    assert type(doc) is doc_type(kind.value)
    assert type(doc).model_fields["kind"].default == kind.value
    read = parse_doc(doc.model_dump_json())
    assert type(read) is type(doc)
    assert read == doc


def test_a_doc_laid_out_otherwise_is_still_read_by_its_kind() -> None:
    doc = initial_doc(StreamId(tenant_id="t1", kind=StreamKind.VENDOR, entity_id="v1"))
    reordered = json.dumps(dict(reversed(list(doc.model_dump(mode="json").items()))))
    assert not reordered.startswith('{"stream_id"')
    assert parse_doc(reordered) == doc


def test_a_doc_whose_kind_is_not_its_streams_is_refused() -> None:
    doc = initial_doc(StreamId(tenant_id="t1", kind=StreamKind.VENDOR, entity_id="v1"))
    wrong = doc.model_dump_json().replace("t1#vendor#v1", "t1#warehouse#v1")
    with pytest.raises(ValidationError):
        parse_doc(wrong)
