"""moto with `infra.local.moto_speedups` answers what moto answers: the same requests to a patched
moto (a process of its own, as the benchmarks run it) and to the session's plain moto get the same
answers, items and stream records, cancelled transactions included; and the patched moto stays
whole while transactions race other writes."""

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bench.local_process import MotoProcess, cpu_seconds
from infra.local.tables import create_events_table, create_views_table
from tests.support import fresh_name

REGION = "us-east-1"
PARTITIONS, ROWS = 4, 12


@pytest.fixture(scope="module")
def patched_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoProcess]:
    with MotoProcess(tmp_path_factory.mktemp("moto") / "moto.log") as moto:
        yield moto


def client(service: str, url: str, attempts: int = 3) -> Any:
    make: Any = boto3.client
    return make(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            account_id_endpoint_mode="disabled", retries={"total_max_attempts": attempts}
        ),
    )


class Side:
    """One moto, with a views table and an events table seeded alike."""

    def __init__(self, url: str, views: str, events: str) -> None:
        self.dynamodb = client("dynamodb", url)
        self.streams = client("dynamodbstreams", url)
        self.views, self.events = views, events
        create_views_table(self.dynamodb, views)
        create_events_table(self.dynamodb, events)
        for p in range(PARTITIONS):
            for r in range(ROWS):
                item = {
                    "pk": {"S": f"p{p}"},
                    "sk": {"S": f"s{r:02d}"},
                    "gsi1pk": {"S": f"g{(p + r) % 2}"},
                    "gsi1sk": {"S": f"k{r % 3}"},  # ties, broken by the table's keys
                    "n": {"N": str(p * ROWS + r)},
                }
                self.dynamodb.put_item(TableName=views, Item=item)
                self.dynamodb.put_item(TableName=events, Item=event(f"s{p}", r + 1))

    def answer(self, call: str, **request: Any) -> Any:
        """The answer (or the error) without its metadata; every page of a Query."""
        pages: list[Any] = []
        try:
            while True:
                page = getattr(self.dynamodb, call)(**request)
                page.pop("ResponseMetadata", None)
                pages.append(page)
                if call != "query" or "LastEvaluatedKey" not in page:
                    return pages
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except ClientError as error:
            return [error.response["Error"], error.response.get("CancellationReasons")]

    def contents(self) -> list[Any]:
        return [
            sorted(map(str, self.dynamodb.scan(TableName=name)["Items"]))
            for name in (self.views, self.events)
        ]

    def stream_records(self) -> list[tuple[str, str]]:
        arn = self.dynamodb.describe_table(TableName=self.events)["Table"]["LatestStreamArn"]
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = self.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        return [(r["eventName"], str(r["dynamodb"]["Keys"])) for r in records]


def event(stream: str, version: int) -> dict[str, Any]:
    return {"stream_id": {"S": stream}, "version": {"N": str(version)}, "e": {"S": "x"}}


@pytest.fixture(scope="module")
def sides(moto_server: str, patched_moto: MotoProcess) -> tuple[Side, Side]:
    views, events = fresh_name("views"), fresh_name("events")
    return Side(moto_server, views, events), Side(patched_moto.url, views, events)


def queries(views: str, events: str) -> list[dict[str, Any]]:
    partition = {"KeyConditionExpression": "pk = :p", "TableName": views}
    return [
        {**partition, "ExpressionAttributeValues": {":p": {"S": "p2"}}},
        {**partition, "ExpressionAttributeValues": {":p": {"S": "nowhere"}}},
        {**partition, "ExpressionAttributeValues": {":p": {"S": "p1"}}, "Limit": 5},
        {
            **partition,
            "ExpressionAttributeValues": {":p": {"S": "p3"}, ":n": {"N": "40"}},
            "ScanIndexForward": False,
            "Limit": 4,
            "FilterExpression": "n > :n",
            "ProjectionExpression": "sk, n",
        },
        {
            "TableName": views,
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
            "ExpressionAttributeValues": {":p": {"S": "p0"}, ":s": {"S": "s1"}},
        },
        {
            "TableName": views,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :g",
            "ExpressionAttributeValues": {":g": {"S": "g1"}},
            "Limit": 7,
        },
        {
            "TableName": views,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :g AND gsi1sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":g": {"S": "g0"}, ":a": {"S": "k1"}, ":b": {"S": "k2"}},
            "ScanIndexForward": False,
            "Limit": 3,
        },
        {
            "TableName": events,
            "KeyConditionExpression": "stream_id = :s AND version >= :v",
            "ExpressionAttributeValues": {":s": {"S": "s1"}, ":v": {"N": "4"}},
            "Limit": 3,
        },
    ]


def transactions(views: str, events: str) -> list[list[dict[str, Any]]]:
    free = "attribute_not_exists(version)"
    return [
        # both succeed
        [
            {"Put": {"TableName": events, "Item": event("s0", v), "ConditionExpression": free}}
            for v in (13, 14)
        ],
        # the second is refused: the first is not written, nor streamed
        [
            {"Put": {"TableName": events, "Item": event("s0", 15), "ConditionExpression": free}},
            {
                "Put": {
                    "TableName": events,
                    "Item": event("s1", 5),
                    "ConditionExpression": free,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
        ],
        # an update and a delete undone by a failed condition check
        [
            {
                "Update": {
                    "TableName": views,
                    "Key": {"pk": {"S": "p0"}, "sk": {"S": "s00"}},
                    "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "999"}},
                }
            },
            {
                "Delete": {
                    "TableName": events,
                    "Key": {k: event("s2", 1)[k] for k in ("stream_id", "version")},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": views,
                    "Key": {"pk": {"S": "p1"}, "sk": {"S": "s00"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ],
        # two actions on one item: refused as a whole
        [{"Put": {"TableName": events, "Item": event("s3", 20)}}] * 2,
    ]


def test_queries_answer_as_moto_does(sides: tuple[Side, Side]) -> None:
    plain, patched = sides
    for request in queries(plain.views, plain.events):
        assert patched.answer("query", **request) == plain.answer("query", **request), request


def test_transactions_answer_write_and_stream_as_moto_does(sides: tuple[Side, Side]) -> None:
    plain, patched = sides
    for actions in transactions(plain.views, plain.events):
        assert patched.answer("transact_write_items", TransactItems=actions) == plain.answer(
            "transact_write_items", TransactItems=actions
        )
        assert patched.contents() == plain.contents()
    assert patched.stream_records() == plain.stream_records()


def test_writes_racing_cancelled_transactions_are_all_kept(patched_moto: MotoProcess) -> None:
    events = fresh_name("events")
    dynamodb = client("dynamodb", patched_moto.url)
    create_events_table(dynamodb, events)
    dynamodb.put_item(TableName=events, Item=event("taken", 1))
    refused = [
        {"Put": {"TableName": events, "Item": event("race", 0)}},
        {
            "Put": {
                "TableName": events,
                "Item": event("taken", 1),
                "ConditionExpression": "attribute_not_exists(version)",
            }
        },
    ]
    failures: list[BaseException] = []

    def cancel() -> None:
        mine = client("dynamodb", patched_moto.url, attempts=1)  # a 500 is not retried away
        for _ in range(40):
            with pytest.raises(ClientError, match="TransactionCanceled"):
                mine.transact_write_items(TransactItems=refused)

    def put(writer: int) -> None:
        mine = client("dynamodb", patched_moto.url, attempts=1)
        for version in range(1, 41):
            mine.put_item(TableName=events, Item=event(f"w{writer}", version))

    def run(target: Any, *args: Any) -> None:
        try:
            target(*args)
        except BaseException as failure:  # reported below
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(cancel,)) for _ in range(3)]
    threads += [threading.Thread(target=run, args=(put, w)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    count = dynamodb.scan(TableName=events, Select="COUNT")["Count"]
    assert count == 1 + 3 * 40  # every put kept, nothing of the cancelled transactions
    assert "Traceback" not in patched_moto.output()  # moto's own failures (its 500s)


def test_a_long_poll_behind_a_message_group_in_flight_answers_as_moto_without_spinning(
    moto_server: str, patched_moto: MotoProcess
) -> None:
    # Given, on each moto, a FIFO queue with two messages of one group, the first in flight
    def long_polls(url: str) -> tuple[list[list[str]], float]:
        sqs = client("sqs", url)
        queue = sqs.create_queue(
            QueueName=fresh_name("jobs") + ".fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        for body in ("first", "second"):
            sqs.send_message(QueueUrl=queue, MessageBody=body, MessageGroupId="connection")
        first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)["Messages"]
        # When another consumer long-polls while it is in flight, then after it is deleted
        cpu = cpu_seconds(patched_moto.pid)
        behind = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages", [])
        cpu = cpu_seconds(patched_moto.pid) - cpu
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=first[0]["ReceiptHandle"])
        after = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages", [])
        return [[m["Body"] for m in answer] for answer in (first, behind, after)], cpu

    plain, _ = long_polls(moto_server)
    patched, waiting_cpu = long_polls(patched_moto.url)

    # Then both answer alike: nothing while the group is in flight, the second once it is not
    assert plain == patched == [["first"], [], ["second"]]
    # And the patched moto waited out the 2 s poll instead of spinning through it (plain moto
    # burns about the whole 2 s of CPU)
    assert waiting_cpu < 0.5, waiting_cpu
