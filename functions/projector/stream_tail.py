"""Following the event store's DynamoDB stream with the Streams client (local runs, tests and
benches: in AWS, Lambda's event source mapping does this)."""

from typing import TYPE_CHECKING, Any

from functions.shared.stream_records import LambdaRecord, from_streams_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class StreamTail:
    def __init__(self, dynamodb: "DynamoDBClient", streams: Any, table_name: str) -> None:
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self._iterators: dict[str, str | None] = {}

    def poll(self) -> list[LambdaRecord]:
        """Every record appended since the last poll, shard by shard, Lambda-shaped."""
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        records: list[LambdaRecord] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            iterator = self._iterators[shard_id]
            while iterator:
                answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
                records += from_streams_client(answer["Records"])
                iterator = answer.get("NextShardIterator")
                self._iterators[shard_id] = iterator
                if not answer["Records"]:
                    break
        return records
