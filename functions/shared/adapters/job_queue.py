"""The Save-to-Amazon jobs' queue (SQS standard): a message names a job; its state is the job's
stream, so a duplicate delivery runs it twice to no effect (the second loses every append)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

MAX_DELAY_SECONDS: Final = 900  # SQS's


class JobMessage(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    job_id: str


class JobQueue:
    def __init__(self, sqs: "Callable[[], SQSClient]", queue_url: str) -> None:
        """`sqs` gives the client when a message is first sent (an API cold start that sends
        none builds none)."""
        self._sqs = sqs
        self._url = queue_url

    def submit(self, message: JobMessage, delay_seconds: int = 0) -> None:
        self._sqs().send_message(
            QueueUrl=self._url,
            MessageBody=message.model_dump_json(),
            DelaySeconds=max(0, min(delay_seconds, MAX_DELAY_SECONDS)),
        )
