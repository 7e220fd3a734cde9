"""Save to Amazon over the real handler: 202 with the job queued and the order saving (locked to
edits, a second save 409), the job shown step by step; every refusal with its field, nothing
appended and nothing queued. The job itself runs in tests/amazon_jobs and tests/e2e."""

import json
from typing import Any

import pytest

from domain.streams import StreamKind
from functions.api.wiring import Services
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import a_connection, an_own_warehouse

READS_VIEWS = True
ADDRESS = {
    "name": "Main warehouse",
    "address_line_1": "1 Test Street",
    "city": "Austin",
    "country_code": "US",
    "postal_code": "78701",
    "phone_number": "+15125550100",
}
SAVE = {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"}
LINES = {"lines": [{"sku": "SKU-1", "quantity": 12}, {"sku": "SKU-2", "quantity": 3}]}


def fba_of(api: ApiClient, connection_id: str) -> str:
    warehouses = api.get("/warehouses").json["items"]
    return next(
        w["warehouse_id"]
        for w in warehouses
        if w["kind"] == "fba" and w["connection_id"] == connection_id
    )


@pytest.fixture
def world(api: ApiClient) -> dict[str, str]:
    connection = a_connection(api)
    source = an_own_warehouse(api)
    assert api.request("PATCH", f"/warehouses/{source}", body={"address": ADDRESS}).status == 200
    fba = fba_of(api, connection)
    transfer = api.post(
        "/transfer-orders",
        {"source_warehouse_id": source, "destination_warehouse_id": fba, **LINES},
    )
    assert transfer.status == 201, transfer.text
    vendor = api.post("/vendors", {"name": "Acme", "lead_time_days": 5, "currency": "USD"})
    vendor_po = api.post(
        "/purchase-orders",
        {"vendor_id": vendor.json["vendor_id"], "destination_warehouse_id": fba, **LINES},
    )
    assert vendor_po.status == 201, vendor_po.text
    return {
        "source": source,
        "fba": fba,
        "transfer": transfer.json["transfer_order_id"],
        "transfer_po": transfer.json["purchase_order_id"],
        "vendor_po": vendor_po.json["purchase_order_id"],
    }


def queued(aws: Aws) -> list[dict[str, Any]]:
    sqs = aws.clients.sqs
    got = sqs.receive_message(
        QueueUrl=aws.settings.amazon_jobs_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    for message in got.get("Messages", []):
        sqs.delete_message(
            QueueUrl=aws.settings.amazon_jobs_queue_url, ReceiptHandle=message["ReceiptHandle"]
        )
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


def field_of(reply: Reply) -> str:
    return str(reply.json["errors"][0]["field"])


def test_saving_a_transfer_queues_its_job_and_the_order_waits_for_amazon(
    api: ApiClient, aws: Aws, world: dict[str, str]
) -> None:
    queued(aws)
    reply = api.post(f"/transfer-orders/{world['transfer']}/save-to-amazon", SAVE)

    assert reply.status == 202, reply.text
    job_id = reply.json["job_id"]
    assert reply.json == {
        "job_id": job_id,
        "purchase_order_id": world["transfer_po"],
        "transfer_order_id": world["transfer"],
        "status": "in_progress",
    }
    assert queued(aws) == [{"tenant_id": api.tenant, "job_id": job_id}]
    job = api.get(f"/amazon-jobs/{job_id}").json
    assert (job["status"], job["split"], job["steps"], job["error"]) == (
        "in_progress",
        "amazon",
        [],
        None,
    )
    # While Amazon works on it, the order is neither edited nor saved again.
    again = api.post(f"/purchase-orders/{world['transfer_po']}/save-to-amazon", SAVE)
    assert again.status == 409, again.text
    assert job_id in again.json["message"]
    cancel = api.post(f"/purchase-orders/{world['transfer_po']}/cancel", {})
    assert cancel.status == 409, cancel.text
    assert queued(aws) == []


def test_a_vendors_order_ships_from_the_address_given(
    api: ApiClient, services: Services, world: dict[str, str]
) -> None:
    reply = api.post(
        f"/purchase-orders/{world['vendor_po']}/save-to-amazon",
        {
            **SAVE,
            "split": "none",
            "ship_from": ADDRESS,
            "box": {"length": 20, "width": 10, "height": 8, "weight": 12.5},
        },
    )

    assert reply.status == 202, reply.text
    assert api.tenant is not None
    job = services.aggregates.load(api.tenant, StreamKind.AMAZON_JOB, reply.json["job_id"]).state
    assert job is not None
    request = job.request
    assert request.ship_from.city == "Austin" and request.ship_from.phone_number == "+15125550100"
    assert [(i.msku, i.quantity) for i in request.items] == [("SKU-1", 12), ("SKU-2", 3)]
    assert str(request.box.weight) == "12.5" and request.split.value == "none"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SAVE, "split": "sometimes"}, "body.split"),
        ({**SAVE, "label_owner": "ROBOT"}, "body.label_owner"),
        ({"split": "amazon", "prep_owner": "NONE"}, "body.label_owner"),
        ({**SAVE, "ship_from": {**ADDRESS, "country_code": "usa"}}, "body.ship_from.country_code"),
        ({**SAVE, "box": {"length": 0, "width": 1, "height": 1, "weight": 1}}, "body.box.length"),
        ({**SAVE, "surprise": 1}, "body.surprise"),
    ],
)
def test_a_malformed_request_is_refused_with_its_field(
    api: ApiClient, aws: Aws, world: dict[str, str], body: dict[str, Any], field: str
) -> None:
    queued(aws)
    reply = api.post(f"/transfer-orders/{world['transfer']}/save-to-amazon", body)

    assert reply.status == 422, reply.text
    assert field_of(reply) == field
    assert queued(aws) == []


def test_refusals_name_the_field_and_append_nothing(
    api: ApiClient, aws: Aws, services: Services, world: dict[str, str]
) -> None:
    queued(aws)
    assert api.tenant is not None
    before = services.aggregates.load(api.tenant, StreamKind.PURCHASE_ORDER, world["vendor_po"])

    no_address = api.post(f"/purchase-orders/{world['vendor_po']}/save-to-amazon", SAVE)
    partial = {k: v for k, v in ADDRESS.items() if k != "phone_number"}
    missing_phone = api.post(
        f"/purchase-orders/{world['vendor_po']}/save-to-amazon", {**SAVE, "ship_from": partial}
    )
    amazon_labels = api.post(
        f"/purchase-orders/{world['vendor_po']}/save-to-amazon",
        {**SAVE, "ship_from": ADDRESS, "label_owner": "AMAZON"},
    )

    assert (no_address.status, field_of(no_address)) == (422, "body.ship_from")
    assert (missing_phone.status, field_of(missing_phone)) == (422, "body.ship_from.phone_number")
    assert (amazon_labels.status, field_of(amazon_labels)) == (422, "body.label_owner")
    after = services.aggregates.load(api.tenant, StreamKind.PURCHASE_ORDER, world["vendor_po"])
    assert after.version == before.version
    assert queued(aws) == []


def test_an_order_into_a_warehouse_of_ours_or_not_open_is_refused(
    api: ApiClient, world: dict[str, str]
) -> None:
    store = an_own_warehouse(api, "Store")
    own = api.post(
        "/transfer-orders",
        {"source_warehouse_id": world["source"], "destination_warehouse_id": store, **LINES},
    )
    into_own = api.post(f"/transfer-orders/{own.json['transfer_order_id']}/save-to-amazon", SAVE)
    assert (into_own.status, field_of(into_own)) == (422, "body.destination_warehouse_id")

    assert api.post(f"/purchase-orders/{world['vendor_po']}/cancel", {}).status == 200
    cancelled = api.post(
        f"/purchase-orders/{world['vendor_po']}/save-to-amazon", {**SAVE, "ship_from": ADDRESS}
    )
    assert (cancelled.status, field_of(cancelled)) == (422, "body.status")


def test_a_source_without_a_full_address_names_what_is_missing(
    api: ApiClient, world: dict[str, str]
) -> None:
    bare = an_own_warehouse(api, "Bare")
    transfer = api.post(
        "/transfer-orders",
        {"source_warehouse_id": bare, "destination_warehouse_id": world["fba"], **LINES},
    )
    reply = api.post(f"/transfer-orders/{transfer.json['transfer_order_id']}/save-to-amazon", SAVE)

    assert reply.status == 422, reply.text
    assert field_of(reply).startswith("body.ship_from.")
    assert "PATCH /warehouses" in reply.json["message"]


def test_unknown_orders_and_jobs_are_404(api: ApiClient) -> None:
    assert api.post("/purchase-orders/po-nope/save-to-amazon", SAVE).status == 404
    assert api.post("/transfer-orders/to-nope/save-to-amazon", SAVE).status == 404
    assert api.get("/amazon-jobs/aj-nope").status == 404


def test_only_your_own_warehouses_take_an_address(api: ApiClient, world: dict[str, str]) -> None:
    reply = api.request("PATCH", f"/warehouses/{world['fba']}", body={"address": ADDRESS})
    assert (reply.status, field_of(reply)) == (422, "body.address")
    shown = api.get(f"/warehouses/{world['source']}").json
    assert shown["address"]["city"] == "Austin"
