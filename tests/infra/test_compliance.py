"""Security and template hygiene: cdk-nag's AwsSolutions pack, CDK's own annotations, cfn-lint."""

import json

from tests.infra.cfn import Synthesized

# cfn-lint rules we deliberately leave to CDK: W3005 flags the DependsOn CDK always adds from a
# function to its role (harmless, and CDK offers no switch for it).
CFN_LINT_IGNORED = ["W3005"]


def test_cdk_nag_aws_solutions_reports_nothing_unacknowledged(synth: Synthesized) -> None:
    from cdk_nag import AwsSolutionsChecks

    report = AwsSolutionsChecks().validate_scope(synth.stack)

    findings = [
        (v.rule_name, v.severity, [r.construct_path for r in v.violating_resources])
        for v in report.violations
    ]
    assert findings == []


def test_cdk_reports_no_warnings_or_errors(synth: Synthesized) -> None:
    from aws_cdk.assertions import Annotations, Match

    annotations = Annotations.from_stack(synth.stack)

    assert annotations.find_error("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.any_value()) == []


def test_every_acknowledgment_gives_a_reason(synth: Synthesized) -> None:
    from aws_cdk import Validations

    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    reasons = {
        rule: reason
        for construct in synth.stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == key
        for rule, reason in entry.data.items()
    }

    assert reasons, "no acknowledgments found: has the metadata key changed?"
    assert all(len(reason) >= 40 for reason in reasons.values())


def test_the_template_passes_cfn_lint(synth: Synthesized) -> None:
    from cfnlint.api import ManualArgs, lint

    matches = lint(
        json.dumps(synth.template.to_json()),
        config=ManualArgs(regions=["us-east-1"], ignore_checks=CFN_LINT_IGNORED),
    )

    assert [f"{m.rule.id} {m.message} at {m.path}" for m in matches] == []
