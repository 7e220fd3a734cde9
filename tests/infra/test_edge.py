"""Limits at the edge: a regional WAF web ACL on the API's stage, with a rate limit per caller
identity (the Authorization header), a higher one per IP, and AWS managed rule groups."""

from typing import Any

import pytest

from infra.constructs.edge import EdgeOptions
from tests.infra.cfn import STAGE, Synthesized, flat


def _web_acl(synth: Synthesized) -> dict[str, Any]:
    (acl,) = synth.of_type("AWS::WAFv2::WebACL").values()
    properties: dict[str, Any] = acl["Properties"]
    return properties


def _rules(synth: Synthesized) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in _web_acl(synth)["Rules"]}


def test_a_regional_web_acl_allows_by_default_with_metrics_and_samples(
    synth: Synthesized,
) -> None:
    acl = _web_acl(synth)

    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    for visibility in [acl["VisibilityConfig"], *(r["VisibilityConfig"] for r in acl["Rules"])]:
        assert visibility["CloudWatchMetricsEnabled"] is True
        assert visibility["SampledRequestsEnabled"] is True


def test_the_web_acl_is_associated_with_the_api_stage(synth: Synthesized) -> None:
    (association,) = synth.of_type("AWS::WAFv2::WebACLAssociation").values()
    api = synth.logical_id(synth.stack.api.rest_api)
    stage = synth.logical_id(synth.stack.api.rest_api.deployment_stage)

    assert association["Properties"]["WebACLArn"] == {
        "Fn::GetAtt": [synth.logical_id(synth.stack.edge.web_acl), "Arn"]
    }
    assert flat(association["Properties"]["ResourceArn"]) == (
        f"arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/<{api}>/stages/<{stage}>"
    )


def test_each_identity_is_rate_limited_on_its_authorization_header(synth: Synthesized) -> None:
    rule = _rules(synth)["PerIdentityRate"]
    statement = rule["Statement"]["RateBasedStatement"]

    assert statement["AggregateKeyType"] == "CUSTOM_KEYS"
    assert statement["CustomKeys"] == [
        {
            "Header": {
                "Name": "Authorization",
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
            }
        }
    ]
    assert statement["Limit"] == EdgeOptions().identity_limit == 2_000
    assert statement["EvaluationWindowSec"] == 300
    assert rule["Action"] == {"Block": {"CustomResponse": {"ResponseCode": 429}}}


def test_each_ip_is_rate_limited_higher_than_an_identity(synth: Synthesized) -> None:
    rules = _rules(synth)
    per_ip = rules["PerIpRate"]["Statement"]["RateBasedStatement"]
    per_identity = rules["PerIdentityRate"]["Statement"]["RateBasedStatement"]

    assert per_ip["AggregateKeyType"] == "IP"
    assert per_ip["Limit"] > per_identity["Limit"]
    assert rules["PerIpRate"]["Action"] == {"Block": {"CustomResponse": {"ResponseCode": 429}}}


def test_the_aws_managed_rule_groups_apply_counting_only_large_bodies(synth: Synthesized) -> None:
    groups = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in _web_acl(synth)["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }

    assert set(groups) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    overrides = {
        name: rule["Statement"]["ManagedRuleGroupStatement"].get("RuleActionOverrides", [])
        for name, rule in groups.items()
    }
    # A stock count of 500 lines is about 65 KB; SizeRestrictions_BODY blocks over 8 KB.
    assert overrides == {
        "AWSManagedRulesCommonRuleSet": [
            {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
        ],
        "AWSManagedRulesKnownBadInputsRuleSet": [],
        "AWSManagedRulesAmazonIpReputationList": [],
    }
    assert all(rule["OverrideAction"] == {"None": {}} for rule in groups.values())


def test_rule_priorities_are_distinct(synth: Synthesized) -> None:
    priorities = [rule["Priority"] for rule in _web_acl(synth)["Rules"]]

    assert len(set(priorities)) == len(priorities) == 5


def test_waf_logs_keep_only_what_a_rule_acted_on_without_tokens(synth: Synthesized) -> None:
    (logging,) = synth.of_type("AWS::WAFv2::LoggingConfiguration").values()
    properties = logging["Properties"]
    log_group = synth.resource(synth.stack.edge.log_group)["Properties"]
    name = f"aws-waf-logs-fba-inbound-{STAGE}"

    assert log_group["LogGroupName"] == name
    assert log_group["RetentionInDays"] == 30
    # WAF wants the log group ARN without CloudFormation's trailing ":*".
    assert [flat(d) for d in properties["LogDestinationConfigs"]] == [
        f"arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:{name}"
    ]
    assert properties["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]
    assert properties["LoggingFilter"]["DefaultBehavior"] == "DROP"


def test_stage_context_sets_the_limits() -> None:
    from aws_cdk import App

    from infra.stack import StageConfig

    app = App(context={"waf_identity_limit": "500", "waf_ip_limit": "5000"})
    config = StageConfig.from_context(app.node)

    assert config.edge == EdgeOptions(identity_limit=500, ip_limit=5_000)


@pytest.mark.parametrize(("identity", "ip"), [(5, 1_000), (1_000, 500)])
def test_limits_outside_waf_bounds_or_inverted_are_refused(identity: int, ip: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        EdgeOptions(identity_limit=identity, ip_limit=ip)
