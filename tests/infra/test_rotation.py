"""The LWA client secret expires 180 days after Amazon issued it: an AWS Config rule tells the
alarm topic 30 days before."""

from typing import Any

from tests.infra.cfn import Synthesized


def _rule(synth: Synthesized) -> tuple[str, dict[str, Any]]:
    (item,) = synth.of_type("AWS::Config::ConfigRule").items()
    return item


def test_a_config_rule_checks_the_age_of_the_lwa_app_secret_only(synth: Synthesized) -> None:
    _, rule = _rule(synth)
    properties = rule["Properties"]

    assert properties["Source"] == {
        "Owner": "AWS",
        "SourceIdentifier": "SECRETSMANAGER_SECRET_PERIODIC_ROTATION",
    }
    assert properties["InputParameters"] == {"maxDaysSinceRotation": "150"}
    assert properties["MaximumExecutionFrequency"] == "TwentyFour_Hours"
    assert properties["Scope"] == {
        "ComplianceResourceId": {
            "Ref": synth.logical_id(synth.stack.backbone.credentials.lwa_app_secret)
        },
        "ComplianceResourceTypes": ["AWS::SecretsManager::Secret"],
    }


def test_non_compliance_notifies_the_alarm_topic(synth: Synthesized) -> None:
    rule_id, _ = _rule(synth)
    topic = {"Ref": synth.logical_id(synth.stack.observability.topic)}
    (notification,) = [
        r["Properties"]
        for r in synth.of_type("AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.config"]
    ]

    assert notification["EventPattern"]["detail-type"] == ["Config Rules Compliance Change"]
    assert notification["EventPattern"]["detail"] == {
        "configRuleName": [{"Ref": rule_id}],
        "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
    }
    assert [t["Arn"] for t in notification["Targets"]] == [topic]


def test_the_nag_acknowledgment_says_what_we_do_instead_of_rotation(synth: Synthesized) -> None:
    from aws_cdk import Validations

    secret = synth.stack.backbone.credentials.lwa_app_secret
    reasons = [
        reason
        for entry in secret.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
        if rule.endswith("AwsSolutions-SMG4")
    ]

    assert len(reasons) == 1
    assert "rotateApplicationClientSecret" in reasons[0]
    assert "AWS Config" in reasons[0]
    assert "cannot mint" not in reasons[0]
