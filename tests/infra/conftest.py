"""Synthesize the stack once per session: every infra test reads the same template."""

import importlib
import os
import threading

import pytest

from tests.infra.cfn import STAGE, Synthesized

# jsii starts Node.js on the first aws_cdk import (some test modules import it at collection):
# keep its Node.js version banners out of the test output.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.app import build
    from infra.nag import add_checks

    # cfn-lint takes seconds to import: do it while Node.js synthesizes (this thread then only
    # waits on jsii's pipe, leaving the interpreter free).
    preload = threading.Thread(target=importlib.import_module, args=("cfnlint.api",), daemon=True)
    preload.start()

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(context={"stage": STAGE}, analytics_reporting=False, outdir=str(outdir))
    stack = build(app)
    # Exactly what `cdk synth` runs: the synth fails on any unacknowledged cdk-nag finding.
    add_checks(app)
    template = Template.from_stack(stack)
    preload.join()
    return Synthesized(stack=stack, template=template, resources=template.to_json()["Resources"])
