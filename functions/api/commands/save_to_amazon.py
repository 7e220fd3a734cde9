"""Saving an order to Amazon: the job's request appended with the order's save, then queued."""

from http import HTTPStatus

from domain.errors import NotFound
from domain.orders.purchase_order import PurchaseOrder
from domain.save_to_amazon.job import AmazonJob, AmazonJobFailed, Split, fold
from domain.save_to_amazon.request import SaveToAmazon, fail_save, request_save
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.api.errors import ApiError
from functions.api.models.amazon_jobs import SaveToAmazonRequest
from functions.shared.adapters.job_queue import JobMessage, JobQueue
from functions.shared.aggregates import Aggregates

PO = StreamKind.PURCHASE_ORDER
JOB = StreamKind.AMAZON_JOB


def save_purchase_order(
    aggregates: Aggregates,
    queue: JobQueue,
    caller: Caller,
    purchase_order_id: str,
    body: SaveToAmazonRequest,
) -> AmazonJob:
    job_id = f"aj-{aggregates.ids.new_id()}"

    def attempt() -> AmazonJob:
        tenant = caller.tenant_id
        order = aggregates.load(tenant, PO, purchase_order_id)
        state = order.state
        destination = source = None
        if state is not None:
            destination = aggregates.load(tenant, StreamKind.WAREHOUSE, state.warehouse_id).state
            source_id = _source_of(aggregates, tenant, state)
            if source_id is not None:
                source = aggregates.load(tenant, StreamKind.WAREHOUSE, source_id).state
        command = SaveToAmazon(
            job_id=job_id,
            purchase_order_id=purchase_order_id,
            split=Split(body.split),
            ship_from=body.ship_from.to_domain() if body.ship_from else None,
            label_owner=body.label_owner,
            prep_owner=body.prep_owner,
            box=body.box.to_domain() if body.box else None,
            requested_at=aggregates.clock.now(),
        )
        decision = request_save(command, state, destination, source)
        aggregates.save(
            event_context(caller, aggregates.clock),
            decision,
            {(PO.value, purchase_order_id): order.version},
        )
        job = fold(decision[(JOB.value, job_id)])
        assert job is not None
        return job

    job = with_retries(attempt)
    try:
        queue.submit(JobMessage(tenant_id=caller.tenant_id, job_id=job_id))
    except Exception as error:
        _release(aggregates, caller, job)
        raise ApiError(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "not_queued",
            "the job could not be queued, so nothing was sent to Amazon and the order is as it "
            "was: save again",
        ) from error
    return job


def save_transfer_order(
    aggregates: Aggregates,
    queue: JobQueue,
    caller: Caller,
    transfer_order_id: str,
    body: SaveToAmazonRequest,
) -> AmazonJob:
    transfer = aggregates.load(caller.tenant_id, StreamKind.TRANSFER_ORDER, transfer_order_id)
    if transfer.state is None:
        raise NotFound(f"transfer order {transfer_order_id} not found")
    return save_purchase_order(aggregates, queue, caller, transfer.state.purchase_order_id, body)


def _source_of(aggregates: Aggregates, tenant: str, order: PurchaseOrder) -> str | None:
    """The warehouse the units leave from: a transfer's source (None: a vendor's order)."""
    if order.transfer_order_id is None:
        return order.source_warehouse_id
    transfer = aggregates.load(tenant, StreamKind.TRANSFER_ORDER, order.transfer_order_id).state
    return transfer.source_warehouse_id if transfer is not None else None


def job_of(aggregates: Aggregates, caller: Caller, job_id: str) -> AmazonJob:
    job = aggregates.load(caller.tenant_id, StreamKind.AMAZON_JOB, job_id).state
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def _release(aggregates: Aggregates, caller: Caller, job: AmazonJob) -> None:
    def attempt() -> None:
        loaded = aggregates.load(caller.tenant_id, JOB, job.job_id)
        order = aggregates.load(caller.tenant_id, PO, job.request.purchase_order_id)
        state: PurchaseOrder | None = order.state
        assert loaded.state is not None and state is not None
        failed = AmazonJobFailed(
            job_id=job.job_id,
            code="not_queued",
            message="the job could not be queued; nothing was sent to Amazon: save again",
            at=aggregates.clock.now(),
        )
        aggregates.save(
            event_context(caller, aggregates.clock),
            fail_save(loaded.state, state, failed, []),
            {
                (JOB.value, job.job_id): loaded.version,
                (PO.value, state.purchase_order_id): order.version,
            },
        )

    with_retries(attempt)
