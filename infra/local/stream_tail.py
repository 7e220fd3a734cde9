"""Following the event store's DynamoDB stream with the Streams client, as Lambda's event source
mapping does in AWS: every INSERT appended since the last poll, shard by shard, Lambda-shaped.
The local runtime's stream pump reads with it, and so do tests and benchmarks."""

from typing import Any

from functions.shared.adapters.stream_records import LambdaRecord, from_streams_client


class StreamTail:
    def __init__(self, streams: Any, stream_arn: str) -> None:
        self._streams = streams
        self._arn = stream_arn
        self._iterators: dict[str, str | None] = {}

    @classmethod
    def of_table(cls, dynamodb: Any, streams: Any, table_name: str) -> "StreamTail":
        arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        return cls(streams, arn)

    @property
    def stream_arn(self) -> str:
        return self._arn

    def poll(self) -> list[LambdaRecord]:
        """Every INSERT appended since the last poll, shard by shard, Lambda-shaped."""
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
