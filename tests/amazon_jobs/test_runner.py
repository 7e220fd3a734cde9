"""The Save-to-Amazon job against the simulated Amazon (real sp_api client over HTTP) and moto:
the order saved as Amazon places it, one plan per order whatever dies when, Amazon's refusals,
failed operations and throttling ending in a clear outcome with nothing half-bound."""

from collections.abc import Iterator

import pytest

from domain.orders.purchase_order import PurchaseOrderStatus
from domain.save_to_amazon.job import AmazonJobFailed, Outcome, Step
from domain.streams import StreamKind
from functions.amazon_jobs import wiring
from functions.shared.adapters.aws_clients import AwsClients as FunctionClients
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.amazon_jobs.harness import Crash, JobWorld
from tests.sync.harness import AwsClients

pytestmark = pytest.mark.slow

LINES = {"SKU-A": 30, "SKU-B": 20, "SKU-C": 10}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=100) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        client.clear_faults()
        client.reset_calls()
        yield client
        client.clear_faults()


@pytest.fixture
def world(
    aws_env: None, moto_server: str, control: ControlClient, sim: SimulatedAmazon
) -> JobWorld:
    return JobWorld(AwsClients(moto_server), control, sim.url)


def shipments_at_amazon(world: JobWorld, fba_ids: tuple[str, ...]) -> dict[str, dict[str, int]]:
    return {
        fba: {i["sku"]: i["quantity_shipped"] for i in world.control.shipment(fba)["items"]}
        for fba in fba_ids
    }


def test_split_amazon_binds_every_shipment_of_the_cheapest_placement(world: JobWorld) -> None:
    world.control.set_placement_options(
        world.seller_id,
        [{"shipment_count": 3, "fee": 10}, {"shipment_count": 1, "fee": 60}],
    )
    transfer_id, po_id = world.transfer(LINES)

    job_id = world.save_transfer(transfer_id)
    assert len(world.queued()) == 1  # the API queued it
    world.run(job_id)

    job = world.job(job_id)
    assert job.outcome is Outcome.SUCCEEDED, job.failure
    assert len(job.bound) == 3 and {o.shipment_count for o in job.offered} == {1, 3}
    order = world.order(po_id)
    assert set(order.shipment_ids) == set(job.bound)
    assert order.locked and order.saving_job_id is None
    # Every unit of the order is on exactly one of Amazon's shipments.
    placed = shipments_at_amazon(world, job.bound)
    for sku, quantity in LINES.items():
        assert sum(lines.get(sku, 0) for lines in placed.values()) == quantity
    # Each shipment's record is bound to the order: the next sync follows it, imports nothing.
    for fba in job.bound:
        shipment = world.aggregates.load(world.tenant_id, StreamKind.SHIPMENT, fba).state
        assert shipment is not None and shipment.reconciliation is not None
        assert shipment.reconciliation.purchase_order_id == po_id
        assert shipment.reconciliation.transfer_order_id == transfer_id
    assert world.creates() == 1 and len(world.plans()) == 1


def test_split_none_with_a_single_shipment_option_makes_one_shipment(world: JobWorld) -> None:
    _, po_id = world.transfer(LINES)

    job_id = world.save_order(po_id, split="none")
    world.run(job_id)

    job = world.job(job_id)
    assert job.outcome is Outcome.SUCCEEDED, job.failure
    assert len(job.bound) == 1
    assert world.order(po_id).shipment_ids == job.bound


def test_split_none_without_a_single_shipment_option_fails_and_cancels_the_plan(
    world: JobWorld,
) -> None:
    world.control.set_placement_options(
        world.seller_id, [{"shipment_count": 2, "fee": 0}, {"shipment_count": 3, "fee": 5}]
    )
    _, po_id = world.transfer(LINES)

    job_id = world.save_order(po_id, split="none")
    world.run(job_id)

    job = world.job(job_id)
    assert job.outcome is Outcome.FAILED and job.failure is not None
    assert job.failure.code == "placement_requires_split"
    assert "2 shipments, fee 0" in job.failure.message
    assert "3 shipments, fee 5" in job.failure.message
    assert job.plan_cancelled and not job.bound
    (plan,) = world.plans()
    assert plan["status"] == "VOIDED"
    order = world.order(po_id)
    assert order.status is PurchaseOrderStatus.OPEN
    assert not order.locked and order.saving_job_id is None  # editable again


def test_a_failed_operation_ends_the_job_with_amazons_problems_and_nothing_bound(
    world: JobWorld,
) -> None:
    world.control.fail_next_operation(world.seller_id, "confirmPlacementOption")
    _, po_id = world.transfer(LINES)

    job_id = world.save_order(po_id)
    world.run(job_id)

    job = world.job(job_id)
    assert job.outcome is Outcome.FAILED and job.failure is not None
    assert job.failure.code == "amazon_operation_failed"
    assert job.failure.step is Step.CONFIRM_PLACEMENT
    assert "Something went wrong" in job.failure.message
    assert job.plan_cancelled and not job.shipments and not job.bound
    order = world.order(po_id)
    assert not order.shipment_ids and order.saving_job_id is None


def test_throttling_is_waited_out(world: JobWorld) -> None:
    for operation in ("createInboundPlan", "generatePlacementOptions", "getInboundOperationStatus"):
        world.control.inject_fault(operation, 429, count=2)
    _, po_id = world.transfer(LINES)

    job_id = world.save_order(po_id)
    world.run(job_id)

    assert world.job(job_id).outcome is Outcome.SUCCEEDED
    calls = world.control.calls()
    assert calls["createInboundPlan"] == {"served": 1, "throttled": 0, "faulted": 2}
    assert calls["generatePlacementOptions"]["faulted"] == 2


@pytest.mark.parametrize(
    "crash_after",
    [
        "create_plan",
        "generate_packing_options",
        "confirm_packing_option",
        "set_packing_information",
        "generate_placement_options",
        "confirm_placement_option",
        "plan_shipments",
        "operation",
    ],
)
def test_a_run_dying_after_any_call_resumes_with_one_plan(
    world: JobWorld, crash_after: str
) -> None:
    world.control.set_placement_options(world.seller_id, [{"shipment_count": 2, "fee": 0}])
    _, po_id = world.transfer(LINES)
    job_id = world.save_order(po_id)

    crashing, made = world.crashing_runner(crash_after)
    with pytest.raises(Crash):
        world.run(job_id, crashing)
    assert made and made[0].crashed
    world.run(job_id)

    job = world.job(job_id)
    assert job.outcome is Outcome.SUCCEEDED, job.failure
    assert world.creates() == 1 and len(world.plans()) == 1
    assert len(job.bound) == 2
    assert set(world.order(po_id).shipment_ids) == set(job.bound)


def test_a_job_delivered_twice_runs_once(world: JobWorld) -> None:
    _, po_id = world.transfer(LINES)
    job_id = world.save_order(po_id)

    world.run(job_id)
    world.run(job_id)  # the message again, after the job ended

    assert world.job(job_id).outcome is Outcome.SUCCEEDED
    assert world.creates() == 1


def test_a_message_for_a_job_that_ended_builds_no_sqs_or_secrets_client(world: JobWorld) -> None:
    _, po_id = world.transfer(LINES)
    job_id = world.save_order(po_id)
    world.run(job_id)
    clients = FunctionClients(dynamodb=world.aws.dynamodb)  # any other: built on first use
    deps = wiring.build(world.settings, clients, clock=world.clock)

    assert world.run(job_id, deps.runner) == 1

    assert clients.built() == {"dynamodb"}
    assert world.creates() == 1


def test_a_job_that_cannot_be_queued_fails_at_once_and_frees_the_order(world: JobWorld) -> None:
    from functions.api.commands.save_to_amazon import save_purchase_order
    from functions.api.errors import ApiError
    from functions.api.models.amazon_jobs import SaveToAmazonRequest
    from functions.shared.adapters.job_queue import JobQueue

    _, po_id = world.transfer(LINES)
    missing = JobQueue(lambda: world.aws.sqs, f"{world.queue.url}-missing")
    request = SaveToAmazonRequest.model_validate(
        {"split": "amazon", "label_owner": "SELLER", "prep_owner": "NONE"}
    )

    with pytest.raises(ApiError) as refused:
        save_purchase_order(world.aggregates, missing, world._caller(), po_id, request)

    assert (refused.value.status, refused.value.code) == (503, "not_queued")
    order = world.order(po_id)
    assert order.saving_job_id is None and not order.locked
    jobs = [e for e in world.store.read_all() if e.stream_id.kind is StreamKind.AMAZON_JOB]
    assert [e.type for e in jobs] == ["AmazonJobRequested", "AmazonJobFailed"]
    failed = jobs[-1].event
    assert isinstance(failed, AmazonJobFailed) and failed.code == "not_queued"
    assert world.creates() == 0


def test_credentials_gone_fail_the_job_and_free_the_order(world: JobWorld) -> None:
    _, po_id = world.transfer(LINES)
    job_id = world.save_order(po_id)
    crashing, _ = world.crashing_runner("create_plan")
    with pytest.raises(Crash):
        world.run(job_id, crashing)  # a plan exists at Amazon now
    world.aws.secrets.delete_secret(
        SecretId=f"{world.token_prefix}{world.tenant_id}/{world.connection_id}",
        ForceDeleteWithoutRecovery=True,
    )

    runs = world.run(job_id, world.crashing_runner("never")[0])  # fresh credentials cache

    job = world.job(job_id)
    assert runs == 1
    assert job.outcome is Outcome.FAILED and job.failure is not None
    assert job.failure.code == "authorization_lost"
    assert not job.plan_cancelled  # nothing can cancel it without the seller's grant
    order = world.order(po_id)
    assert order.saving_job_id is None and not order.locked
