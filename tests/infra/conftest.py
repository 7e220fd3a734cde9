"""Synthesize the stack once per session: every infra test reads the same template."""

import os
from collections.abc import Iterator

import pytest

from tests.infra.cfn import STAGE, Synthesized

# jsii starts Node.js on the first aws_cdk import (some test modules import it at collection):
# keep its Node.js version banners out of the test output.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")


@pytest.fixture(scope="session")
def synth() -> Iterator[Synthesized]:
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.app import build
    from infra.nag import add_checks

    app = App(context={"stage": STAGE}, analytics_reporting=False)
    stack = build(app)
    # Exactly what `cdk synth` runs: the synth fails on any unacknowledged cdk-nag finding.
    add_checks(app)
    template = Template.from_stack(stack)
    yield Synthesized(stack=stack, template=template, resources=template.to_json()["Resources"])
