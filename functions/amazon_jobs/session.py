"""A job's session with Amazon: the seller's inbound plans (v2024-03-20) and v0 reads, opened
with the connection's credentials in its region, closed when the run ends."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from domain.amazon_gateway import AmazonAuthFailed, AmazonGateway, AmazonUnavailable
from domain.marketplaces import Region
from domain.save_to_amazon.gateway import InboundPlansGateway
from domain.streams import StreamKind
from functions.shared.adapters.credentials import CredentialStore, UnreadableSecret
from functions.shared.adapters.lwa import LwaCredentials
from functions.shared.aggregates import Aggregates

OPEN_SESSION = "openSession"


@dataclass
class AmazonSession:
    plans: InboundPlansGateway
    reads: AmazonGateway

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.plans.close()
        self.reads.close()


def session_opener(
    aggregates: Aggregates,
    credentials: CredentialStore,
    open_plans: Callable[[LwaCredentials, Region], InboundPlansGateway],
    open_reads: Callable[[LwaCredentials, Region], AmazonGateway],
) -> Callable[[str, str], AmazonSession]:
    def open_session(tenant_id: str, connection_id: str) -> AmazonSession:
        """AmazonAuthFailed when the connection or its credentials are gone."""
        # Imported with the first session opened: a message for a job that already ended (a
        # redelivery, the commonest cold start here) needs neither the connection's code nor
        # Powertools' parameters.
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        from domain.connection import ConnectionStatus

        connection = aggregates.load(tenant_id, StreamKind.CONNECTION, connection_id).state
        if connection is None or connection.status is ConnectionStatus.DISCONNECTED:
            raise AmazonAuthFailed(OPEN_SESSION, f"connection {connection_id} is disconnected")
        try:
            found = credentials.for_connection(tenant_id, connection_id)
        except UnreadableSecret as error:
            raise AmazonAuthFailed(OPEN_SESSION, f"no usable credentials: {error}") from None
        except GetParameterError as error:
            if "ResourceNotFoundException" in str(error):  # deleted: the connection is gone
                raise AmazonAuthFailed(OPEN_SESSION, "the seller's credentials are gone") from None
            # Secrets Manager failed to answer: the message is delivered again later.
            raise AmazonUnavailable(OPEN_SESSION, "credentials could not be read") from None
        return AmazonSession(
            plans=open_plans(found, connection.region), reads=open_reads(found, connection.region)
        )

    return open_session
