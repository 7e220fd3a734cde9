"""What reading the views may refuse, which the API answers with its own status
(`functions/api/errors.py`). Kept apart from the readers: the API registers its handlers at
import, before any reader is needed."""

from domain.streams import StreamId


class ViewLagging(Exception):
    """The view of a resource is too far behind its log to be caught up within a request."""

    def __init__(self, stream_id: StreamId) -> None:
        super().__init__(
            f"the view of {stream_id.kind.value} {stream_id.entity_id} is being rebuilt; "
            "retry in a few seconds"
        )


class TooMuchToRead(Exception):
    """A figure whose inputs exceed what one request reads (HTTP 422 with `code`)."""

    code: str = "too_much_to_read"
