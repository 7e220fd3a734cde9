"""The sync bounds what Amazon sends, end to end: the real worker and gateway over HTTP against
a hostile front of the simulated Amazon. A 25 MB answer, JSON nested past the parser, a string
over its cap, a shipment the event store cannot take, paging that leads nowhere: each is set
aside (quarantined, and reported in the run's status) and the run goes on within its deadline;
a trickling answer fails its call within the deadline. Each time the connection's next run,
with Amazon sane again, syncs everything."""

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from functions.connection_state.status import QuarantinedRecord, RunOutcome
from functions.sync.engine.checkpoint import CheckpointStore
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.sync.harness import US, AwsClients, FakeLambdaContext, SyncWorld
from tests.sync.hostile import Answer, HostileAmazon, Request, huge_page

pytestmark = pytest.mark.slow

CAP = 256_000
MB = 1_000_000
LISTING_STOPPED = "; the listing stopped there, the next run lists it again"


@pytest.fixture
def hostile(sim: SimulatedAmazon) -> Iterator[HostileAmazon]:
    front = HostileAmazon(sim.url).start()
    yield front
    front.stop()


@pytest.fixture
def world(aws: AwsClients, control: ControlClient, hostile: HostileAmazon) -> SyncWorld:
    """A connection whose worker reaches Amazon through the hostile front, with small bounds."""
    opened = SyncWorld(aws, control, hostile.url)
    opened.configure(
        max_response_bytes=CAP,
        call_seconds=1.0,
        max_attempts=2,
        max_listing_pages=5,
        max_item_pages=4,
    )
    return opened


def shipments(world: SyncWorld, count: int) -> list[str]:
    return [
        world.control.create_shipment(
            world.seller_id, US, {f"A{n}": 3, f"B{n}": 4}, status="SHIPPED"
        )
        for n in range(count)
    ]


def quarantined(world: SyncWorld) -> list[QuarantinedRecord]:
    status = world.status()
    assert status.last_run.outcome is RunOutcome.COMPLETED
    return list(status.last_run.counters.quarantined)


def event_types(world: SyncWorld, shipment_id: str) -> list[str]:
    return [event.type for event in world.stream(shipment_id)]


def listed_through(world: SyncWorld) -> set[str]:
    cursor = CheckpointStore(world.state, timedelta(hours=1)).cursor(
        world.tenant_id, world.connection_id
    )
    return set(cursor.listed_through)


def for_shipment(shipment_id: str, answer: Callable[[Request], Answer | None]) -> Any:
    """A reply for one shipment's items; every other shipment's from the simulator."""

    def reply(request: Request) -> Answer | None:
        return answer(request) if f"/shipments/{shipment_id}/" in request.path else None

    return reply


def assert_synced_whole(world: SyncWorld, ids: list[str]) -> None:
    """Every shipment known with its lines, nothing set aside."""
    assert quarantined(world) == []
    for shipment_id in ids:
        assert event_types(world, shipment_id)[:2] == [
            "InboundShipmentDiscovered",
            "InboundShipmentLinesAdded",
        ]


NESTED = b'{"payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            lambda _: Answer(*huge_page("ItemData", {"SellerSKU": "A"}, 25 * MB)),
            f"answer larger than {CAP} bytes",
        ),
        (lambda _: Answer.of(NESTED), "unreadable answer: JSON nested too deeply"),
    ],
    ids=["a 25 MB answer", "JSON nested 100,000 deep"],
)
def test_an_unreadable_answer_sets_its_shipment_aside_and_the_run_goes_on(
    world: SyncWorld,
    hostile: HostileAmazon,
    answer: Callable[[Request], Answer],
    problem: str,
) -> None:
    ids = shipments(world, 3)
    hostile.answer("getShipmentItemsByShipmentId", for_shipment(ids[1], answer))

    started = time.monotonic()
    world.sync()

    assert time.monotonic() - started < 10
    [record] = quarantined(world)
    assert record.model_dump() == {
        "marketplace_id": US,
        "operation": "getShipmentItemsByShipmentId",
        "reference": ids[1],
        "problem": f"its items could not be read whole: {problem}",
    }
    # Known, its lines as they were (none yet: none read as removed); the others whole.
    assert event_types(world, ids[1]) == ["InboundShipmentDiscovered"]
    assert len(world.stream(ids[0])) == len(world.stream(ids[2])) == 2

    hostile.answer("getShipmentItemsByShipmentId", None)
    world.sync()

    assert_synced_whole(world, ids)


@pytest.mark.parametrize(
    ("bad_page", "cap", "problem"),
    [
        (
            lambda page: Answer(
                *huge_page("ShipmentData", page["payload"]["ShipmentData"][0], 25 * MB)
            ),
            CAP,
            f"answer larger than {CAP} bytes",
        ),
        (
            lambda page: Answer.json({"payload": {**page["payload"], "NextToken": "t" * MB}}),
            2 * MB,
            "unreadable page: NextToken longer than 8192 characters",
        ),
    ],
    ids=["a 25 MB page", "a 1 MB NextToken"],
)
def test_a_listing_page_that_cannot_be_read_stops_the_listing_and_the_next_run_lists_again(
    world: SyncWorld,
    hostile: HostileAmazon,
    bad_page: Callable[[dict[str, Any]], Answer],
    cap: int,
    problem: str,
) -> None:
    world.configure(max_response_bytes=cap)
    ids = shipments(world, 12)  # two pages of ten

    def second_page_spoiled(request: Request) -> Answer | None:
        if request.query.get("QueryType") != ["NEXT_TOKEN"]:
            return None
        return bad_page(hostile.upstream_json(request))

    hostile.answer("getShipments", second_page_spoiled)
    world.sync()

    # The first page's shipments are synced; the listing's stop is in the status.
    assert quarantined(world) == [
        QuarantinedRecord(
            marketplace_id=US,
            operation="getShipments",
            reference="listing page 2",
            problem=problem + LISTING_STOPPED,
        )
    ]
    assert len(world.streams()) == 10
    assert listed_through(world) == set()  # not listed whole: the next run lists it again

    hostile.answer("getShipments", None)
    world.sync()

    assert_synced_whole(world, ids)
    assert listed_through(world) == {US}


def test_a_trickling_answer_fails_its_call_within_the_deadline_and_the_retry_completes_the_run(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    ids = shipments(world, 3)
    trickle = for_shipment(
        ids[1], lambda _: Answer.of(b"{" + b" " * 10_000 + b"}", drip_seconds=0.05)
    )
    hostile.answer("getShipmentItemsByShipmentId", trickle)

    started = time.monotonic()
    answer = world.deliver_job(world.job(), FakeLambdaContext())
    elapsed = time.monotonic() - started

    # Two attempts of at most a second each (call_seconds), a short backoff, the other calls.
    assert elapsed < 5
    assert answer["batchItemFailures"]  # SQS retries the job
    status = world.status().last_run
    assert status.outcome is RunOutcome.FAILED
    assert status.error == (
        "AmazonUnavailable: getShipmentItemsByShipmentId: no complete answer within 1 s"
    )
    assert status.counters.retried_errors == {"getShipmentItemsByShipmentId": 2}

    hostile.answer("getShipmentItemsByShipmentId", None)
    world.drain()  # the job again, resuming the saved run

    assert_synced_whole(world, ids)


@pytest.mark.parametrize(
    ("operation", "spoil", "reference", "problem"),
    [
        (
            "getShipmentItemsByShipmentId",
            lambda body, sid: [
                item.update(SellerSKU="S" * 10_000)
                for item in body["payload"]["ItemData"]
                if item["ShipmentId"] == sid and item["SellerSKU"].startswith("B")
            ],
            lambda sid: sid,
            "SellerSKU: String should have at most 200 characters",
        ),
        (
            "getShipments",
            lambda body, sid: [
                shipment.update(ShipmentName="N" * 100_000)
                for shipment in body["payload"]["ShipmentData"]
                if shipment["ShipmentId"] == sid
            ],
            lambda sid: sid,
            "ShipmentName: String should have at most 500 characters",
        ),
    ],
    ids=["a SKU of 10,000 characters", "a shipment name of 100,000 characters"],
)
def test_a_string_over_its_cap_is_quarantined_never_stored(
    world: SyncWorld,
    hostile: HostileAmazon,
    operation: str,
    spoil: Callable[[dict[str, Any], str], object],
    reference: Callable[[str], str],
    problem: str,
) -> None:
    ids = shipments(world, 3)
    spoiled = ids[1]

    def reply(request: Request) -> Answer:
        body = hostile.upstream_json(request)
        spoil(body, spoiled)
        return Answer.json(body)

    hostile.answer(operation, reply)
    world.sync()

    [record] = quarantined(world)
    assert (record.operation, record.reference, record.problem) == (
        operation,
        reference(spoiled),
        problem,
    )
    stored = "".join(e.model_dump_json() for events in world.streams().values() for e in events)
    assert "SSSSSSSSSS" not in stored and "NNNNNNNNNN" not in stored
    assert event_types(world, spoiled) in ([], ["InboundShipmentDiscovered"])

    hostile.answer(operation, None)
    world.sync()

    assert_synced_whole(world, ids)


def test_a_shipment_the_event_store_cannot_take_is_set_aside_and_the_run_goes_on(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    world.configure(max_response_bytes=10 * MB)
    ids = shipments(world, 3)
    huge = ids[1]

    def five_thousand_lines(request: Request) -> Answer:
        # Readable, within every cap, but its LinesAdded event is over DynamoDB's 400 KB.
        lines = [
            {"ShipmentId": huge, "SellerSKU": f"{n:040d}", "QuantityShipped": 1}
            for n in range(5_000)
        ]
        return Answer.json({"payload": {"ItemData": lines}})

    hostile.answer("getShipmentItemsByShipmentId", for_shipment(huge, five_thousand_lines))
    world.sync()

    [record] = quarantined(world)
    assert record.model_dump() == {
        "marketplace_id": US,
        "operation": "recordShipment",
        "reference": huge,
        "problem": "the event store refused its events: an item over DynamoDB's 400 KB limit",
    }
    assert huge not in world.streams()  # nothing of it written
    assert world.status().last_run.counters.shipments_seen == 2

    hostile.answer("getShipmentItemsByShipmentId", None)
    world.sync()

    assert_synced_whole(world, ids)


def test_new_lines_the_event_store_cannot_take_leave_a_known_shipment_as_it_was(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    world.configure(max_response_bytes=10 * MB)
    ids = shipments(world, 3)
    world.sync()
    huge = ids[1]
    known = [event.event_id for event in world.stream(huge)]

    def five_thousand_more_lines(request: Request) -> Answer:
        # Its lines as they were, and 5,000 more: one LinesAdded event over 400 KB, one put.
        page = hostile.upstream_json(request)
        page["payload"]["ItemData"] += [
            {"ShipmentId": huge, "SellerSKU": f"{n:040d}", "QuantityShipped": 1}
            for n in range(5_000)
        ]
        return Answer.json(page)

    hostile.answer("getShipmentItemsByShipmentId", for_shipment(huge, five_thousand_more_lines))
    world.sync()

    [record] = quarantined(world)
    assert (record.operation, record.reference) == ("recordShipment", huge)
    assert record.problem.endswith("an item over DynamoDB's 400 KB limit")
    assert [event.event_id for event in world.stream(huge)] == known

    hostile.answer("getShipmentItemsByShipmentId", None)
    world.sync()

    assert quarantined(world) == []
    assert [event.event_id for event in world.stream(huge)] == known


def test_a_repeated_next_token_stops_the_listing_and_the_next_run_lists_again(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    ids = shipments(world, 12)

    def token_again(request: Request) -> Answer | None:
        if request.query.get("QueryType") != ["NEXT_TOKEN"]:
            return None
        page = hostile.upstream_json(request)
        page["payload"]["NextToken"] = request.query["NextToken"][0]  # the same, once more
        return Answer.json(page)

    hostile.answer("getShipments", token_again)
    world.sync()

    assert quarantined(world) == [
        QuarantinedRecord(
            marketplace_id=US,
            operation="getShipments",
            reference="listing page 3",
            problem="NextToken repeated after 2 pages" + LISTING_STOPPED,
        )
    ]
    assert len(world.streams()) == 12  # both pages read
    assert listed_through(world) == set()

    hostile.answer("getShipments", None)
    world.sync()

    assert_synced_whole(world, ids)
    assert listed_through(world) == {US}


def test_next_tokens_without_end_stop_the_listing_at_its_cap(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    ids = shipments(world, 3)
    served: list[dict[str, Any]] = []

    def endless_pages(request: Request) -> Answer:
        # The first page, then the same shipments again and again, each with a new token.
        page = hostile.upstream_json(request) if not served else served[0]
        served.append(page)
        return Answer.json({"payload": {**page["payload"], "NextToken": f"loop-{len(served)}"}})

    hostile.answer("getShipments", endless_pages)
    started = time.monotonic()
    world.sync()

    assert time.monotonic() - started < 10
    assert len(served) == 5  # the cap
    assert quarantined(world) == [
        QuarantinedRecord(
            marketplace_id=US,
            operation="getShipments",
            reference="listing page 6",
            problem="more than 5 pages" + LISTING_STOPPED,
        )
    ]
    assert sorted(world.streams()) == sorted(ids)

    hostile.answer("getShipments", None)
    world.sync()

    assert_synced_whole(world, ids)
    assert listed_through(world) == {US}


def test_item_pages_without_end_set_their_shipment_aside_at_the_cap(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    ids = shipments(world, 3)
    looping = ids[1]

    def first_page_leads_on(request: Request) -> Answer:
        page = hostile.upstream_json(request)
        page["payload"]["NextToken"] = "loop-0"
        return Answer.json(page)

    def pages_without_end(request: Request) -> Answer:
        token = request.query["NextToken"][0]
        item = {"ShipmentId": looping, "SellerSKU": f"X-{token}", "QuantityShipped": 1}
        return Answer.json({"payload": {"ItemData": [item], "NextToken": f"{token}+"}})

    hostile.answer("getShipmentItemsByShipmentId", for_shipment(looping, first_page_leads_on))
    hostile.answer("getShipmentItems", pages_without_end)
    world.sync()

    [record] = quarantined(world)
    assert (record.operation, record.reference, record.problem) == (
        "getShipmentItemsByShipmentId",
        looping,
        "its items could not be read whole: more than 4 pages",
    )
    assert event_types(world, looping) == ["InboundShipmentDiscovered"]

    hostile.answer("getShipmentItemsByShipmentId", None)
    hostile.answer("getShipmentItems", None)
    world.sync()

    assert_synced_whole(world, ids)


def test_headers_a_continuation_cannot_read_leave_their_shipments_to_the_next_run(
    world: SyncWorld, hostile: HostileAmazon
) -> None:
    world.configure(backfill_feed=False)  # items per shipment: a call (a check) each
    ids = shipments(world, 12)
    # The first invocation lists both pages, records a few shipments, and runs out of time.
    world.deliver_job(world.job(), FakeLambdaContext(checks_until_timeout=6))
    assert world.status().last_run.outcome is RunOutcome.CONTINUING
    recorded = set(world.streams())
    assert 0 < len(recorded) < 12

    def by_ids_too_large(request: Request) -> Answer | None:
        if request.query.get("QueryType") != ["SHIPMENT"]:
            return None
        return Answer(*huge_page("ShipmentData", {"ShipmentId": "FBA1"}, 25 * MB))

    # The continuation asks the headers of the rest again, by id: an answer over the cap.
    hostile.answer("getShipments", by_ids_too_large)
    world.drain()

    [record] = quarantined(world)
    assert (record.operation, record.reference.split(" ")[0], record.problem) == (
        "getShipments",
        "headers",
        f"answer larger than {CAP} bytes" + LISTING_STOPPED,
    )
    assert set(world.streams()) == recorded  # never seen, no header: not recorded yet
    assert listed_through(world) == set()

    hostile.answer("getShipments", None)
    world.sync()

    assert_synced_whole(world, ids)
    assert listed_through(world) == {US}


def feed_page_too_large(hostile: HostileAmazon, request: Request) -> Answer:
    return Answer(*huge_page("ItemData", {"SellerSKU": "A"}, 25 * MB))


def feed_without_end(hostile: HostileAmazon, request: Request) -> Answer:
    """The simulator's first page, then pages of an unlisted shipment's item, each with a new
    token, without end."""
    token = request.query.get("NextToken", ["loop"])[0] + "+"
    if request.query.get("QueryType") == ["DATE_RANGE"]:
        page = hostile.upstream_json(request)["payload"]
    else:
        page = {"ItemData": [{"ShipmentId": "FBAOTHER", "SellerSKU": "Z", "QuantityShipped": 1}]}
    return Answer.json({"payload": {**page, "NextToken": token}})


@pytest.mark.parametrize(
    "feed_page",
    [feed_page_too_large, feed_without_end],
    ids=["a 25 MB feed page", "a feed whose NextTokens lead nowhere"],
)
def test_a_backfill_feed_that_cannot_be_read_whole_is_given_up_for_per_shipment_reads(
    world: SyncWorld,
    hostile: HostileAmazon,
    feed_page: Callable[[HostileAmazon, Request], Answer],
) -> None:
    ids = shipments(world, 10)  # enough for the feed: one by-date read for all ten
    hostile.answer("getShipmentItems", lambda request: feed_page(hostile, request))

    world.sync()

    # What the feed read could miss any shipment's items: each is read per shipment instead.
    assert_synced_whole(world, ids)
    assert world.status().last_run.counters.calls["getShipmentItemsByShipmentId"] == 10
