"""The inbound plans adapter (`SpApiInboundPlans`) against the simulated Amazon over HTTP, with
the real sp_api client: the whole flow from a plan to shipments the v0 reads show, finding plans
by name, operations that fail, Amazon's refusals in its own words, throttling, cancelling, and
bounded paging."""

import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr
from sp_api.api import FulfillmentInboundV20240320

from domain.amazon_gateway import (
    AmazonRejected,
    AmazonThrottled,
    AmazonUnreadable,
    ShipmentQuery,
)
from domain.marketplaces import Region
from domain.save_to_amazon.gateway import (
    Box,
    Operation,
    OperationProblem,
    Owner,
    PackedBox,
    PackingGroup,
    PlanItem,
    ShipFrom,
)
from functions.shared.adapters import inbound_plans_gateway
from functions.shared.adapters.inbound_plans_gateway import SpApiInboundPlans
from functions.shared.adapters.spapi_gateway import LwaCredentials, SpApiGateway
from infra.simulated_amazon import ControlClient, SimulatedAmazon, sp_api_client_kwargs
from tests.sync.proxy import FaultyProxy

pytestmark = pytest.mark.slow

US = "ATVPDKIKX0DER"
SOURCE = ShipFrom(
    name="Main warehouse",
    company_name="Acme Goods",
    address_line_1="1 Test Street",
    address_line_2="Dock 4",
    city="Seattle",
    state_or_province_code="WA",
    country_code="US",
    postal_code="98109",
    phone_number="+12065550100",
)
# SOURCE as Amazon's AddressInput: camelCase, the fields left None left out.
SOURCE_INPUT = {
    "name": "Main warehouse",
    "companyName": "Acme Goods",
    "addressLine1": "1 Test Street",
    "addressLine2": "Dock 4",
    "city": "Seattle",
    "stateOrProvinceCode": "WA",
    "countryCode": "US",
    "postalCode": "98109",
    "phoneNumber": "+12065550100",
}
UNITS = {"SKU-A": 12, "SKU-B": 7, "SKU-C": 5}
BOX = Box(length=Decimal("24.5"), width=Decimal(16), height=Decimal("12.25"), weight=Decimal(40))


def items(units: dict[str, int]) -> tuple[PlanItem, ...]:
    return tuple(
        PlanItem(msku=msku, quantity=quantity, label_owner=Owner.SELLER, prep_owner=Owner.NONE)
        for msku, quantity in units.items()
    )


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=100) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        client.clear_faults()
        yield client
        client.clear_faults()


class Seller:
    """A fresh seller (so a fresh refresh token: sp_api caches access tokens by it) and the
    adapters for it, closed at the end of the test."""

    def __init__(self, control: ControlClient, url: str) -> None:
        self.control, self.url = control, url
        self.seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        self.refresh_token = control.create_seller(self.seller_id, [US])["refresh_token"]
        self._opened: list[SpApiInboundPlans | SpApiGateway] = []

    def credentials(self) -> LwaCredentials:
        return LwaCredentials(
            lwa_app_id="app",
            lwa_client_secret=SecretStr("secret"),
            refresh_token=SecretStr(self.refresh_token),
        )

    def plans(self) -> SpApiInboundPlans:
        opened = SpApiInboundPlans(self.credentials(), Region.NA, endpoint=self.url)
        self._opened.append(opened)
        return opened

    def v0(self) -> SpApiGateway:
        opened = SpApiGateway(self.credentials(), Region.NA, endpoint=self.url)
        self._opened.append(opened)
        return opened

    def raw_2024(self) -> FulfillmentInboundV20240320:
        """sp_api's client as it is, to look at what the adapter made Amazon hold."""
        return FulfillmentInboundV20240320(**sp_api_client_kwargs(self.url, US, self.refresh_token))

    def close(self) -> None:
        for opened in self._opened:
            opened.close()


@pytest.fixture
def new_seller(control: ControlClient, sim: SimulatedAmazon) -> Iterator[Callable[[], Seller]]:
    made: list[Seller] = []

    def make() -> Seller:
        made.append(Seller(control, sim.url))
        return made[-1]

    yield make
    for seller in made:
        seller.close()


@pytest.fixture
def seller(new_seller: Callable[[], Seller]) -> Seller:
    return new_seller()


def finish(seller: Seller, gateway: SpApiInboundPlans, operation_id: str) -> Operation:
    """The operation once over: seen IN_PROGRESS, then past the seller's operation time."""
    running = gateway.operation(operation_id)
    assert running.status == "IN_PROGRESS" and running.problems == ()
    seller.control.advance_clock(seller.control.operation_duration(seller.seller_id) + 0.01)
    done = gateway.operation(operation_id)
    assert done.operation_id == operation_id
    return done


def succeed(seller: Seller, gateway: SpApiInboundPlans, operation_id: str) -> None:
    done = finish(seller, gateway, operation_id)
    assert done.status == "SUCCESS" and done.problems == (), done


def create(seller: Seller, gateway: SpApiInboundPlans, name: str, units: dict[str, int]) -> str:
    started = gateway.create_plan(US, name, SOURCE, items(units))
    assert started.inbound_plan_id is not None
    succeed(seller, gateway, started.operation_id)
    return started.inbound_plan_id


def pack(seller: Seller, gateway: SpApiInboundPlans, plan_id: str) -> None:
    """Packing options generated and confirmed, each packing group in one box."""
    succeed(seller, gateway, gateway.generate_packing_options(plan_id).operation_id)
    [option] = gateway.packing_options(plan_id)
    succeed(
        seller,
        gateway,
        gateway.confirm_packing_option(plan_id, option.packing_option_id).operation_id,
    )
    groups = tuple(
        PackingGroup(
            packing_group_id=group_id,
            boxes=(
                PackedBox(
                    box=BOX, quantity=1, items=gateway.packing_group_items(plan_id, group_id)
                ),
            ),
        )
        for group_id in option.packing_group_ids
    )
    succeed(seller, gateway, gateway.set_packing_information(plan_id, groups).operation_id)


def place(seller: Seller, gateway: SpApiInboundPlans, plan_id: str, shipments: int) -> None:
    """Placement options generated, and the one with `shipments` shipments confirmed."""
    succeed(seller, gateway, gateway.generate_placement_options(plan_id).operation_id)
    [option] = [o for o in gateway.placement_options(plan_id) if len(o.shipment_ids) == shipments]
    confirmed = gateway.confirm_placement_option(plan_id, option.placement_option_id)
    succeed(seller, gateway, confirmed.operation_id)


# The whole flow


def test_a_plan_goes_from_creation_to_shipments_that_the_v0_reads_show(seller: Seller) -> None:
    seller.control.set_placement_options(
        seller.seller_id,
        [
            {"shipment_count": 2, "fee": 120.5, "discount": 20.25},
            {"shipment_count": 1, "fee": 45.0},
        ],
    )
    gateway = seller.plans()

    started = gateway.create_plan(US, "PO-1001 to FBA", SOURCE, items(UNITS))
    assert started.inbound_plan_id is not None
    plan_id = started.inbound_plan_id
    succeed(seller, gateway, started.operation_id)
    # What Amazon holds: the name, the items, the address as AddressInput, None fields left out.
    held = seller.raw_2024().get_inbound_plan(plan_id).payload
    assert held["name"] == "PO-1001 to FBA"
    assert held["sourceAddress"] == SOURCE_INPUT
    view = seller.control.inbound_plan(plan_id)
    assert view["items"] == [{"msku": m, "quantity": q} for m, q in UNITS.items()]

    # Packing: one option, one group holding every SKU, as Amazon lists them.
    succeed(seller, gateway, gateway.generate_packing_options(plan_id).operation_id)
    [packing] = gateway.packing_options(plan_id)
    assert packing.status == "OFFERED"
    [group_id] = packing.packing_group_ids
    group_items = gateway.packing_group_items(plan_id, group_id)
    assert group_items == items(UNITS)
    confirmed = gateway.confirm_packing_option(plan_id, packing.packing_option_id)
    succeed(seller, gateway, confirmed.operation_id)
    assert [o.status for o in gateway.packing_options(plan_id)] == ["ACCEPTED"]
    # Two boxes of half of every SKU (Amazon checks that the boxes hold the group's units).
    halves = {"SKU-A": 6, "SKU-B": 7, "SKU-C": 5}
    boxes = (
        PackedBox(box=BOX, quantity=1, items=items(halves)),
        PackedBox(box=BOX, quantity=1, items=items({"SKU-A": 6})),
    )
    packed = gateway.set_packing_information(
        plan_id, (PackingGroup(packing_group_id=group_id, boxes=boxes),)
    )
    succeed(seller, gateway, packed.operation_id)

    # Placement: the fees the seller's Amazon offers, each less its discount.
    succeed(seller, gateway, gateway.generate_placement_options(plan_id).operation_id)
    options = {len(o.shipment_ids): o for o in gateway.placement_options(plan_id)}
    assert set(options) == {1, 2}
    assert (options[2].fee, options[2].currency) == (Decimal("100.25"), "USD")
    assert (options[1].fee, options[1].currency) == (Decimal("45.0"), "USD")
    assert {o.status for o in options.values()} == {"OFFERED"}
    split = options[2]
    succeed(
        seller,
        gateway,
        gateway.confirm_placement_option(plan_id, split.placement_option_id).operation_id,
    )

    shipments = gateway.plan_shipments(plan_id)

    assert tuple(s.shipment_id for s in shipments) == split.shipment_ids
    assert {s.status for s in shipments} == {"WORKING"}
    fba_ids = [s.confirmation_id for s in shipments]
    assert all(fba_id and fba_id.startswith("FBA") and len(fba_id) == 12 for fba_id in fba_ids)
    placed = {
        s["shipment_id"]: s["shipment_confirmation_id"]
        for s in seller.control.inbound_plan(plan_id)["shipments"]
        if s["placement_option_id"] == split.placement_option_id
    }
    assert {s.shipment_id: s.confirmation_id for s in shipments} == placed
    # The backend's sync reads them through the v0 gateway: WORKING, from our address.
    page = seller.v0().list_shipments(
        ShipmentQuery(marketplace_id=US, shipment_ids=tuple(str(i) for i in fba_ids))
    )
    assert {s.shipment_id for s in page.shipments} == set(fba_ids)
    for shown in page.shipments:
        assert shown.status == "WORKING"
        assert shown.ship_from.name == SOURCE.name
        assert shown.ship_from.address_line_1 == SOURCE.address_line_1
        assert shown.ship_from.postal_code == SOURCE.postal_code


# What the adapter sends


class RecordingProxy(FaultyProxy):
    """The test proxy in front of the simulator, keeping each request's method, path, query
    and JSON body."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.sent: list[tuple[str, str, dict[str, list[str]], Any]] = []

    def handle(
        self, method: str, path_and_query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path_and_query)
        content_type = {name.lower(): value for name, value in headers.items()}.get(
            "content-type", ""
        )
        is_json = content_type.startswith("application/json")
        document = json.loads(body) if body and is_json else None  # not LWA's form
        self.sent.append((method, parts.path, parse_qs(parts.query), document))
        return super().handle(method, path_and_query, headers, body)

    def bodies(self, method: str, path_end: str) -> list[Any]:
        return [body for m, path, _, body in self.sent if m == method and path.endswith(path_end)]


@pytest.fixture
def recording(sim: SimulatedAmazon) -> Iterator[RecordingProxy]:
    running = RecordingProxy(sim.url)
    running.start()
    yield running
    running.stop()


def test_requests_are_amazons_input_objects(seller: Seller, recording: RecordingProxy) -> None:
    seller.url = recording.url
    gateway = seller.plans()
    plan_id = create(seller, gateway, "PO-8", {"SKU-A": 2})
    succeed(seller, gateway, gateway.generate_packing_options(plan_id).operation_id)
    [option] = gateway.packing_options(plan_id)
    succeed(
        seller,
        gateway,
        gateway.confirm_packing_option(plan_id, option.packing_option_id).operation_id,
    )
    [group_id] = option.packing_group_ids
    boxes = (PackedBox(box=BOX, quantity=2, items=items({"SKU-A": 1})),)
    packed = gateway.set_packing_information(
        plan_id, (PackingGroup(packing_group_id=group_id, boxes=boxes),)
    )
    succeed(seller, gateway, packed.operation_id)
    gateway.find_plans("PO-8")

    # sp_api adds its marketplace keys to every body: Amazon reads none of them here.
    added = {"marketplaceIds": [US], "MarketplaceIds": [US]}
    [created] = recording.bodies("POST", "/inboundPlans")
    assert created == {
        "destinationMarketplaces": [US],
        "items": [{"msku": "SKU-A", "quantity": 2, "labelOwner": "SELLER", "prepOwner": "NONE"}],
        "name": "PO-8",
        "sourceAddress": SOURCE_INPUT,  # None fields left out, not sent as null
        **added,
    }
    [packing] = recording.bodies("POST", "/packingInformation")
    assert packing == {
        "packageGroupings": [
            {
                "packingGroupId": group_id,
                "boxes": [
                    {
                        "contentInformationSource": "BOX_CONTENT_PROVIDED",
                        "dimensions": {
                            "length": 24.5,
                            "width": 16,
                            "height": 12.25,
                            "unitOfMeasurement": "IN",
                        },
                        "weight": {"unit": "LB", "value": 40},
                        "quantity": 2,
                        "items": [
                            {
                                "msku": "SKU-A",
                                "quantity": 1,
                                "labelOwner": "SELLER",
                                "prepOwner": "NONE",
                            }
                        ],
                    }
                ],
            }
        ],
        **added,
    }
    [listed] = [
        q for m, path, q, _ in recording.sent if m == "GET" and path.endswith("/inboundPlans")
    ]
    assert (listed["sortBy"], listed["sortOrder"], listed["pageSize"]) == (
        ["LAST_UPDATED_TIME"],
        ["DESC"],
        ["30"],
    )
    # Only v2024-03-20 paths (and LWA's): none of the client's v0-named methods.
    assert {path.split("/")[1] for _, path, _, _ in recording.sent} == {"inbound", "auth"}


# Finding plans


def test_find_plans_reads_the_newest_pages_for_that_name_and_that_seller_only(
    new_seller: Callable[[], Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    seller, other = new_seller(), new_seller()
    gateway = seller.plans()
    # Pages of two plans, so that a handful of plans make several pages.
    monkeypatch.setitem(
        inbound_plans_gateway.PAGE_SIZES, inbound_plans_gateway.LIST_INBOUND_PLANS, 2
    )
    oldest = create(seller, gateway, "PO-7", {"SKU-A": 1})
    for n in range(4):
        create(seller, gateway, f"PO-{n}", {"SKU-A": 1})
    newest = create(seller, gateway, "PO-7", {"SKU-A": 2})
    create(other, other.plans(), "PO-7", {"SKU-A": 1})
    seller.control.reset_calls()

    found = gateway.find_plans("PO-7")

    # Newest first, across three pages, the other seller's plan of that name not among them.
    assert [p.inbound_plan_id for p in found] == [newest, oldest]
    assert {(p.name, p.status) for p in found} == {("PO-7", "ACTIVE")}
    assert gateway.find_plans("PO-") == ()
    calls = seller.control.calls()["listInboundPlans"]
    assert calls["served"] == 6  # three pages each time

    # Only the 10 most recent pages are read (2 here): the oldest plan is past them.
    monkeypatch.setattr(inbound_plans_gateway, "PLAN_PAGES", 2)
    assert [p.inbound_plan_id for p in gateway.find_plans("PO-7")] == [newest]


# Operations


def test_a_failed_operation_is_reported_with_amazons_problems(seller: Seller) -> None:
    gateway = seller.plans()
    plan_id = create(seller, gateway, "PO-2", {"SKU-A": 3})
    problem = {
        "code": "FBA_INB_0312",
        "message": "ERROR: The packing options could not be generated.",
        "details": "Try again in a few minutes.",
    }
    seller.control.fail_next_operation(
        seller.seller_id, "generatePackingOptions", problems=[problem]
    )

    failed = finish(seller, gateway, gateway.generate_packing_options(plan_id).operation_id)

    assert failed.status == "FAILED"
    assert failed.problems == (
        OperationProblem(
            code="FBA_INB_0312",
            message="ERROR: The packing options could not be generated.",
            severity="ERROR",
            details="Try again in a few minutes.",
        ),
    )
    assert gateway.packing_options(plan_id) == ()
    # Trying again works.
    succeed(seller, gateway, gateway.generate_packing_options(plan_id).operation_id)
    assert len(gateway.packing_options(plan_id)) == 1


# Refusals and throttling


def test_a_refusal_carries_amazons_code_and_message(seller: Seller) -> None:
    gateway = seller.plans()
    amazon_labels = (
        PlanItem(msku="SKU-A", quantity=1, label_owner=Owner.AMAZON, prep_owner=Owner.NONE),
    )

    with pytest.raises(AmazonRejected) as refused:
        gateway.create_plan(US, "PO-3", SOURCE, amazon_labels)

    assert refused.type is AmazonRejected
    assert refused.value.operation == "createInboundPlan"
    assert refused.value.detail.startswith("HTTP 400 BadRequest: ERROR: ")
    assert "AMAZON" in refused.value.detail and "labelOwner" in refused.value.detail

    # The model's checks too, in Amazon's words; and an unknown plan is refused as not found.
    with pytest.raises(AmazonRejected) as invalid:
        gateway.create_plan(US, "x" * 41, SOURCE, items({"SKU-A": 1}))
    assert invalid.value.detail.startswith("HTTP 400 InvalidInput: 1 validation error")
    assert "'request.name'" in invalid.value.detail
    plan_id = create(seller, gateway, "PO-3", {"SKU-A": 1})
    with pytest.raises(AmazonRejected) as out_of_order:
        gateway.generate_placement_options(plan_id)
    assert out_of_order.value.detail.startswith("HTTP 400 BadRequest: ERROR: ")
    unknown = "wf" + uuid.uuid4().hex[:4] + plan_id[6:]
    with pytest.raises(AmazonRejected, match=r"getInboundPlan: HTTP 404 NotFound: "):
        gateway.plan_shipments(unknown)


@pytest.mark.parametrize("body", ["json", "html", "empty"])
def test_a_429_is_amazon_throttled_even_when_sp_api_stays_silent(seller: Seller, body: str) -> None:
    gateway = seller.plans()
    started = gateway.create_plan(US, "PO-4", SOURCE, items({"SKU-A": 1}))
    seller.control.inject_fault("getInboundOperationStatus", 429, body)

    with pytest.raises(AmazonThrottled) as throttled:
        gateway.operation(started.operation_id)

    assert throttled.type is AmazonThrottled
    assert throttled.value.operation == "getInboundOperationStatus"
    assert gateway.operation(started.operation_id).status == "IN_PROGRESS"


@pytest.fixture(scope="module")
def amazon_rates() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon() as simulator:  # Amazon's own rates
        yield simulator


def test_creating_past_amazons_burst_is_amazon_throttled(amazon_rates: SimulatedAmazon) -> None:
    with ControlClient(amazon_rates.url) as control:
        seller = Seller(control, amazon_rates.url)
        gateway = seller.plans()
        try:
            # createInboundPlan: 2 a second, burst 2 (a slow run may see a token come back).
            created = 0
            with pytest.raises(AmazonThrottled) as throttled:
                while created < 5:
                    gateway.create_plan(US, f"PO-{created}", SOURCE, items({"SKU-A": 1}))
                    created += 1
            assert created >= 2
            assert str(throttled.value) == "createInboundPlan: HTTP 429"
            assert control.calls()["createInboundPlan"]["throttled"] == 1
            control.advance_clock(0.5)  # one more token
            assert gateway.create_plan(US, "PO-9", SOURCE, items({"SKU-A": 1})).inbound_plan_id
        finally:
            seller.close()


# Cancelling


def test_cancelling_voids_the_plan_and_deletes_its_shipments(seller: Seller) -> None:
    seller.control.set_placement_options(seller.seller_id, [{"shipment_count": 1}])
    gateway = seller.plans()
    plan_id = create(seller, gateway, "PO-5", {"SKU-A": 4, "SKU-B": 2})
    pack(seller, gateway, plan_id)
    place(seller, gateway, plan_id, shipments=1)
    [shipment] = gateway.plan_shipments(plan_id)

    succeed(seller, gateway, gateway.cancel_plan(plan_id).operation_id)

    assert [(p.inbound_plan_id, p.status) for p in gateway.find_plans("PO-5")] == [
        (plan_id, "VOIDED")
    ]
    [deleted] = gateway.plan_shipments(plan_id)
    assert (deleted.shipment_id, deleted.confirmation_id) == (
        shipment.shipment_id,
        shipment.confirmation_id,
    )
    assert deleted.status == "DELETED"
    assert shipment.confirmation_id is not None
    page = seller.v0().list_shipments(
        ShipmentQuery(marketplace_id=US, shipment_ids=(shipment.confirmation_id,))
    )
    assert [s.status for s in page.shipments] == ["DELETED"]
    with pytest.raises(AmazonRejected, match="already voided"):
        gateway.cancel_plan(plan_id)


# Paging


def test_every_listing_follows_its_pages_and_stops_at_the_bound(
    seller: Seller, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller.control.set_placement_options(
        seller.seller_id,
        [{"shipment_count": 3}, {"shipment_count": 2, "fee": 10}, {"shipment_count": 1}],
    )
    gateway = seller.plans()
    plan_id = create(seller, gateway, "PO-6", UNITS)
    pack(seller, gateway, plan_id)
    succeed(seller, gateway, gateway.generate_placement_options(plan_id).operation_id)
    [group_id] = [g for o in gateway.packing_options(plan_id) for g in o.packing_group_ids]
    sizes = inbound_plans_gateway.PAGE_SIZES
    monkeypatch.setitem(sizes, inbound_plans_gateway.LIST_PACKING_GROUP_ITEMS, 1)
    monkeypatch.setitem(sizes, inbound_plans_gateway.LIST_PLACEMENT_OPTIONS, 1)
    seller.control.reset_calls()

    assert gateway.packing_group_items(plan_id, group_id) == items(UNITS)
    options = gateway.placement_options(plan_id)

    assert sorted(len(o.shipment_ids) for o in options) == [1, 2, 3]
    assert len({o.placement_option_id for o in options}) == 3
    calls = seller.control.calls()
    assert calls["listPackingGroupItems"]["served"] == 3
    assert calls["listPlacementOptions"]["served"] == 3

    # A listing with more pages than the bound is not read as if it were whole.
    monkeypatch.setattr(inbound_plans_gateway, "MAX_PAGES", 2)
    with pytest.raises(AmazonUnreadable, match="listPlacementOptions: more than 2 pages"):
        gateway.placement_options(plan_id)
