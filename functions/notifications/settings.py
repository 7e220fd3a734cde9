"""What the notifications consumer needs from its environment (names shared with infra/)."""

from pydantic import Field

from functions.shared.settings import (
    EVENTS_TABLE,
    SPAPI_APPLICATION_ID,
    STATE_TABLE,
    SYNC_QUEUE_URL,
    _Settings,
)


class NotificationsSettings(_Settings):
    events_table: str = Field(alias=EVENTS_TABLE)
    state_table: str = Field(alias=STATE_TABLE)
    sync_queue_url: str = Field(alias=SYNC_QUEUE_URL)
    # Messages of another application are dropped: they reached our queue by mistake or malice.
    spapi_application_id: str = Field(alias=SPAPI_APPLICATION_ID)
