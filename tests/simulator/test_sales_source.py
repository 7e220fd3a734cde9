"""The sales source (docs/amazon-sales.md): the Reports API 2021-06-30 order and returns
reports, through the real sp_api client, at Amazon's own rates (rate_scale=1: usage plans are
per seller, and every test has a fresh seller).

Covers: a seller's orders over a range per SKU, FBA and FBM told apart, cancellations and
returns visible; report processing (IN_QUEUE, DONE, CANCELLED when empty); getReports paging;
createReport's usage plan (burst 15, then 429, one more a minute); what Amazon refuses; and
every answer against the vendored model (`amazon_models/reports_2021-06-30.json`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sp_api.api import Reports
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiNotFoundException,
    SellingApiRequestThrottledException,
)

from infra.simulated_amazon import ControlClient, SimulatedAmazon, sp_api_client_kwargs
from infra.simulated_amazon.client import ControlApiError
from infra.simulated_amazon.reports_api import REPORTS_RATE_LIMITS
from infra.simulated_amazon.sales_orders import (
    FBA_RETURNS,
    FBM_RETURNS,
    ORDERS_BY_LAST_UPDATE,
    ORDERS_BY_ORDER_DATE,
)

from .amazon_models import (
    _model,
    assert_response_matches_model,
    operation,
)
from .conftest import CA, US, SellerHandle, make_seller
from .raw_sp_api import access_token

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PROCESSING = 61  # simulated seconds after which a report is DONE or CANCELLED
BASE = "/reports/2021-06-30"


def at(days: float) -> str:
    """START moved by some days, as a date-time string."""
    return (START + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedAmazon]:
    # Amazon's rates (rate_scale 1); the clock starts at START and runs on.
    with SimulatedAmazon(rate_scale=1.0, start_time=START) as simulator:
        yield simulator


def reports(seller: SellerHandle, marketplace_id: str = US) -> Reports:
    return Reports(**sp_api_client_kwargs(seller.url, marketplace_id, seller.refresh_token))


def finished_rows(
    control: ControlClient, client: Reports, report_type: str, start: str, end: str
) -> list[dict[str, str]]:
    """Create a report, wait (on the simulated clock) until DONE, download and parse it."""
    report_id = client.create_report(
        reportType=report_type, marketplaceIds=[US], dataStartTime=start, dataEndTime=end
    ).payload["reportId"]
    assert client.get_report(report_id).payload["processingStatus"] == "IN_QUEUE"
    control.advance_clock(PROCESSING)
    report = client.get_report(report_id).payload
    assert report["processingStatus"] == "DONE", report
    document = client.get_report_document(report["reportDocumentId"], download=True)
    assert "compressionAlgorithm" not in document.payload
    return list(csv.DictReader(io.StringIO(document.payload["document"]), delimiter="\t"))


def units(rows: list[dict[str, str]], *keys: str) -> dict[tuple[str, ...], int]:
    totals: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        totals[key] = totals.get(key, 0) + int(row["quantity"])
    return totals


@pytest.fixture
def shop(control: ControlClient, sim: SimulatedAmazon) -> SellerHandle:
    """A seller in US and CA with FBA and FBM orders, a cancellation and returns."""
    seller = make_seller(control, sim.url, [US, CA])
    control.add_orders(
        seller.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": at(-10),
                "lines": [{"sku": "SKU-1", "quantity": 2}, {"sku": "SKU-2", "quantity": 1}],
                "returns": [{"sku": "SKU-1", "quantity": 1, "return_date": at(-3)}],
            },
            {
                "marketplace_id": US,
                "fulfillment_channel": "MFN",
                "purchase_date": at(-5),
                "lines": [{"sku": "SKU-1", "quantity": 3}],
                "returns": [{"sku": "SKU-1", "quantity": 2, "return_date": at(-2)}],
            },
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": at(-4),
                "last_updated_date": at(-4 + 0.1),
                "order_status": "Canceled",
                "lines": [{"sku": "SKU-2", "quantity": 4}],
            },
            # Outside the range asked for, and in another marketplace.
            {
                "marketplace_id": US,
                "fulfillment_channel": "AFN",
                "purchase_date": at(-45),
                "lines": [{"sku": "SKU-1", "quantity": 7}],
            },
            {
                "marketplace_id": CA,
                "fulfillment_channel": "AFN",
                "purchase_date": at(-6),
                "lines": [{"sku": "SKU-1", "quantity": 9}],
            },
        ],
    )
    return seller


# Happy path


def test_order_report_gives_units_per_sku_fba_and_fbm_apart_with_cancellations(
    control: ControlClient, shop: SellerHandle
) -> None:
    rows = finished_rows(control, reports(shop), ORDERS_BY_ORDER_DATE, at(-20), at(0))

    assert units(rows, "sku", "fulfillment-channel", "order-status") == {
        ("SKU-1", "Amazon", "Shipped"): 2,
        ("SKU-2", "Amazon", "Shipped"): 1,
        ("SKU-1", "Merchant", "Shipped"): 3,
        ("SKU-2", "Amazon", "Cancelled"): 4,
    }
    cancelled = next(row for row in rows if row["order-status"] == "Cancelled")
    assert cancelled["item-status"] == "Cancelled"
    assert {row["sales-channel"] for row in rows} == {"Amazon.com"}
    assert [row["purchase-date"] for row in rows] == sorted(row["purchase-date"] for row in rows)
    assert rows[0]["purchase-date"] == (START - timedelta(days=10)).strftime(
        "%Y-%m-%dT%H:%M:%S+00:00"
    )


def test_last_update_report_finds_old_orders_that_changed_in_the_range(
    control: ControlClient, sim: SimulatedAmazon
) -> None:
    seller = make_seller(control, sim.url, [US])
    control.add_orders(
        seller.seller_id,
        [
            {
                "marketplace_id": US,
                "fulfillment_channel": "MFN",
                "purchase_date": at(-40),
                "last_updated_date": at(-1),
                "order_status": "Canceled",
                "lines": [{"sku": "OLD", "quantity": 5}],
            }
        ],
    )
    rows = finished_rows(control, reports(seller), ORDERS_BY_LAST_UPDATE, at(-7), at(0))

    assert units(rows, "sku", "fulfillment-channel", "order-status") == {
        ("OLD", "Merchant", "Cancelled"): 5
    }


def test_returns_reports_split_fba_and_fbm(control: ControlClient, shop: SellerHandle) -> None:
    client = reports(shop)
    fba = finished_rows(control, client, FBA_RETURNS, at(-20), at(0))
    fbm = finished_rows(control, client, FBM_RETURNS, at(-20), at(0))

    assert [(row["sku"], row["quantity"], row["return-date"][:10]) for row in fba] == [
        ("SKU-1", "1", at(-3)[:10])
    ]
    assert [(row["Merchant SKU"], row["Return quantity"]) for row in fbm] == [("SKU-1", "2")]
    assert fba[0]["fnsku"].startswith("X00")


def test_a_report_without_rows_is_cancelled(control: ControlClient, shop: SellerHandle) -> None:
    client = reports(shop)
    report_id = client.create_report(
        reportType=ORDERS_BY_ORDER_DATE,
        marketplaceIds=[US],
        dataStartTime=at(-100),
        dataEndTime=at(-80),
    ).payload["reportId"]
    control.advance_clock(PROCESSING)

    report = client.get_report(report_id).payload
    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report


def test_the_document_url_expires_after_five_minutes(
    control: ControlClient, shop: SellerHandle
) -> None:
    client = reports(shop)
    report_id = client.create_report(
        reportType=FBA_RETURNS, marketplaceIds=[US], dataStartTime=at(-20)
    ).payload["reportId"]
    control.advance_clock(PROCESSING)
    document_id = client.get_report(report_id).payload["reportDocumentId"]
    url = client.get_report_document(document_id).payload["url"]
    assert httpx.get(url).status_code == 200

    control.advance_clock(301)
    assert httpx.get(url).status_code == 403


# Paging


def test_get_reports_pages_with_a_next_token_sent_alone(
    control: ControlClient, shop: SellerHandle
) -> None:
    client = reports(shop)
    created = [
        client.create_report(
            reportType=ORDERS_BY_ORDER_DATE,
            marketplaceIds=[US],
            dataStartTime=at(-30 + 5 * n),
            dataEndTime=at(-25 + 5 * n),
        ).payload["reportId"]
        for n in range(5)
    ]
    seen: list[str] = []
    # sp_api moves nextToken from the payload to `next_token`.
    answer = client.get_reports(reportTypes=[ORDERS_BY_ORDER_DATE], pageSize=2)
    pages = 1
    while True:
        seen += [report["reportId"] for report in answer.payload["reports"]]
        if not answer.next_token:
            break
        answer = client.get_reports(nextToken=answer.next_token)
        pages += 1

    assert pages == 3
    assert seen == list(reversed(created))  # newest first


def test_a_next_token_with_other_parameters_or_of_another_seller_is_refused(
    control: ControlClient, shop: SellerHandle, sim: SimulatedAmazon
) -> None:
    client = reports(shop)
    for n in range(2):
        client.create_report(reportType=FBA_RETURNS, marketplaceIds=[US], dataStartTime=at(-10 - n))
    token = client.get_reports(reportTypes=[FBA_RETURNS], pageSize=1).next_token

    raw = _raw(sim.url, shop)
    answer = raw.get(f"{BASE}/reports", params={"nextToken": token, "pageSize": "1"})
    assert answer.status_code == 400
    other = make_seller(control, sim.url, [US])
    with pytest.raises(SellingApiBadRequestException):
        reports(other).get_reports(nextToken=token)


# Rate limits


def test_create_report_bursts_15_then_429_then_one_a_minute(
    control: ControlClient, sim: SimulatedAmazon
) -> None:
    seller = make_seller(control, sim.url, [US])
    client = reports(seller)

    def create() -> None:
        client.create_report(reportType=FBA_RETURNS, marketplaceIds=[US], dataStartTime=at(-1))

    for _ in range(15):
        create()
    with pytest.raises(SellingApiRequestThrottledException):
        create()
    control.advance_clock(60)  # 0.0167/s: one more token a minute
    create()
    with pytest.raises(SellingApiRequestThrottledException):
        create()


def test_usage_plans_and_routes_are_the_models() -> None:
    routes = {
        "getReports": ("GET", f"{BASE}/reports"),
        "createReport": ("POST", f"{BASE}/reports"),
        "getReport": ("GET", f"{BASE}/reports/{{reportId}}"),
        "getReportDocument": ("GET", f"{BASE}/documents/{{reportDocumentId}}"),
    }
    assert set(REPORTS_RATE_LIMITS) == set(routes)
    for operation_id, limit in REPORTS_RATE_LIMITS.items():
        found = operation(operation_id)
        assert (found.method.upper(), found.path) == routes[operation_id]
        description = _model(found.model)["paths"][found.path][found.method.lower()]
        table = " ".join(description["description"].split())
        assert f"| {limit.requests_per_second:g} | {limit.burst:g} |" in table, operation_id


# Refusals


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"reportType": "GET_NO_SUCH_REPORT"}, "reportType"),
        ({"reportType": ORDERS_BY_ORDER_DATE, "dataStartTime": "2026-05-01"}, "dataStartTime"),
        ({"reportType": ORDERS_BY_ORDER_DATE, "dataStartTime": at(-31)}, "30 days"),
        (
            {"reportType": ORDERS_BY_LAST_UPDATE, "dataStartTime": at(-40), "dataEndTime": at(-9)},
            "30 days",
        ),
        (
            {"reportType": ORDERS_BY_ORDER_DATE, "dataStartTime": at(-2), "dataEndTime": at(-3)},
            "before",
        ),
        ({"reportType": FBA_RETURNS, "dataStartTime": at(2)}, "current"),
        ({"reportType": FBA_RETURNS, "marketplaceIds": ["A1PA6795UKMFR9"]}, "marketplaceIds"),
        ({"reportType": FBA_RETURNS, "marketplaceIds": []}, "marketplaceIds"),
    ],
)
def test_create_report_refuses_what_amazon_refuses(
    shop: SellerHandle, body: dict[str, Any], problem: str
) -> None:
    with pytest.raises(SellingApiBadRequestException) as refused:
        reports(shop).create_report(**{"marketplaceIds": [US], **body})
    assert refused.value.amzn_code == "InvalidInput"
    assert problem in refused.value.message


def test_unknown_report_and_document_are_not_found(shop: SellerHandle) -> None:
    client = reports(shop)
    with pytest.raises(SellingApiNotFoundException):
        client.get_report("1")
    with pytest.raises(SellingApiNotFoundException):
        client.get_report_document("amzn1.spdoc.1.4.na.1.sim")


def test_another_sellers_report_is_not_found(
    control: ControlClient, shop: SellerHandle, sim: SimulatedAmazon
) -> None:
    report_id = (
        reports(shop)
        .create_report(reportType=FBA_RETURNS, marketplaceIds=[US], dataStartTime=at(-1))
        .payload["reportId"]
    )
    with pytest.raises(SellingApiNotFoundException):
        reports(make_seller(control, sim.url, [US])).get_report(report_id)


@pytest.mark.parametrize(
    ("order", "status"),
    [
        ({"purchase_date": "2026-05-01T00:00:00"}, 400),  # no zone
        ({"marketplace_id": "A1PA6795UKMFR9"}, 400),  # not the seller's
        ({"fulfillment_channel": "FBA"}, 400),
        ({"order_status": "Cancelled"}, 400),  # the Orders API spells it Canceled
        ({"returns": [{"sku": "OTHER", "quantity": 1, "return_date": at(-1)}]}, 400),
        ({"lines": []}, 400),
        ({"colour": "red"}, 400),
    ],
)
def test_control_api_refuses_bad_orders(
    control: ControlClient, shop: SellerHandle, order: dict[str, Any], status: int
) -> None:
    base = {
        "marketplace_id": US,
        "fulfillment_channel": "AFN",
        "purchase_date": at(-2),
        "lines": [{"sku": "SKU-1", "quantity": 1}],
    }
    with pytest.raises(ControlApiError) as refused:
        control.add_orders(shop.seller_id, [{**base, **order}])
    assert refused.value.status == status


def test_control_api_lists_orders_and_reset_forgets_them(
    control: ControlClient, shop: SellerHandle
) -> None:
    orders = control.orders(shop.seller_id)
    assert len(orders) == 5
    assert {o["fulfillment_channel"] for o in orders} == {"AFN", "MFN"}
    with pytest.raises(ControlApiError) as missing:
        control.orders("ANOSUCHSELLER")
    assert missing.value.status == 404

    control.reset()
    control.create_seller(shop.seller_id, [US, CA])
    assert control.orders(shop.seller_id) == []


# Conformance with reports_2021-06-30.json


class _Raw:
    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.headers = {"x-amz-access-token": token} if token else {}

    def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params or {}, headers=self.headers)

    def post(self, path: str, body: Any) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", json=body, headers=self.headers)


def _raw(url: str, seller: SellerHandle) -> _Raw:
    return _Raw(url, access_token(url, seller.refresh_token))


def test_every_answer_matches_the_model(
    control: ControlClient, shop: SellerHandle, sim: SimulatedAmazon
) -> None:
    raw = _raw(sim.url, shop)
    spec = {
        "reportType": ORDERS_BY_ORDER_DATE,
        "marketplaceIds": [US],
        "dataStartTime": at(-20),
    }
    created = raw.post(f"{BASE}/reports", spec)
    assert created.status_code == 202
    assert_response_matches_model("createReport", created)
    report_id = created.json()["reportId"]
    empty = raw.post(f"{BASE}/reports", {**spec, "dataStartTime": at(-90), "dataEndTime": at(-80)})
    queued = raw.get(f"{BASE}/reports/{report_id}")
    assert queued.json()["processingStatus"] == "IN_QUEUE"
    assert_response_matches_model("getReport", queued)
    control.advance_clock(PROCESSING)
    done = raw.get(f"{BASE}/reports/{report_id}")
    assert_response_matches_model("getReport", done)
    cancelled = raw.get(f"{BASE}/reports/{empty.json()['reportId']}")
    assert cancelled.json()["processingStatus"] == "CANCELLED"
    assert_response_matches_model("getReport", cancelled)
    listed = raw.get(f"{BASE}/reports", {"reportTypes": ORDERS_BY_ORDER_DATE, "pageSize": "1"})
    assert "nextToken" in listed.json()
    assert_response_matches_model("getReports", listed)
    document = raw.get(f"{BASE}/documents/{done.json()['reportDocumentId']}")
    assert_response_matches_model("getReportDocument", document)

    refusals = {
        "createReport": raw.post(f"{BASE}/reports", {**spec, "reportType": "NOPE"}),
        "getReports": raw.get(f"{BASE}/reports", {"pageSize": "0", "reportTypes": FBA_RETURNS}),
    }
    for operation_id, answer in refusals.items():
        assert answer.status_code == 400
        assert_response_matches_model(operation_id, answer)
    missing = {
        "getReport": raw.get(f"{BASE}/reports/1"),
        "getReportDocument": raw.get(f"{BASE}/documents/nope"),
    }
    for operation_id, answer in missing.items():
        assert answer.status_code == 404
        assert_response_matches_model(operation_id, answer)
    unauthorized = _Raw(sim.url, None).get(f"{BASE}/reports/{report_id}")
    assert unauthorized.status_code == 403
    assert_response_matches_model("getReport", unauthorized)


def test_throttling_matches_the_model(control: ControlClient, sim: SimulatedAmazon) -> None:
    # Faults (POST /_sim/faults) cannot name the Reports API operations yet: the control
    # schema's FaultOperation lists the older ones only.
    seller = make_seller(control, sim.url, [US])
    raw = _raw(sim.url, seller)
    # Burst 15: the 16th call is throttled.
    answers = [raw.get(f"{BASE}/documents/nope") for _ in range(16)]
    assert [a.status_code for a in answers] == [404] * 15 + [429]
    assert_response_matches_model("getReportDocument", answers[-1])
    assert answers[-1].json()["errors"][0]["code"] == "QuotaExceeded"
