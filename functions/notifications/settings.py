"""What the notifications consumer needs from its environment (names shared with infra/)."""

from pydantic import Field

from functions.shared.settings import EVENTS_TABLE, STATE_TABLE, SYNC_QUEUE_URL, _Settings


class NotificationsSettings(_Settings):
    events_table: str = Field(alias=EVENTS_TABLE)
    state_table: str = Field(alias=STATE_TABLE)
    sync_queue_url: str = Field(alias=SYNC_QUEUE_URL)
