"""A Save-to-Amazon job's doc: what its views are rendered from."""

from typing import Literal

from domain.save_to_amazon.job import AmazonJob
from functions.shared.views.docs import StreamDoc


class AmazonJobDoc(StreamDoc):
    """A Save-to-Amazon job: the doc only (the API reads jobs from the log itself)."""

    kind: Literal["amazon_job"] = "amazon_job"
    job: AmazonJob | None = None
