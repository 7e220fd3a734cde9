"""The Save-to-Amazon job's control flow and its choices, pure: given what was recorded, what
the runner does next; given Amazon's options, which one it confirms."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.messages import DomainEvent
from domain.save_to_amazon import job as j
from domain.save_to_amazon.gateway import (
    Box,
    OperationProblem,
    Owner,
    PackingOption,
    PlacementOption,
    PlanItem,
    ShipFrom,
)
from domain.save_to_amazon.placement import (
    choose_packing,
    choose_placement,
    no_placement_message,
    offered,
)

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
SHIP_FROM = ShipFrom(
    name="Main",
    address_line_1="1 Road",
    city="Austin",
    country_code="US",
    postal_code="78701",
    phone_number="5125550100",
)
ITEM = PlanItem(msku="SKU-1", quantity=10, label_owner=Owner.SELLER, prep_owner=Owner.NONE)
BOX = Box(length=10, width=10, height=10, weight=5)


def requested(split: j.Split = j.Split.AMAZON) -> j.AmazonJobRequested:
    return j.AmazonJobRequested(
        job_id="aj-1",
        purchase_order_id="po-1",
        connection_id="c-1",
        marketplace_id="ATVPDKIKX0DER",
        destination_warehouse_id="fba-c-1-ATVPDKIKX0DER",
        split=split,
        ship_from=SHIP_FROM,
        items=(ITEM,),
        box=BOX,
        requested_at=T0,
    )


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def job_of(*events: DomainEvent) -> j.AmazonJob:
    job = j.fold([requested(), *events])
    assert job is not None
    return job


def started(step: j.Step, minute: int = 1) -> j.AmazonJobStepStarted:
    return j.AmazonJobStepStarted(job_id="aj-1", step=step, at=at(minute))


def operation(step: j.Step, op: str, plan: str | None = None) -> j.AmazonJobOperationStarted:
    return j.AmazonJobOperationStarted(
        job_id="aj-1", step=step, operation_id=op, inbound_plan_id=plan, at=at(2)
    )


def ended(step: j.Step, op: str, status: str = "SUCCESS") -> j.AmazonJobOperationEnded:
    return j.AmazonJobOperationEnded(
        job_id="aj-1",
        step=step,
        operation_id=op,
        status=status,
        at=at(3),  # type: ignore[arg-type]
    )


def through(step: j.Step, op: str, plan: str | None = None) -> list[DomainEvent]:
    return [started(step), operation(step, op, plan), ended(step, op)]


PLACED = j.PlacedShipment(shipment_id="sh1", confirmation_id="FBA1")


def all_steps() -> list[DomainEvent]:
    return [
        *through(j.Step.CREATE_PLAN, "op1", "wf1"),
        *through(j.Step.GENERATE_PACKING, "op2"),
        j.AmazonJobPackingChosen(
            job_id="aj-1", packing_option_id="po1", packing_group_ids=("pg1",), at=at(4)
        ),
        *through(j.Step.CONFIRM_PACKING, "op3"),
        *through(j.Step.SET_PACKING, "op4"),
        *through(j.Step.GENERATE_PLACEMENT, "op5"),
        j.AmazonJobPlacementChosen(
            job_id="aj-1", placement_option_id="pl1", shipment_ids=("sh1",), offered=(), at=at(5)
        ),
        *through(j.Step.CONFIRM_PLACEMENT, "op6"),
    ]


def test_a_new_job_creates_its_plan() -> None:
    assert j.next_action(job_of()) == j.Call(j.Step.CREATE_PLAN, resumed=False)


def test_a_step_started_without_an_operation_is_probed_before_it_is_called_again() -> None:
    assert j.next_action(job_of(started(j.Step.CREATE_PLAN))) == j.Call(
        j.Step.CREATE_PLAN, resumed=True
    )


def test_an_operation_recorded_is_polled_and_its_plan_kept() -> None:
    job = job_of(started(j.Step.CREATE_PLAN), operation(j.Step.CREATE_PLAN, "op1", "wf1"))

    assert j.next_action(job) == j.Poll(j.Step.CREATE_PLAN, "op1")
    assert job.inbound_plan_id == "wf1"


def test_the_flow_chooses_between_generating_and_confirming() -> None:
    after_packing = job_of(
        *through(j.Step.CREATE_PLAN, "op1", "wf1"), *through(j.Step.GENERATE_PACKING, "op2")
    )
    assert j.next_action(after_packing) == j.ChoosePacking()
    events = all_steps()
    placement_generated = job_of(*events[:-4])  # before the placement is chosen
    assert j.next_action(placement_generated) == j.ChoosePlacement()


def test_after_the_placement_the_shipments_are_read_then_bound_then_the_job_finishes() -> None:
    confirmed = job_of(*all_steps())
    assert j.next_action(confirmed) == j.ReadShipments()
    placed = j.AmazonJobShipmentsPlaced(job_id="aj-1", shipments=(PLACED,), at=at(6))
    assert j.next_action(job_of(*all_steps(), placed)) == j.Bind(PLACED)
    bound = j.AmazonJobShipmentBound(job_id="aj-1", confirmation_id="FBA1", at=at(7))
    assert j.next_action(job_of(*all_steps(), placed, bound)) == j.Finish()
    done = j.AmazonJobSucceeded(job_id="aj-1", shipment_ids=("FBA1",), at=at(8))
    finished = job_of(*all_steps(), placed, bound, done)
    assert j.next_action(finished) == j.Done()
    assert finished.outcome is j.Outcome.SUCCEEDED


def failed(step: j.Step | None, code: str = "amazon_operation_failed") -> j.AmazonJobFailed:
    problem = OperationProblem(code="InternalServerError", message="ERROR: Something went wrong")
    return j.AmazonJobFailed(
        job_id="aj-1", step=step, code=code, message="m", problems=(problem,), at=at(9)
    )


def test_a_failed_job_cancels_the_plan_amazon_created_once() -> None:
    events = [*through(j.Step.CREATE_PLAN, "op1", "wf1"), failed(j.Step.GENERATE_PACKING)]
    assert j.next_action(job_of(*events)) == j.Call(j.Step.CANCEL_PLAN, resumed=False)
    cancelling = [*events, started(j.Step.CANCEL_PLAN), operation(j.Step.CANCEL_PLAN, "op9")]
    assert j.next_action(job_of(*cancelling)) == j.Poll(j.Step.CANCEL_PLAN, "op9")
    cancelled = [
        *cancelling,
        ended(j.Step.CANCEL_PLAN, "op9"),
        j.AmazonJobPlanCancelled(job_id="aj-1", at=at(10)),
    ]
    job = job_of(*cancelled)
    assert j.next_action(job) == j.Done()
    assert job.plan_cancelled and job.outcome is j.Outcome.FAILED
    refused = [*cancelling, ended(j.Step.CANCEL_PLAN, "op9", "FAILED")]
    assert j.next_action(job_of(*refused)) == j.Done()  # not tried again


def test_a_plan_amazon_failed_to_create_is_not_cancelled() -> None:
    events = [
        started(j.Step.CREATE_PLAN),
        operation(j.Step.CREATE_PLAN, "op1", "wf1"),
        ended(j.Step.CREATE_PLAN, "op1", "FAILED"),
        failed(j.Step.CREATE_PLAN),
    ]
    assert j.next_action(job_of(*events)) == j.Done()


def test_a_job_that_failed_before_any_plan_is_done() -> None:
    assert j.next_action(job_of(failed(None, "not_queued"))) == j.Done()


def placement(option: str, shipments: int, fee: str, status: str = "OFFERED") -> PlacementOption:
    return PlacementOption(
        placement_option_id=option,
        status=status,
        shipment_ids=tuple(f"{option}-sh{i}" for i in range(shipments)),
        fee=Decimal(fee),
        currency="USD",
    )


def test_split_amazon_takes_the_lowest_fee_then_fewest_shipments_then_option_id() -> None:
    options = (placement("c", 3, "0"), placement("b", 2, "0"), placement("a", 2, "0"))
    assert choose_placement(j.Split.AMAZON, options).placement_option_id == "a"  # type: ignore[union-attr]
    options = (placement("a", 1, "45.00"), placement("b", 3, "0.00"))
    assert choose_placement(j.Split.AMAZON, options).placement_option_id == "b"  # type: ignore[union-attr]


def test_split_none_takes_only_a_single_shipment_option() -> None:
    options = (placement("a", 2, "0"), placement("b", 1, "45.00"))
    assert choose_placement(j.Split.NONE, options).placement_option_id == "b"  # type: ignore[union-attr]
    assert choose_placement(j.Split.NONE, (placement("a", 2, "0"),)) is None


def test_an_option_already_accepted_stands_and_expired_ones_are_never_chosen() -> None:
    options = (placement("a", 1, "0", "EXPIRED"), placement("b", 3, "9", "ACCEPTED"))
    assert choose_placement(j.Split.NONE, options).placement_option_id == "b"  # type: ignore[union-attr]
    assert choose_placement(j.Split.AMAZON, (placement("a", 1, "0", "EXPIRED"),)) is None


def test_the_refusal_lists_what_amazon_offered() -> None:
    options = offered((placement("b", 3, "12.50"), placement("a", 2, "0")))
    message = no_placement_message(j.Split.NONE, options)

    assert "no single-shipment placement" in message
    assert "a: 2 shipments, fee 0 USD; b: 3 shipments, fee 12.50 USD" in message
    assert no_placement_message(j.Split.NONE, ()) == (
        "Amazon offered no placement option for this plan"
    )


@pytest.mark.parametrize(
    ("options", "chosen"),
    [
        (
            (PackingOption(packing_option_id="p2", status="OFFERED", packing_group_ids=("g1",)),),
            "p2",
        ),
        (
            (
                PackingOption(
                    packing_option_id="p1", status="OFFERED", packing_group_ids=("a", "b")
                ),
                PackingOption(packing_option_id="p2", status="OFFERED", packing_group_ids=("c",)),
            ),
            "p2",
        ),
        (
            (PackingOption(packing_option_id="p1", status="EXPIRED", packing_group_ids=("a",)),),
            None,
        ),
    ],
)
def test_packing_takes_the_fewest_groups(
    options: tuple[PackingOption, ...], chosen: str | None
) -> None:
    found = choose_packing(options)
    assert (found.packing_option_id if found else None) == chosen
