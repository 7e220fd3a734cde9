"""Replaying a command's response for a repeated `Idempotency-Key` (Powertools idempotency).

The key is (tenant, operation, Idempotency-Key): never the API event, which differs on every
request. The validated request (body and path ids) is the payload compared on a repeat: the
same key with another payload is refused (422), the same payload gets the stored response and
appends nothing. Records live in the idempotency table (DynamoDB) for `expires_after_seconds`.

Powertools' idempotency utility is imported on first use: reads never pay for it at cold start.
"""

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from functions.api.errors import ApiError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

M = TypeVar("M", bound=BaseModel)
DAY = 24 * 60 * 60


class IdempotentCommands:
    def __init__(
        self, table_name: str, client: "DynamoDBClient", expires_after_seconds: int = DAY
    ) -> None:
        self._table_name = table_name
        self._client = client
        self._expires_after_seconds = expires_after_seconds
        self._persistence: Any = None

    def run(
        self,
        *,
        tenant_id: str,
        operation: str,
        key: str | None,
        payload: Mapping[str, Any],
        lambda_context: Any,
        execute: Callable[[], M],
        response_type: type[M],
    ) -> M:
        """Run `execute` once per (tenant, operation, key); without a key, just run it."""
        if key is None:
            return execute()
        from aws_lambda_powertools.utilities.idempotency import (
            IdempotencyConfig,
            idempotent_function,
        )
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )
        from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
            PydanticSerializer,
        )

        config = IdempotencyConfig(
            event_key_jmespath="[tenant_id, operation, key]",
            payload_validation_jmespath="payload",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=self._expires_after_seconds,
        )
        if lambda_context is not None:
            config.register_lambda_context(lambda_context)

        def command(request: dict[str, Any]) -> M:
            return execute()

        once: Callable[..., M] = idempotent_function(
            command,
            data_keyword_argument="request",
            persistence_store=self._persistence_layer(),
            config=config,
            output_serializer=PydanticSerializer(response_type),
            key_prefix="api",
        )

        request = {"tenant_id": tenant_id, "operation": operation, "key": key, "payload": payload}
        try:
            return once(request=request)
        except IdempotencyValidationError as error:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used with another request; use a new key",
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise ApiError(
                HTTPStatus.CONFLICT,
                "request_in_progress",
                "a request with this Idempotency-Key is still running; retry shortly",
            ) from error

    def _persistence_layer(self) -> Any:
        if self._persistence is None:
            from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

            self._persistence = DynamoDBPersistenceLayer(
                table_name=self._table_name, boto3_client=self._client
            )
        return self._persistence
