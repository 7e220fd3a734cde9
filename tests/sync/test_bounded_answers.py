"""The gateway bounds what Amazon sends, over real HTTP against a hostile front of the simulated
Amazon: no answer is read past its byte cap (announced, chunked, or compressed), no call outlasts
its deadline however slowly the bytes come (the LWA token's exchange included), and JSON the
parser cannot take, or a page whose own fields are out of bounds, is an unreadable page, never a
crash."""

import gzip
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr

from domain.amazon_gateway import AmazonUnavailable, AmazonUnreadable, ShipmentQuery
from domain.marketplaces import Region
from functions.shared.adapters.spapi_gateway import LwaCredentials, SpApiGateway
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.sync.harness import US
from tests.sync.hostile import Answer, HostileAmazon, Request, endless, huge_page

pytestmark = pytest.mark.slow

CAP = 1_000_000
MB = 1_000_000
SHIPMENT = {"ShipmentId": "FBA1", "ShipmentName": "n", "ShipmentStatus": "WORKING"}


@pytest.fixture
def hostile(sim: SimulatedAmazon) -> Iterator[HostileAmazon]:
    front = HostileAmazon(sim.url).start()
    yield front
    front.stop()


@pytest.fixture
def gateway_to(
    hostile: HostileAmazon, control: ControlClient
) -> Iterator[Callable[..., SpApiGateway]]:
    """A gateway of a new seller (its own refresh token: no cached access token) through the
    hostile front."""
    opened: list[SpApiGateway] = []

    def make(timeout_seconds: float = 2.0, max_response_bytes: int = CAP) -> SpApiGateway:
        seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        token = control.create_seller(seller_id, [US])["refresh_token"]
        credentials = LwaCredentials(
            lwa_app_id="app", lwa_client_secret=SecretStr("s"), refresh_token=SecretStr(token)
        )
        gateway = SpApiGateway(
            credentials,
            Region.NA,
            endpoint=hostile.url,
            timeout_seconds=timeout_seconds,
            max_response_bytes=max_response_bytes,
        )
        opened.append(gateway)
        return gateway

    yield make
    for gateway in opened:
        gateway.close()


def a_day(control: ControlClient) -> ShipmentQuery:
    now = datetime.fromisoformat(control.now())
    return ShipmentQuery(
        marketplace_id=US, updated_after=now - timedelta(days=1), updated_before=now
    )


def sent_by(hostile: HostileAmazon, operation: str) -> list[int]:
    """What the front managed to send of its answers, once its threads know (-1: the client
    hung up before the answer was whole)."""
    for _ in range(100):
        if operation in hostile.sent:
            return hostile.sent[operation]
        time.sleep(0.02)
    raise AssertionError(f"the front never finished answering {operation}")


@pytest.mark.parametrize("announced", [True, False], ids=["Content-Length", "chunked"])
def test_a_25_mb_page_is_refused_without_being_read_into_memory(
    gateway_to: Callable[..., SpApiGateway],
    hostile: HostileAmazon,
    control: ControlClient,
    announced: bool,
) -> None:
    chunks, length = huge_page("ShipmentData", SHIPMENT, 25 * MB)
    hostile.answer("getShipments", lambda _: Answer(chunks, length if announced else None))
    gateway = gateway_to()

    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(AmazonUnreadable) as refused:
            gateway.list_shipments(a_day(control))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert str(refused.value) == f"getShipments: answer larger than {CAP} bytes"
    assert time.monotonic() - started < 2
    assert peak < 3 * CAP  # the cap and a network read or two, never the page
    assert sent_by(hostile, "getShipments") == [-1]  # we hung up long before 25 MB


def test_a_compressed_answer_is_refused_as_it_could_expand_past_the_cap(
    gateway_to: Callable[..., SpApiGateway], hostile: HostileAmazon, control: ControlClient
) -> None:
    # 25 MB of JSON whitespace in 25 kB of gzip: the cap must hold for what would be parsed.
    bomb = gzip.compress(b'{"payload": {"ShipmentData": []' + b" " * 25 * MB + b"}}")
    asked: list[Request] = []

    def reply(request: Request) -> Answer:
        asked.append(request)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return Answer.of(bomb, headers=headers)

    hostile.answer("getShipments", reply)

    with pytest.raises(AmazonUnreadable, match=r"answer encoded \(gzip\)"):
        gateway_to().list_shipments(a_day(control))

    assert asked[0].headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize(
    ("operation", "drip_head"),
    [
        ("getShipments", True),
        ("getShipments", False),
        ("token", False),  # the LWA exchange that comes first is part of the call
    ],
    ids=["status line and headers", "body", "LWA token"],
)
def test_a_trickle_never_holds_a_call_past_its_deadline(
    gateway_to: Callable[..., SpApiGateway],
    hostile: HostileAmazon,
    control: ControlClient,
    operation: str,
    drip_head: bool,
) -> None:
    # A byte every 50 ms: each read is quick, the whole answer would take a minute.
    hostile.answer(
        operation,
        lambda _: Answer(
            endless(b"{" + b" " * 99, 1_200), 1_200, drip_seconds=0.05, drip_head=drip_head
        ),
    )
    gateway = gateway_to(timeout_seconds=0.5)

    started = time.monotonic()
    with pytest.raises(AmazonUnavailable) as failed:
        gateway.list_shipments(a_day(control))
    elapsed = time.monotonic() - started

    assert failed.type is AmazonUnavailable
    assert str(failed.value) == "getShipments: no complete answer within 0.5 s"
    assert 0.4 < elapsed < 1.5  # the deadline, and a little scheduling


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "JSON nested too deeply"),
        (b'{"payload": {"ShipmentData": [' + b"9" * 5_000 + b"]}}", "(ValueError)"),
        (b'["payload"]', "(AttributeError)"),
        (b'"payload"', "(AttributeError)"),
    ],
    ids=["nested 100,000 deep", "a number of 5,000 digits", "a list", "a string"],
)
def test_json_the_parser_cannot_take_is_an_unreadable_answer_not_a_crash(
    gateway_to: Callable[..., SpApiGateway],
    hostile: HostileAmazon,
    control: ControlClient,
    body: bytes,
    problem: str,
) -> None:
    hostile.answer("getShipments", lambda _: Answer.of(body))

    with pytest.raises(AmazonUnreadable) as unreadable:
        gateway_to().list_shipments(a_day(control))

    assert str(unreadable.value).startswith("getShipments: unreadable answer: ")
    assert problem in str(unreadable.value)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (lambda _: Answer(*huge_page("x", {}, 25 * MB)), f"answer larger than {CAP} bytes"),
        (lambda _: Answer.of(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "too deeply"),
        (lambda _: Answer.json(["access_token"]), "not a JSON object"),
    ],
    ids=["25 MB", "nested 100,000 deep", "a list"],
)
def test_an_lwa_answer_that_cannot_be_read_fails_the_call_as_worth_retrying(
    gateway_to: Callable[..., SpApiGateway],
    hostile: HostileAmazon,
    control: ControlClient,
    answer: Callable[[Request], Answer],
    problem: str,
) -> None:
    # LWA's answer is no page of this call's: Amazon is unavailable, no record is set aside.
    hostile.answer("token", answer)

    with pytest.raises(AmazonUnavailable) as failed:
        gateway_to().list_shipments(a_day(control))

    assert failed.type is AmazonUnavailable
    assert str(failed.value).startswith("getShipments: LWA's answer unreadable: ")
    assert problem in str(failed.value)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"ShipmentData": [SHIPMENT], "NextToken": "t" * 1_000_000}, "NextToken longer than"),
        ({"ShipmentData": [{}] * 10_001}, "ShipmentData holds more than 10000 records"),
        ({"ShipmentData": {"ShipmentId": "FBA1"}}, "ShipmentData is not a list"),
        ([SHIPMENT], "payload is not an object"),
    ],
    ids=["a 1 MB NextToken", "10,001 records", "records not a list", "payload not an object"],
)
def test_a_page_level_field_out_of_bounds_makes_the_page_unreadable(
    gateway_to: Callable[..., SpApiGateway],
    hostile: HostileAmazon,
    control: ControlClient,
    payload: object,
    problem: str,
) -> None:
    hostile.answer("getShipments", lambda _: Answer.json({"payload": payload}))

    with pytest.raises(AmazonUnreadable, match=f"getShipments: unreadable page: {problem}"):
        gateway_to(max_response_bytes=10 * MB).list_shipments(a_day(control))


def test_an_answer_within_the_bounds_still_reads(
    gateway_to: Callable[..., SpApiGateway], hostile: HostileAmazon, control: ControlClient
) -> None:
    # Just under the cap, chunked, and a deadline the exchange fits in.
    chunks, _ = huge_page("ShipmentData", {**SHIPMENT, "ShipmentName": "n" * 300}, CAP - 1_000)
    hostile.answer("getShipments", lambda _: Answer(chunks, None))

    page = gateway_to().list_shipments(a_day(control))

    assert len(page.shipments) > 2_000 and not page.malformed
