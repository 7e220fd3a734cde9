"""Request bodies of the Notifications API (v1), as Amazon's published model defines them.

Unknown keys are ignored, as at Amazon: sp_api adds `marketplaceIds`/`MarketplaceIds` to every
POST body.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

SQS_ARN_PATTERN = r"^arn:aws:sqs:\S+:\S+:\S+"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class SqsResource(_Wire):
    arn: str = Field(max_length=1000, pattern=SQS_ARN_PATTERN)


class EventBridgeResourceSpecification(_Wire):
    region: str = Field(min_length=1)
    account_id: str = Field(alias="accountId", min_length=1)


class DestinationResourceSpecification(_Wire):
    sqs: SqsResource | None = None
    event_bridge: EventBridgeResourceSpecification | None = Field(default=None, alias="eventBridge")

    @model_validator(mode="after")
    def _exactly_one(self) -> DestinationResourceSpecification:
        if (self.sqs is None) == (self.event_bridge is None):
            raise ValueError("give exactly one of sqs and eventBridge")
        return self


class CreateDestinationRequest(_Wire):
    name: str = Field(min_length=1, max_length=256)
    resource_specification: DestinationResourceSpecification = Field(alias="resourceSpecification")


class CreateSubscriptionRequest(_Wire):
    payload_version: str = Field(alias="payloadVersion", min_length=1)
    destination_id: str = Field(alias="destinationId", min_length=1)
    processing_directive: dict[str, Any] | None = Field(default=None, alias="processingDirective")
