"""Key names and index names of our DynamoDB tables.

Shared by the adapters (functions/shared) and the infrastructure code (infra/) so the two can
never disagree.
"""

from typing import Final

# Event store: one item per event, partition = stream id ("{tenant}#{kind}#{id}"), sort = version.
EVENTS_PK: Final = "stream_id"
EVENTS_SK: Final = "version"

# Views (read models): generic single-table design with two overloaded secondary indexes.
VIEWS_PK: Final = "pk"
VIEWS_SK: Final = "sk"
VIEWS_GSI1: Final = "gsi1"
VIEWS_GSI1_PK: Final = "gsi1pk"
VIEWS_GSI1_SK: Final = "gsi1sk"
VIEWS_GSI2: Final = "gsi2"
VIEWS_GSI2_PK: Final = "gsi2pk"
VIEWS_GSI2_SK: Final = "gsi2sk"

# Operational state (sync checkpoints, rate-limit buckets, quarantine, dedupe markers).
STATE_PK: Final = "pk"
STATE_SK: Final = "sk"
STATE_TTL: Final = "expires_at"

# Powertools idempotency table (its default attribute names).
IDEMPOTENCY_PK: Final = "id"
IDEMPOTENCY_TTL: Final = "expiration"
