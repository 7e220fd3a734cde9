"""A Save-to-Amazon job's steps: the next step's call and its checkpoint, in one run.

Every call to Amazon follows a record of the step having started, and every answer is recorded
before anything else happens, in the job's stream at the version read: a second run of the same
job (a redelivered message) loses the append and stops before it calls Amazon. What to do next
is `domain.save_to_amazon.job.next_action`; this module only does it.
"""

import math
from collections.abc import Callable
from typing import Any

from domain.amazon_gateway import (
    AmazonAuthFailed,
    AmazonError,
    AmazonRejected,
    AmazonThrottled,
    AmazonUnavailable,
)
from domain.errors import ConcurrencyConflict
from domain.event_store import EventContext
from domain.messages import Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.save_to_amazon import job as j
from domain.save_to_amazon.gateway import (
    OperationProblem,
    PackedBox,
    PackingGroup,
    StartedOperation,
)
from domain.save_to_amazon.placement import (
    choose_packing,
    choose_placement,
    no_placement_message,
    offered,
)
from domain.save_to_amazon.request import fail_save
from domain.streams import StreamKind
from functions.amazon_jobs.binding import NotYetVisible, ShipmentBinder
from functions.amazon_jobs.runner import JobRunner
from functions.amazon_jobs.session import AmazonSession
from functions.connection_state.placing import Placing
from functions.shared.aggregates import Aggregates

ACTOR = "system:amazon-jobs"
JOB = StreamKind.AMAZON_JOB


class _Wait(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def work(
    runner: JobRunner, tenant_id: str, job: j.AmazonJob, remaining_ms: Callable[[], int]
) -> int | None:
    """One run of a job with work left: None once it needs nothing more, else the seconds
    until it should run again."""
    try:
        session = runner.open_session(tenant_id, job.request.connection_id)
    except AmazonAuthFailed as error:
        _unreachable(runner, tenant_id, job.job_id, _said(error))
        return None
    tuning = runner.tuning
    with session:
        run = _Run(runner, tenant_id, job.job_id, session)
        while True:
            try:
                if not run.step():
                    return None
            except _Wait as wait:
                seconds = max(wait.seconds, 0.0)
                if remaining_ms() / 1000 - seconds < tuning.margin_seconds:
                    return max(1, math.ceil(seconds))
                runner.sleep(seconds)
            if remaining_ms() / 1000 < tuning.margin_seconds:
                return 1


def _unreachable(runner: JobRunner, tenant_id: str, job_id: str, reason: str) -> None:
    """Without the connection's credentials the job cannot go on: it fails (freeing the order),
    and a plan Amazon made for it stays (nothing can cancel it now)."""
    aggregates = runner.aggregates
    loaded = aggregates.load(tenant_id, JOB, job_id)
    assert loaded.state is not None
    if loaded.state.outcome is j.Outcome.IN_PROGRESS:
        fail_job(
            aggregates, tenant_id, loaded.state, loaded.version, None, "authorization_lost", reason
        )
        loaded = aggregates.load(tenant_id, JOB, job_id)
    assert loaded.state is not None
    if j.next_action(loaded.state) != j.Done():
        give_up_cancel(aggregates, tenant_id, job_id, loaded.version, reason)
    runner.placing.end(tenant_id, loaded.state.request.connection_id, job_id)


class _Run:
    """One run of one job: its session with Amazon and what it counted so far."""

    def __init__(self, runner: JobRunner, tenant_id: str, job_id: str, session: AmazonSession):
        self._runner = runner
        self._aggregates = runner.aggregates
        self._tuning = runner.tuning
        self._tenant = tenant_id
        self._job_id = job_id
        self._session = session
        self._unavailable = 0
        self._refused_resumes = 0
        self._polls = 0
        self._binder = ShipmentBinder(runner.aggregates, session.reads)

    def step(self) -> bool:
        """Do the next action; False once the job needs nothing more."""
        loaded = self._aggregates.load(self._tenant, JOB, self._job_id)
        job, version = loaded.state, loaded.version
        assert job is not None
        action = j.next_action(job)
        if isinstance(action, j.Done):
            self._runner.placing.end(self._tenant, job.request.connection_id, self._job_id)
            return False
        now = self._aggregates.clock.now()
        if job.outcome is j.Outcome.IN_PROGRESS and now - job.request.requested_at > (
            self._tuning.max_age
        ):
            self._fail(job, version, None, "timed_out", "the job did not finish in time")
            return True
        try:
            self._do(action, job, version)
            self._unavailable = 0
        except ConcurrencyConflict:
            pass  # another writer moved a stream we read: read again
        except AmazonThrottled:
            raise _Wait(self._tuning.throttled_seconds) from None
        except NotYetVisible:
            raise _Wait(5) from None
        except AmazonUnavailable:
            self._unavailable += 1
            if self._unavailable > self._tuning.max_unavailable:
                self._unavailable = 0
                raise _Wait(self._tuning.unavailable_seconds) from None
            raise _Wait(2**self._unavailable / 2) from None
        except AmazonAuthFailed as error:
            self._fail(*self._latest(), _step_of(action), "authorization_lost", _said(error))
        except AmazonRejected as error:
            self._refused(action, *self._latest(), error)
        return True

    def _latest(self) -> tuple[j.AmazonJob, int]:
        """The job as recorded now (the action may have recorded its step's start)."""
        loaded = self._aggregates.load(self._tenant, JOB, self._job_id)
        assert loaded.state is not None
        return loaded.state, loaded.version

    # The actions

    def _do(self, action: j.Action, job: j.AmazonJob, version: int) -> None:
        match action:
            case j.Call(step=step, resumed=resumed):
                self._call(job, version, step, resumed)
            case j.Poll(step=step, operation_id=operation_id):
                self._poll(job, version, step, operation_id)
            case j.ChoosePacking():
                self._choose_packing(job, version)
            case j.ChoosePlacement():
                self._choose_placement(job, version)
            case j.ReadShipments():
                self._read_shipments(job, version)
            case j.Bind(shipment=shipment):
                self._binder.bind(self._context(), job, version, shipment)
            case j.Finish():
                self._finish(job, version)

    def _call(self, job: j.AmazonJob, version: int, step: j.Step, resumed: bool) -> None:
        plan_id = job.inbound_plan_id
        if resumed and self._probe(job, version, step):
            return
        if not resumed:
            event = j.AmazonJobStepStarted(job_id=self._job_id, step=step, at=self._now())
            version = self._append(version, [event])
        if step is j.Step.CONFIRM_PLACEMENT:
            marker = Placing(purchase_order_id=job.request.purchase_order_id, since=self._now())
            self._runner.placing.begin(
                self._tenant, job.request.connection_id, self._job_id, marker
            )
        started = self._start(job, step, plan_id)
        self._append(
            version,
            [
                j.AmazonJobOperationStarted(
                    job_id=self._job_id,
                    step=step,
                    operation_id=started.operation_id,
                    inbound_plan_id=started.inbound_plan_id,
                    at=self._now(),
                )
            ],
        )
        self._polls = 0
        raise _Wait(self._tuning.first_poll_seconds)  # an operation is never done at once

    def _start(self, job: j.AmazonJob, step: j.Step, plan_id: str | None) -> StartedOperation:
        plans, request = self._session.plans, job.request
        if step is j.Step.CREATE_PLAN:
            return plans.create_plan(
                request.marketplace_id, _plan_name(job), request.ship_from, request.items
            )
        assert plan_id is not None
        match step:
            case j.Step.GENERATE_PACKING:
                return plans.generate_packing_options(plan_id)
            case j.Step.CONFIRM_PACKING:
                assert job.packing_option_id is not None
                return plans.confirm_packing_option(plan_id, job.packing_option_id)
            case j.Step.SET_PACKING:
                return plans.set_packing_information(plan_id, self._packing(job, plan_id))
            case j.Step.GENERATE_PLACEMENT:
                return plans.generate_placement_options(plan_id)
            case j.Step.CONFIRM_PLACEMENT:
                assert job.placement_option_id is not None
                return plans.confirm_placement_option(plan_id, job.placement_option_id)
            case j.Step.CANCEL_PLAN:
                return plans.cancel_plan(plan_id)
        raise AssertionError(step)

    def _packing(self, job: j.AmazonJob, plan_id: str) -> tuple[PackingGroup, ...]:
        """One box per packing group holding its items, of the size the request gave."""
        return tuple(
            PackingGroup(
                packing_group_id=group_id,
                boxes=(
                    PackedBox(
                        box=job.request.box,
                        quantity=1,
                        items=self._session.plans.packing_group_items(plan_id, group_id),
                    ),
                ),
            )
            for group_id in job.packing_group_ids
        )

    def _probe(self, job: j.AmazonJob, version: int, step: j.Step) -> bool:
        """Whether Amazon already did a step whose call may have been made by a run that died
        before recording the answer; if it did, record that and True."""
        adopted_plan: str | None = None
        if step is j.Step.CREATE_PLAN:
            found = [
                p for p in self._session.plans.find_plans(_plan_name(job)) if p.status != "VOIDED"
            ]
            if not found:
                return False
            if found[0].status == "ERRORED":
                message = "Amazon could not create the inbound plan (its status is ERRORED)"
                self._fail(job, version, step, "amazon_operation_failed", message)
                return True
            adopted_plan = found[0].inbound_plan_id
        elif not self._done_at_amazon(job, step):
            return False
        adopted = j.AmazonJobStepAdopted(
            job_id=self._job_id, step=step, inbound_plan_id=adopted_plan, at=self._now()
        )
        self._append(version, [adopted])
        return True

    def _done_at_amazon(self, job: j.AmazonJob, step: j.Step) -> bool:
        """Whether the plan as Amazon shows it has the step's effect (setting packing
        information again replaces it: it is just called again)."""
        plans, plan_id = self._session.plans, _plan(job.inbound_plan_id)
        if step is j.Step.GENERATE_PACKING:
            return bool(plans.packing_options(plan_id))
        if step is j.Step.CONFIRM_PACKING:
            return any(
                o.packing_option_id == job.packing_option_id and o.status == "ACCEPTED"
                for o in plans.packing_options(plan_id)
            )
        if step is j.Step.GENERATE_PLACEMENT:
            return bool(plans.placement_options(plan_id))
        if step is j.Step.CONFIRM_PLACEMENT:
            return any(
                o.placement_option_id == job.placement_option_id and o.status == "ACCEPTED"
                for o in plans.placement_options(plan_id)
            )
        if step is j.Step.CANCEL_PLAN:
            return any(p.status == "VOIDED" for p in plans.find_plans(_plan_name(job)))
        return False

    def _poll(self, job: j.AmazonJob, version: int, step: j.Step, operation_id: str) -> None:
        operation = self._session.plans.operation(operation_id)
        if operation.status == "IN_PROGRESS":
            self._polls += 1
            delay = self._tuning.first_poll_seconds * 1.5**self._polls
            raise _Wait(min(delay, self._tuning.max_poll_seconds))
        self._polls = 0
        ended = j.AmazonJobOperationEnded(
            job_id=self._job_id,
            step=step,
            operation_id=operation_id,
            status=operation.status,
            problems=operation.problems,
            at=self._now(),
        )
        if operation.status == "SUCCESS":
            extra: list[DomainEvent] = []
            if step is j.Step.CANCEL_PLAN:
                extra.append(j.AmazonJobPlanCancelled(job_id=self._job_id, at=self._now()))
            self._append(version, [ended, *extra])
        elif step is j.Step.CANCEL_PLAN or job.outcome is j.Outcome.FAILED:
            self._append(version, [ended])
        else:
            message = f"Amazon's {step.value} operation {operation_id} failed: " + _listed(
                operation.problems
            )
            self._fail(
                job, version, step, "amazon_operation_failed", message, operation.problems, [ended]
            )

    def _choose_packing(self, job: j.AmazonJob, version: int) -> None:
        options = self._session.plans.packing_options(_plan(job.inbound_plan_id))
        chosen = choose_packing(options)
        if chosen is None:
            self._fail(
                job,
                version,
                j.Step.CONFIRM_PACKING,
                "no_packing_option",
                "Amazon offered no packing option for this plan",
            )
            return
        event = j.AmazonJobPackingChosen(
            job_id=self._job_id,
            packing_option_id=chosen.packing_option_id,
            packing_group_ids=chosen.packing_group_ids,
            at=self._now(),
        )
        self._append(version, [event])

    def _choose_placement(self, job: j.AmazonJob, version: int) -> None:
        options = self._session.plans.placement_options(_plan(job.inbound_plan_id))
        split = job.request.split
        chosen = choose_placement(split, options)
        if chosen is None:
            listed = offered(options)
            code = (
                "placement_requires_split"
                if split is j.Split.NONE and listed
                else "no_placement_option"
            )
            message = no_placement_message(split, listed)
            self._fail(job, version, j.Step.CONFIRM_PLACEMENT, code, message)
            return
        event = j.AmazonJobPlacementChosen(
            job_id=self._job_id,
            placement_option_id=chosen.placement_option_id,
            shipment_ids=chosen.shipment_ids,
            offered=offered(options),
            at=self._now(),
        )
        self._append(version, [event])

    def _read_shipments(self, job: j.AmazonJob, version: int) -> None:
        shipments = self._session.plans.plan_shipments(_plan(job.inbound_plan_id))
        ours = {s.shipment_id: s for s in shipments}
        placed = []
        for shipment_id in job.placement_shipment_ids:
            found = ours.get(shipment_id)
            if found is None or found.confirmation_id is None:
                raise _Wait(2)  # Amazon has not given it its FBA id yet
            placed.append(
                j.PlacedShipment(shipment_id=shipment_id, confirmation_id=found.confirmation_id)
            )
        event = j.AmazonJobShipmentsPlaced(
            job_id=self._job_id, shipments=tuple(placed), at=self._now()
        )
        self._append(version, [event])

    def _finish(self, job: j.AmazonJob, version: int) -> None:
        order_id = job.request.purchase_order_id
        order = self._aggregates.load(self._tenant, StreamKind.PURCHASE_ORDER, order_id)
        assert order.state is not None
        ended = po.decide(
            po.EndSaveToAmazon(purchase_order_id=order_id, job_id=self._job_id), order.state
        )
        done = j.AmazonJobSucceeded(job_id=self._job_id, shipment_ids=job.bound, at=self._now())
        self._save(
            {(JOB.value, self._job_id): [done], (StreamKind.PURCHASE_ORDER.value, order_id): ended},
            {
                (JOB.value, self._job_id): version,
                (StreamKind.PURCHASE_ORDER.value, order_id): (order.version),
            },
        )

    # Failing

    def _refused(
        self, action: j.Action, job: j.AmazonJob, version: int, error: AmazonRejected
    ) -> None:
        step = _step_of(action)
        if job.outcome is j.Outcome.FAILED:
            # Cancelling a plan Amazon will not cancel (already voided, shipped): stop trying.
            give_up_cancel(self._aggregates, self._tenant, self._job_id, version, _said(error))
            return
        adopted = any(
            s.status == "succeeded" and s.operation_id is None for s in job.steps.values()
        )
        if isinstance(action, j.Call) and (action.resumed or adopted):
            # An operation whose id a dead run never recorded may still be running on the plan
            # (Amazon refuses any other change meanwhile): look again later, a few times.
            self._refused_resumes += 1
            if self._refused_resumes <= self._tuning.max_refused_resumes:
                raise _Wait(2**self._refused_resumes)
        self._fail(job, version, step, "amazon_rejected", _said(error))

    def _fail(
        self,
        job: j.AmazonJob,
        version: int,
        step: j.Step | None,
        code: str,
        message: str,
        problems: tuple[OperationProblem, ...] = (),
        before: list[DomainEvent] | None = None,
    ) -> None:
        fail_job(
            self._aggregates, self._tenant, job, version, step, code, message, problems, before
        )

    # Plumbing

    def _append(self, version: int, events: list[DomainEvent]) -> int:
        saved = self._save(
            {(JOB.value, self._job_id): events}, {(JOB.value, self._job_id): version}
        )
        return saved[(JOB.value, self._job_id)]

    def _save(self, decision: Decision, versions: dict[tuple[str, str], int]) -> dict[Any, int]:
        return self._aggregates.save(self._context(), decision, versions)

    def _context(self) -> EventContext:
        return job_context(self._aggregates, self._tenant, self._job_id)

    def _now(self) -> Any:
        return self._aggregates.clock.now()


def fail_job(
    aggregates: Aggregates,
    tenant_id: str,
    job: j.AmazonJob,
    version: int,
    step: j.Step | None,
    code: str,
    message: str,
    problems: tuple[OperationProblem, ...] = (),
    before: list[DomainEvent] | None = None,
) -> None:
    """The job fails and the order is free again (open, editable), in one append; a plan
    Amazon created is cancelled next."""
    order_id = job.request.purchase_order_id
    order = aggregates.load(tenant_id, StreamKind.PURCHASE_ORDER, order_id)
    assert order.state is not None
    failed = j.AmazonJobFailed(
        job_id=job.job_id,
        step=step,
        code=code,
        message=message,
        problems=problems,
        at=aggregates.clock.now(),
    )
    aggregates.save(
        job_context(aggregates, tenant_id, job.job_id),
        fail_save(job, order.state, failed, before or []),
        {
            (JOB.value, job.job_id): version,
            (StreamKind.PURCHASE_ORDER.value, order_id): order.version,
        },
    )


def give_up_cancel(
    aggregates: Aggregates, tenant_id: str, job_id: str, version: int, reason: str
) -> None:
    """Record that the failed job's plan will not be cancelled (the job then needs nothing)."""
    ended = j.AmazonJobOperationEnded(
        job_id=job_id,
        step=j.Step.CANCEL_PLAN,
        operation_id="",
        status="FAILED",
        problems=(OperationProblem(code="Refused", message=reason),),
        at=aggregates.clock.now(),
    )
    aggregates.save(
        job_context(aggregates, tenant_id, job_id),
        {(JOB.value, job_id): [ended]},
        {(JOB.value, job_id): version},
    )


def job_context(aggregates: Aggregates, tenant_id: str, job_id: str) -> EventContext:
    return EventContext(
        tenant_id=tenant_id,
        actor=ACTOR,
        correlation_id=job_id,
        occurred_at=aggregates.clock.now(),
    )


def _plan_name(job: j.AmazonJob) -> str:
    """The plan's name at Amazon: the job's id, how a resumed job finds a plan it created."""
    return job.job_id


def _plan(plan_id: str | None) -> str:
    assert plan_id is not None, "a step after the plan's creation has the plan's id"
    return plan_id


def _step_of(action: j.Action) -> j.Step | None:
    return action.step if isinstance(action, j.Call | j.Poll) else None


def _said(error: AmazonError) -> str:
    return f"Amazon refused {error.operation}: {error.detail}"


def _listed(problems: tuple[OperationProblem, ...]) -> str:
    if not problems:
        return "Amazon gave no reason"
    return "; ".join(f"{p.code}: {p.message}" for p in problems)
