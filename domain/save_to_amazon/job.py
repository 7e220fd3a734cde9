"""The Save-to-Amazon job: one order's way through Amazon's inbound-plan flow, step by step.

Its stream is the job's checkpoint. Before each state-changing call the job records that the
step started; the operation id Amazon answers is recorded before it is polled; its end, the
options chosen and the shipments placed are recorded as they are known. So a run that dies at
any point resumes from the stream: a step started with no operation recorded is probed first
(did Amazon already do it?) and only then called again, so a plan is never created twice.

`next_action` is the whole control flow: what the runner does next, given the job as recorded.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.messages import DomainEvent
from domain.save_to_amazon.gateway import Box, OperationProblem, PlanItem, ShipFrom


class Split(StrEnum):
    AMAZON = "amazon"  # accept Amazon's placement with the lowest fee, however many shipments
    NONE = "none"  # one shipment or nothing


class Step(StrEnum):
    CREATE_PLAN = "create_plan"
    GENERATE_PACKING = "generate_packing_options"
    CONFIRM_PACKING = "confirm_packing_option"
    SET_PACKING = "set_packing_information"
    GENERATE_PLACEMENT = "generate_placement_options"
    CONFIRM_PLACEMENT = "confirm_placement_option"
    CANCEL_PLAN = "cancel_plan"


# Amazon's operations for the order, in order; binding the placed shipments follows them.
PIPELINE: tuple[Step, ...] = (
    Step.CREATE_PLAN,
    Step.GENERATE_PACKING,
    Step.CONFIRM_PACKING,
    Step.SET_PACKING,
    Step.GENERATE_PLACEMENT,
    Step.CONFIRM_PLACEMENT,
)


class Outcome(StrEnum):
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class OfferedPlacement(BaseModel):
    """A placement option as Amazon offered it: how many shipments and the total fee."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    placement_option_id: str
    shipment_count: int
    fee: Decimal
    currency: str | None = None


class PlacedShipment(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str  # Amazon's v2024-03-20 id
    confirmation_id: str  # the FBA... id


class AmazonJobRequested(DomainEvent):
    type: Literal["AmazonJobRequested"] = "AmazonJobRequested"
    job_id: str
    purchase_order_id: str
    transfer_order_id: str | None = None
    connection_id: str
    marketplace_id: str
    destination_warehouse_id: str
    split: Split
    ship_from: ShipFrom
    items: tuple[PlanItem, ...]
    box: Box
    requested_at: AwareDatetime


class AmazonJobStepStarted(DomainEvent):
    """Recorded before the step's call: a run that finds it without an operation probes."""

    type: Literal["AmazonJobStepStarted"] = "AmazonJobStepStarted"
    job_id: str
    step: Step
    at: AwareDatetime


class AmazonJobOperationStarted(DomainEvent):
    type: Literal["AmazonJobOperationStarted"] = "AmazonJobOperationStarted"
    job_id: str
    step: Step
    operation_id: str
    inbound_plan_id: str | None = None  # createInboundPlan's
    at: AwareDatetime


class AmazonJobOperationEnded(DomainEvent):
    type: Literal["AmazonJobOperationEnded"] = "AmazonJobOperationEnded"
    job_id: str
    step: Step
    operation_id: str
    status: Literal["SUCCESS", "FAILED"]
    problems: tuple[OperationProblem, ...] = ()
    at: AwareDatetime


class AmazonJobStepAdopted(DomainEvent):
    """A resumed step Amazon had already done (found by reading, not by its operation)."""

    type: Literal["AmazonJobStepAdopted"] = "AmazonJobStepAdopted"
    job_id: str
    step: Step
    inbound_plan_id: str | None = None
    at: AwareDatetime


class AmazonJobPackingChosen(DomainEvent):
    type: Literal["AmazonJobPackingChosen"] = "AmazonJobPackingChosen"
    job_id: str
    packing_option_id: str
    packing_group_ids: tuple[str, ...]
    at: AwareDatetime


class AmazonJobPlacementChosen(DomainEvent):
    type: Literal["AmazonJobPlacementChosen"] = "AmazonJobPlacementChosen"
    job_id: str
    placement_option_id: str
    shipment_ids: tuple[str, ...]
    offered: tuple[OfferedPlacement, ...]
    at: AwareDatetime


class AmazonJobShipmentsPlaced(DomainEvent):
    type: Literal["AmazonJobShipmentsPlaced"] = "AmazonJobShipmentsPlaced"
    job_id: str
    shipments: tuple[PlacedShipment, ...]
    at: AwareDatetime


class AmazonJobShipmentBound(DomainEvent):
    """Appended with the binding itself (one transaction): the order follows this shipment."""

    type: Literal["AmazonJobShipmentBound"] = "AmazonJobShipmentBound"
    job_id: str
    confirmation_id: str
    at: AwareDatetime


class AmazonJobSucceeded(DomainEvent):
    type: Literal["AmazonJobSucceeded"] = "AmazonJobSucceeded"
    job_id: str
    shipment_ids: tuple[str, ...]  # FBA... ids
    at: AwareDatetime


class AmazonJobFailed(DomainEvent):
    """The order stays as it was (open, editable); a plan Amazon created is then cancelled."""

    type: Literal["AmazonJobFailed"] = "AmazonJobFailed"
    job_id: str
    step: Step | None = None
    code: str
    message: str
    problems: tuple[OperationProblem, ...] = ()
    at: AwareDatetime


class AmazonJobPlanCancelled(DomainEvent):
    type: Literal["AmazonJobPlanCancelled"] = "AmazonJobPlanCancelled"
    job_id: str
    at: AwareDatetime


class StepState(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    step: Step
    started_at: AwareDatetime
    operation_id: str | None = None
    status: Literal["started", "in_progress", "succeeded", "failed"] = "started"
    problems: tuple[OperationProblem, ...] = ()
    ended_at: AwareDatetime | None = None


class Failure(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    step: Step | None = None
    code: str
    message: str
    problems: tuple[OperationProblem, ...] = ()


class AmazonJob(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    request: AmazonJobRequested
    inbound_plan_id: str | None = None
    steps: dict[Step, StepState] = {}
    packing_option_id: str | None = None
    packing_group_ids: tuple[str, ...] = ()
    placement_option_id: str | None = None
    placement_shipment_ids: tuple[str, ...] = ()
    offered: tuple[OfferedPlacement, ...] = ()
    shipments: tuple[PlacedShipment, ...] = ()
    bound: tuple[str, ...] = ()  # FBA... ids bound to the order
    outcome: Outcome = Outcome.IN_PROGRESS
    failure: Failure | None = None
    plan_cancelled: bool = False
    updated_at: AwareDatetime

    @property
    def job_id(self) -> str:
        return self.request.job_id

    def succeeded(self, step: Step) -> bool:
        state = self.steps.get(step)
        return state is not None and state.status == "succeeded"


# What the runner does next.


@dataclass(frozen=True)
class Call:
    """Make the step's call (after recording that it started); `resumed`: it was started
    before and no operation was recorded, so probe Amazon for its effect first."""

    step: Step
    resumed: bool


@dataclass(frozen=True)
class Poll:
    step: Step
    operation_id: str


@dataclass(frozen=True)
class ChoosePacking:
    pass


@dataclass(frozen=True)
class ChoosePlacement:
    pass


@dataclass(frozen=True)
class ReadShipments:
    """Placement confirmed: read the plan's shipments and their FBA ids."""


@dataclass(frozen=True)
class Bind:
    shipment: PlacedShipment


@dataclass(frozen=True)
class Finish:
    pass


@dataclass(frozen=True)
class Done:
    pass


Action = Call | Poll | ChoosePacking | ChoosePlacement | ReadShipments | Bind | Finish | Done


def next_action(job: AmazonJob) -> Action:
    if job.outcome is Outcome.FAILED:
        return _after_failure(job)
    if job.outcome is Outcome.SUCCEEDED:
        return Done()
    for step in PIPELINE:
        if step is Step.CONFIRM_PACKING and job.packing_option_id is None:
            return ChoosePacking()
        if step is Step.CONFIRM_PLACEMENT and job.placement_option_id is None:
            return ChoosePlacement()
        if not job.succeeded(step):
            return _step_action(job, step)
    if not job.shipments:
        return ReadShipments()
    unbound = [s for s in job.shipments if s.confirmation_id not in job.bound]
    return Bind(unbound[0]) if unbound else Finish()


def _after_failure(job: AmazonJob) -> Action:
    """A plan Amazon created is cancelled (once: a cancel that failed is not tried again)."""
    created = job.failure is None or job.failure.step is not Step.CREATE_PLAN
    needs_cancel = created and job.inbound_plan_id is not None and not job.plan_cancelled
    cancel = job.steps.get(Step.CANCEL_PLAN)
    if needs_cancel and (cancel is None or cancel.status in ("started", "in_progress")):
        return _step_action(job, Step.CANCEL_PLAN)
    return Done()


def _step_action(job: AmazonJob, step: Step) -> Call | Poll:
    state = job.steps.get(step)
    if state is None:
        return Call(step, resumed=False)
    if state.operation_id is None:
        return Call(step, resumed=True)
    return Poll(step, state.operation_id)


def evolve(state: AmazonJob | None, event: DomainEvent) -> AmazonJob | None:
    if isinstance(event, AmazonJobRequested):
        return AmazonJob(request=event, updated_at=event.requested_at)
    if state is None:
        return None
    at = getattr(event, "at", state.updated_at)
    return _evolve(state, event).model_copy(update={"updated_at": at})


def _evolve(job: AmazonJob, event: DomainEvent) -> AmazonJob:  # noqa: C901 - one case per event
    match event:
        case AmazonJobStepStarted():
            step = StepState(step=event.step, started_at=event.at)
            return job.model_copy(update={"steps": {**job.steps, event.step: step}})
        case AmazonJobOperationStarted():
            started = _step(job, event.step, event.at).model_copy(
                update={"operation_id": event.operation_id, "status": "in_progress"}
            )
            update: dict[str, object] = {"steps": {**job.steps, event.step: started}}
            if event.inbound_plan_id is not None:
                update["inbound_plan_id"] = event.inbound_plan_id
            return job.model_copy(update=update)
        case AmazonJobOperationEnded():
            status = "succeeded" if event.status == "SUCCESS" else "failed"
            ended = _step(job, event.step, event.at).model_copy(
                update={"status": status, "problems": event.problems, "ended_at": event.at}
            )
            return job.model_copy(update={"steps": {**job.steps, event.step: ended}})
        case AmazonJobStepAdopted():
            adopted = _step(job, event.step, event.at).model_copy(
                update={"status": "succeeded", "ended_at": event.at}
            )
            update = {"steps": {**job.steps, event.step: adopted}}
            if event.inbound_plan_id is not None:
                update["inbound_plan_id"] = event.inbound_plan_id
            if event.step is Step.CANCEL_PLAN:
                update["plan_cancelled"] = True
            return job.model_copy(update=update)
        case AmazonJobPackingChosen():
            return job.model_copy(
                update={
                    "packing_option_id": event.packing_option_id,
                    "packing_group_ids": event.packing_group_ids,
                }
            )
        case AmazonJobPlacementChosen():
            return job.model_copy(
                update={
                    "placement_option_id": event.placement_option_id,
                    "placement_shipment_ids": event.shipment_ids,
                    "offered": event.offered,
                }
            )
        case AmazonJobShipmentsPlaced():
            return job.model_copy(update={"shipments": event.shipments})
        case AmazonJobShipmentBound():
            return job.model_copy(update={"bound": (*job.bound, event.confirmation_id)})
        case AmazonJobSucceeded():
            return job.model_copy(update={"outcome": Outcome.SUCCEEDED})
        case AmazonJobFailed():
            failure = Failure(
                step=event.step, code=event.code, message=event.message, problems=event.problems
            )
            return job.model_copy(update={"outcome": Outcome.FAILED, "failure": failure})
        case AmazonJobPlanCancelled():
            return job.model_copy(update={"plan_cancelled": True})
    return job


def _step(job: AmazonJob, step: Step, at: AwareDatetime) -> StepState:
    return job.steps.get(step) or StepState(step=step, started_at=at)


def fold(events: list[DomainEvent]) -> AmazonJob | None:
    state: AmazonJob | None = None
    for event in events:
        state = evolve(state, event)
    return state
