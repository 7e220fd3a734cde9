"""Amazon's inbound plans (Fulfillment Inbound v2024-03-20) over python-amazon-sp-api's
`FulfillmentInboundV20240320`: the port `InboundPlansGateway`.

The plumbing is `SpApiGateway`'s (`SpApiSession`): the same credentials, endpoints, bounded
client and typed errors, sp_api's silent 429/5xx included. What differs here:

- bodies are camelCase and not wrapped in `payload` (sp_api's `ApiResponse.payload` is the whole
  body but its `pagination`, which it keeps apart);
- only the v2024-03-20 operations are called (the client's v0-named methods point at paths
  that do not exist). sp_api adds its marketplace keys to queries and bodies, as it does for
  every client and every user of it (here with the region's first marketplace): no operation
  here has such a parameter, and they give a body to the calls that take no field, which sp_api
  would otherwise send bodiless (generatePlacementOptions requires a body);
- a refusal's detail quotes Amazon's code and message (`HTTP 400 BadRequest: ERROR: ...`):
  the job shows it to the user, who can often act on it;
- every listing is paged with `paginationToken` from `pagination.nextToken` and bounded: at most
  `MAX_PAGES` pages (a listing that promises every page and has more is `AmazonUnreadable`), and
  `find_plans` reads at most the `PLAN_PAGES` most recent pages.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from typing import Any, Final, TypeVar

from domain.amazon_gateway import AmazonUnreadable
from domain.marketplaces import MARKETPLACES
from domain.save_to_amazon.gateway import (
    Operation,
    OperationProblem,
    Owner,
    PackedBox,
    PackingGroup,
    PackingOption,
    PlacementOption,
    PlanItem,
    PlannedShipment,
    PlanSummary,
    ShipFrom,
    StartedOperation,
)
from functions.shared.adapters.spapi_gateway import (
    KeepsStatus,
    SpApiSession,
)

T = TypeVar("T")

CREATE_INBOUND_PLAN: Final = "createInboundPlan"
LIST_INBOUND_PLANS: Final = "listInboundPlans"
GET_INBOUND_PLAN: Final = "getInboundPlan"
CANCEL_INBOUND_PLAN: Final = "cancelInboundPlan"
GET_INBOUND_OPERATION_STATUS: Final = "getInboundOperationStatus"
GENERATE_PACKING_OPTIONS: Final = "generatePackingOptions"
LIST_PACKING_OPTIONS: Final = "listPackingOptions"
CONFIRM_PACKING_OPTION: Final = "confirmPackingOption"
LIST_PACKING_GROUP_ITEMS: Final = "listPackingGroupItems"
SET_PACKING_INFORMATION: Final = "setPackingInformation"
GENERATE_PLACEMENT_OPTIONS: Final = "generatePlacementOptions"
LIST_PLACEMENT_OPTIONS: Final = "listPlacementOptions"
CONFIRM_PLACEMENT_OPTION: Final = "confirmPlacementOption"
GET_SHIPMENT: Final = "getShipment"

# Each listing's largest page in Amazon's model: the fewest calls.
PAGE_SIZES: dict[str, int] = {
    LIST_INBOUND_PLANS: 30,
    LIST_PACKING_OPTIONS: 20,
    LIST_PACKING_GROUP_ITEMS: 100,
    LIST_PLACEMENT_OPTIONS: 20,
}
# The most pages one listing reads (2,000 packing group items: a plan's most items).
MAX_PAGES = 20
# find_plans reads the most recently updated plans only.
PLAN_PAGES = 10
# The most shipments plan_shipments reads (one getShipment each).
MAX_SHIPMENTS = 200
# Amazon's model: `pagination.nextToken` holds at most 1,024 characters.
MAX_TOKEN_CHARS = 1024
FEE, DISCOUNT = "FEE", "DISCOUNT"


@cache
def _inbound_plans_api() -> type[Any]:
    """The v2024-03-20 client, imported on first use (`spapi_gateway` keeps `sp_api.api`'s
    `__init__`, which imports every client, from running)."""
    from sp_api.api.fulfillment_inbound.fulfillment_inbound_2024_03_20 import (
        FulfillmentInboundV20240320,
    )

    return type("_InboundPlans", (KeepsStatus, FulfillmentInboundV20240320), {})


@dataclass(frozen=True)
class _Answer:
    operation: str
    body: dict[str, Any]
    next_token: str | None
    rate: float | None


class SpApiInboundPlans(SpApiSession):
    """One seller in one region: Fulfillment Inbound v2024-03-20. `endpoint` points every call
    at a local simulator instead."""

    _quote_refusals = True

    # The port

    def create_plan(
        self, marketplace_id: str, name: str, source: ShipFrom, items: tuple[PlanItem, ...]
    ) -> StartedOperation:
        body = {
            "destinationMarketplaces": [marketplace_id],
            "items": [_item_input(item) for item in items],
            "name": name,
            "sourceAddress": _address_input(source),
        }
        answer = self._answer(CREATE_INBOUND_PLAN, lambda api: api.create_inbound_plan(**body))
        return _read(answer, _created)

    def find_plans(self, name: str) -> tuple[PlanSummary, ...]:
        found: dict[str, PlanSummary] = {}
        pages = self._pages(
            LIST_INBOUND_PLANS,
            lambda api, page: api.list_inbound_plans(
                sortBy="LAST_UPDATED_TIME", sortOrder="DESC", **page
            ),
            most=PLAN_PAGES,
            every_page=False,
        )
        for answer in pages:
            for plan in _read(answer, lambda body: _plans_named(body, name)):
                found.setdefault(plan.inbound_plan_id, plan)
        return tuple(found.values())

    def operation(self, operation_id: str) -> Operation:
        answer = self._answer(
            GET_INBOUND_OPERATION_STATUS,
            lambda api: api.get_inbound_operation_status(operation_id),
        )
        return _read(answer, _operation)

    def generate_packing_options(self, inbound_plan_id: str) -> StartedOperation:
        return self._start(
            GENERATE_PACKING_OPTIONS, lambda api: api.generate_packing_options(inbound_plan_id)
        )

    def packing_options(self, inbound_plan_id: str) -> tuple[PackingOption, ...]:
        return self._every(
            LIST_PACKING_OPTIONS,
            lambda api, page: api.list_packing_options(inbound_plan_id, **page),
            lambda body: tuple(_packing_option(option) for option in body["packingOptions"]),
        )

    def confirm_packing_option(
        self, inbound_plan_id: str, packing_option_id: str
    ) -> StartedOperation:
        return self._start(
            CONFIRM_PACKING_OPTION,
            lambda api: api.confirm_packing_option(inbound_plan_id, packing_option_id),
        )

    def packing_group_items(
        self, inbound_plan_id: str, packing_group_id: str
    ) -> tuple[PlanItem, ...]:
        return self._every(
            LIST_PACKING_GROUP_ITEMS,
            lambda api, page: api.list_packing_group_items(
                inbound_plan_id, packing_group_id, **page
            ),
            lambda body: tuple(_plan_item(item) for item in body["items"]),
        )

    def set_packing_information(
        self, inbound_plan_id: str, groups: tuple[PackingGroup, ...]
    ) -> StartedOperation:
        groupings = [
            {
                "packingGroupId": group.packing_group_id,
                "boxes": [_box_input(boxes) for boxes in group.boxes],
            }
            for group in groups
        ]
        return self._start(
            SET_PACKING_INFORMATION,
            lambda api: api.set_packing_information(inbound_plan_id, packageGroupings=groupings),
        )

    def generate_placement_options(self, inbound_plan_id: str) -> StartedOperation:
        return self._start(
            GENERATE_PLACEMENT_OPTIONS,
            lambda api: api.generate_placement_options(inbound_plan_id),
        )

    def placement_options(self, inbound_plan_id: str) -> tuple[PlacementOption, ...]:
        return self._every(
            LIST_PLACEMENT_OPTIONS,
            lambda api, page: api.list_placement_options(inbound_plan_id, **page),
            lambda body: tuple(_placement_option(option) for option in body["placementOptions"]),
        )

    def confirm_placement_option(
        self, inbound_plan_id: str, placement_option_id: str
    ) -> StartedOperation:
        return self._start(
            CONFIRM_PLACEMENT_OPTION,
            lambda api: api.confirm_placement_option(inbound_plan_id, placement_option_id),
        )

    def plan_shipments(self, inbound_plan_id: str) -> tuple[PlannedShipment, ...]:
        plan = self._answer(GET_INBOUND_PLAN, lambda api: api.get_inbound_plan(inbound_plan_id))
        listed = _read(plan, _shipment_summaries)
        shipments = []
        for shipment_id, listed_status in listed:
            answer = self._answer(
                GET_SHIPMENT, lambda api, sid: api.get_shipment(inbound_plan_id, sid), shipment_id
            )
            shipments.append(_read(answer, partial(_shipment, listed_status=listed_status)))
        return tuple(shipments)

    def cancel_plan(self, inbound_plan_id: str) -> StartedOperation:
        return self._start(
            CANCEL_INBOUND_PLAN, lambda api: api.cancel_inbound_plan(inbound_plan_id)
        )

    # Calls

    def _answer(self, operation: str, call: Callable[..., Any], *args: Any) -> _Answer:
        """`call(api, *args)`'s answer (the body but its pagination), or the typed error."""
        # What sp_api puts in its marketplace keys (no operation here reads them).
        marketplace = next(m for m, (_, r) in MARKETPLACES.items() if r is self._region)
        api = self._client(_inbound_plans_api(), marketplace)
        response = self._request(operation, partial(call, api, *args))
        rate = self._answered(operation, api, response)
        return _Answer(operation, response.payload, _next_token(operation, response, rate), rate)

    def _start(self, operation: str, call: Callable[[Any], Any]) -> StartedOperation:
        return _read(self._answer(operation, call), _started)

    def _pages(
        self,
        operation: str,
        call: Callable[[Any, dict[str, Any]], Any],
        most: int,
        every_page: bool,
    ) -> Iterator[_Answer]:
        """The listing's pages, at most `most`; past them, `every_page` makes the rest an
        `AmazonUnreadable` (the caller asked for every page), else they are left unread."""
        token: str | None = None
        seen: set[str] = set()
        for _ in range(most):
            page: dict[str, Any] = {"pageSize": PAGE_SIZES[operation]}
            if token is not None:
                page["paginationToken"] = token
            answer = self._answer(operation, call, page)
            yield answer
            token = answer.next_token
            if token is None or token in seen:  # the last page, or Amazon going round
                return
            seen.add(token)
        if every_page:
            raise AmazonUnreadable(operation, f"more than {most} pages")

    def _every(
        self,
        operation: str,
        call: Callable[[Any, dict[str, Any]], Any],
        read: Callable[[dict[str, Any]], tuple[T, ...]],
    ) -> tuple[T, ...]:
        found: list[T] = []
        for answer in self._pages(operation, call, most=MAX_PAGES, every_page=True):
            found.extend(_read(answer, read))
        return tuple(found)


# Amazon's answers read, strictly: a field missing or out of the port's bounds is unreadable.


def _read(answer: _Answer, read: Callable[[dict[str, Any]], T]) -> T:
    try:
        return read(answer.body)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as problem:
        detail = f"unreadable answer: {_problem(problem)}"
        raise AmazonUnreadable(answer.operation, detail, answer.rate) from None


def _problem(problem: Exception) -> str:
    if isinstance(problem, KeyError):
        return f"no {problem.args[0]!r}"[:200]
    errors = getattr(problem, "errors", None)  # pydantic's ValidationError
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"[:200]
    return f"{type(problem).__name__}: {problem}"[:200]


def _next_token(operation: str, response: Any, rate: float | None) -> str | None:
    pagination = response.pagination
    token = pagination.get("nextToken") if isinstance(pagination, dict) else None
    if token is None or token == "":
        return None
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise AmazonUnreadable(operation, "unreadable answer: pagination.nextToken", rate)
    return token


def _started(body: dict[str, Any]) -> StartedOperation:
    return StartedOperation(operation_id=body["operationId"])


def _created(body: dict[str, Any]) -> StartedOperation:
    return StartedOperation(operation_id=body["operationId"], inbound_plan_id=body["inboundPlanId"])


def _plans_named(body: dict[str, Any], name: str) -> tuple[PlanSummary, ...]:
    # Only the plans named `name` are read: another plan Amazon describes oddly is no concern.
    return tuple(
        PlanSummary(inbound_plan_id=plan["inboundPlanId"], name=name, status=plan["status"])
        for plan in body["inboundPlans"]
        if plan.get("name") == name
    )


def _operation(body: dict[str, Any]) -> Operation:
    return Operation(
        operation_id=body["operationId"],
        status=body["operationStatus"],
        problems=tuple(
            OperationProblem(
                code=problem["code"],
                message=problem["message"],
                severity=problem.get("severity") or "ERROR",
                details=problem.get("details"),
            )
            for problem in body.get("operationProblems") or ()
        ),
    )


def _packing_option(option: dict[str, Any]) -> PackingOption:
    return PackingOption(
        packing_option_id=option["packingOptionId"],
        status=option["status"],
        packing_group_ids=tuple(option["packingGroups"]),
    )


def _plan_item(item: dict[str, Any]) -> PlanItem:
    return PlanItem(
        msku=item["msku"],
        quantity=item["quantity"],
        label_owner=Owner(item["labelOwner"]),
        prep_owner=_prep_owner(item.get("prepInstructions") or ()),
    )


def _prep_owner(instructions: Any) -> Owner:
    """An item's prep owner, which Amazon gives per prep instruction: the owner of the preps
    that need one (`NONE` when there are none)."""
    owners = {Owner(instruction["prepOwner"]) for instruction in instructions}
    owners.discard(Owner.NONE)
    if len(owners) > 1:
        raise ValueError(f"prep owners {sorted(owners)} for one item")
    return owners.pop() if owners else Owner.NONE


def _placement_option(option: dict[str, Any]) -> PlacementOption:
    """The fee is every fee less every discount; an incentive whose `type` says the opposite of
    its list (a DISCOUNT among the fees) counts as its type says."""
    signed = [(incentive, incentive.get("type") != DISCOUNT) for incentive in option["fees"]]
    signed += [(incentive, incentive.get("type") == FEE) for incentive in option["discounts"]]
    total, currencies = Decimal(0), set()
    for incentive, adds in signed:
        amount = _amount(incentive["value"]["amount"])
        total += amount if adds else -amount
        currencies.add(incentive["value"]["code"])
    if len(currencies) > 1:
        raise ValueError(f"incentives in several currencies: {sorted(currencies)}")
    return PlacementOption(
        placement_option_id=option["placementOptionId"],
        status=option["status"],
        shipment_ids=tuple(option["shipmentIds"]),
        fee=total,
        currency=currencies.pop() if currencies else None,
    )


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"amount {value!r} is not a number")
    amount = Decimal(str(value))  # the JSON number as written, not its binary approximation
    if not amount.is_finite():
        raise ValueError(f"amount {value!r}")
    return amount


def _shipment_summaries(body: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    listed = tuple(
        (str(shipment["shipmentId"]), str(shipment.get("status") or ""))
        for shipment in body.get("shipments") or ()
    )
    if len(listed) > MAX_SHIPMENTS:
        raise ValueError(f"more than {MAX_SHIPMENTS} shipments")
    return listed


def _shipment(body: dict[str, Any], listed_status: str) -> PlannedShipment:
    return PlannedShipment(
        shipment_id=body["shipmentId"],
        confirmation_id=body.get("shipmentConfirmationId") or None,
        status=body.get("status") or listed_status,
    )


# Requests: Amazon's input objects, None fields left out, numbers as JSON numbers.


def _item_input(item: PlanItem) -> dict[str, Any]:
    return {
        "msku": item.msku,
        "quantity": item.quantity,
        "labelOwner": item.label_owner.value,
        "prepOwner": item.prep_owner.value,
    }


_ADDRESS_FIELDS: Final = {
    "name": "name",
    "company_name": "companyName",
    "address_line_1": "addressLine1",
    "address_line_2": "addressLine2",
    "city": "city",
    "state_or_province_code": "stateOrProvinceCode",
    "district_or_county": "districtOrCounty",
    "country_code": "countryCode",
    "postal_code": "postalCode",
    "phone_number": "phoneNumber",
    "email": "email",
}


def _address_input(source: ShipFrom) -> dict[str, str]:
    fields = source.model_dump()
    return {
        amazon: fields[ours] for ours, amazon in _ADDRESS_FIELDS.items() if fields[ours] is not None
    }


def _box_input(boxes: PackedBox) -> dict[str, Any]:
    box = boxes.box
    return {
        "contentInformationSource": "BOX_CONTENT_PROVIDED",
        "dimensions": {
            "length": _number(box.length),
            "width": _number(box.width),
            "height": _number(box.height),
            "unitOfMeasurement": box.dimension_unit,
        },
        "weight": {"unit": box.weight_unit, "value": _number(box.weight)},
        "quantity": boxes.quantity,
        "items": [_item_input(item) for item in boxes.items],
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
