"""Running a Save-to-Amazon job: until it ends, or has to wait (for an operation, for Amazon's
rate, for this invocation's time), which the caller turns into a delayed message.

A message for a job that needs nothing more (done, or unknown) ends after one read; the steps
themselves, and Amazon's clients, are loaded only for a job with work left
(`functions.amazon_jobs.steps`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.save_to_amazon import job as j
from domain.streams import StreamKind
from functions.amazon_jobs.session import AmazonSession
from functions.connection_state.placing import PlacingJobs
from functions.shared.aggregates import Aggregates

JOB = StreamKind.AMAZON_JOB


@dataclass(frozen=True)
class JobTuning:
    # Amazon's operations take a second or more: the first look is after this long, the next
    # ones half as long again each time, up to the max.
    first_poll_seconds: float = 1.0
    max_poll_seconds: float = 8.0
    margin_seconds: float = 15.0  # a run stops this long before its invocation's end
    throttled_seconds: float = 1.0  # after a 429: Amazon's rate for these calls is 2/s
    max_unavailable: int = 4  # 5xx or network failures in a row before the run waits
    unavailable_seconds: int = 30
    max_refused_resumes: int = 5  # a resumed call refused this often: the job fails
    max_age: timedelta = timedelta(hours=6)  # an unfinished job this old fails


class JobRunner:
    def __init__(
        self,
        aggregates: Aggregates,
        open_session: Callable[[str, str], AmazonSession],
        placing: PlacingJobs,
        tuning: JobTuning | None = None,
        sleep: Callable[[float], None] = lambda _: None,
    ) -> None:
        self.aggregates = aggregates
        self.open_session = open_session
        self.placing = placing
        self.tuning = tuning or JobTuning()
        self.sleep = sleep

    def run(self, tenant_id: str, job_id: str, remaining_ms: Callable[[], int]) -> int | None:
        """Work on the job until it ends (None) or must wait: the seconds until it should run
        again (the caller queues it with that delay)."""
        first = self.aggregates.load(tenant_id, JOB, job_id).state
        if first is None or j.next_action(first) == j.Done():
            if first is not None:
                self.placing.end(tenant_id, first.request.connection_id, job_id)
            return None
        from functions.amazon_jobs.steps import work

        return work(self, tenant_id, first, remaining_ms)
