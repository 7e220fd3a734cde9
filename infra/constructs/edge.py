"""Limits at the edge: a WAFv2 web ACL (REGIONAL) on the REST API's stage.

Rules, in the order WAF evaluates them:

1. `AmazonIpReputation` (AWS managed): addresses Amazon's threat intelligence lists as bots,
   scanners and malware hosts, blocked before anything else counts them.
2. `PerIpRate` (rate-based, aggregate key IP): a ceiling per source address, well above one
   user's, since an office or a mobile carrier puts many users behind one address. It also
   covers what the identity rule cannot key on: requests without an `Authorization` header
   (the public documentation, and junk).
3. `PerIdentityRate` (rate-based, custom key: the `Authorization` header): a limit per caller.
   The header carries the Cognito ID token, which identifies the signed-in user and carries the
   tenant as its `custom:tenant_id` claim; WAF cannot decode a token, so it counts per token
   value: per user session, a new sign-in or token refresh starting a new count. A tenant with
   several users gets the limit once per session; the per-IP rule and the stage's throttling
   bound the whole. A request without the header is not counted here (WAF does not apply a
   rate rule to a request that lacks its aggregation key): the IP rule counts it.
4. `CommonRuleSet` (AWS managed, OWASP-style checks), with one rule counted instead of blocked:
   `SizeRestrictions_BODY` blocks any body over 8 KB, and a legitimate stock count (up to 500
   lines of a 100-character SKU and a quantity) is about 65 KB. Bodies are bounded by the API's
   own models instead (`functions/api/models/`), and by API Gateway's 10 MB.
5. `KnownBadInputs` (AWS managed): request patterns of known exploits (Log4j, Java
   deserialization, ...).

Over a limit, a caller gets 429 (the rate rules' custom response), not WAF's default 403. Every
rule publishes CloudWatch metrics and sampled requests. WAF logs go to a log group named
`aws-waf-logs-...` (WAF requires the prefix), keep only requests a rule blocked or counted, and
redact the `Authorization` header: a log must never hold a usable token.
"""

from dataclasses import dataclass

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

IDENTITY_HEADER = "Authorization"
RATE_WINDOW_SECONDS = 300  # WAF's rate limits count over this window
TOO_MANY_REQUESTS = 429
# Rules of the common rule set counted instead of blocked (see above).
COMMON_RULES_COUNTED = ("SizeRestrictions_BODY",)


@dataclass(frozen=True)
class EdgeOptions:
    """Requests per caller per five minutes (WAF's window); context `waf_identity_limit` and
    `waf_ip_limit` override them per stage."""

    identity_limit: int = 2_000  # about 6.7 requests/s sustained per signed-in user
    ip_limit: int = 10_000  # per source address: several users behind one NAT

    def __post_init__(self) -> None:
        for name, limit in (("identity", self.identity_limit), ("ip", self.ip_limit)):
            if not 10 <= limit <= 2_000_000_000:  # WAF's bounds for a rate-based rule
                raise ValueError(f"WAF {name} limit must be 10..2,000,000,000, got {limit}")
        if self.ip_limit < self.identity_limit:
            raise ValueError("the per-IP limit must not be below the per-identity limit")


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=True,
    )


def _rate_rule(
    name: str, priority: int, statement: wafv2.CfnWebACL.RateBasedStatementProperty
) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=TOO_MANY_REQUESTS
                )
            )
        ),
        statement=wafv2.CfnWebACL.StatementProperty(rate_based_statement=statement),
        visibility_config=_visibility(name),
    )


def _managed_rule(
    name: str, priority: int, group: str, counted: tuple[str, ...] = ()
) -> wafv2.CfnWebACL.RuleProperty:
    overrides = [
        wafv2.CfnWebACL.RuleActionOverrideProperty(
            name=rule,
            action_to_use=wafv2.CfnWebACL.RuleActionProperty(
                count=wafv2.CfnWebACL.CountActionProperty()
            ),
        )
        for rule in counted
    ]
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=group, rule_action_overrides=overrides or None
            )
        ),
        visibility_config=_visibility(name),
    )


class Edge(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: apigw.Stage,
        name_prefix: str,
        options: EdgeOptions,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        per_ip = wafv2.CfnWebACL.RateBasedStatementProperty(
            aggregate_key_type="IP",
            limit=options.ip_limit,
            evaluation_window_sec=RATE_WINDOW_SECONDS,
        )
        per_identity = wafv2.CfnWebACL.RateBasedStatementProperty(
            aggregate_key_type="CUSTOM_KEYS",
            custom_keys=[
                wafv2.CfnWebACL.RateBasedStatementCustomKeyProperty(
                    header=wafv2.CfnWebACL.RateLimitHeaderProperty(
                        name=IDENTITY_HEADER,
                        text_transformations=[
                            wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
                        ],
                    )
                )
            ],
            limit=options.identity_limit,
            evaluation_window_sec=RATE_WINDOW_SECONDS,
        )
        rules = [  # in evaluation order (the module's docstring)
            _managed_rule("AmazonIpReputation", 0, "AWSManagedRulesAmazonIpReputationList"),
            _rate_rule("PerIpRate", 1, per_ip),
            _rate_rule("PerIdentityRate", 2, per_identity),
            _managed_rule("CommonRuleSet", 3, "AWSManagedRulesCommonRuleSet", COMMON_RULES_COUNTED),
            _managed_rule("KnownBadInputs", 4, "AWSManagedRulesKnownBadInputsRuleSet"),
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            description=f"{name_prefix}: per-identity and per-IP rate limits, AWS managed rules",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(
                allow=wafv2.CfnWebACL.AllowActionProperty()
            ),
            rules=rules,
            visibility_config=_visibility(f"{name_prefix}-api"),
        )
        # The stage ARN refers to the stage resource, so the stage exists before the association.
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
        self._log(name_prefix, log_retention)

    def _log(self, name_prefix: str, retention: logs.RetentionDays) -> None:
        name = f"aws-waf-logs-{name_prefix}"
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=name,
            retention=retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # WAF wants the log group's ARN without the ":*" that CloudFormation's Arn attribute
        # ends with. WAF adds the log group's resource policy for its log delivery itself.
        arn = Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.logging = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[arn],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": IDENTITY_HEADER.lower()}
                )
            ],
            logging_filter={
                "DefaultBehavior": "DROP",
                "Filters": [
                    {
                        "Behavior": "KEEP",
                        "Requirement": "MEETS_ANY",
                        "Conditions": [
                            {"ActionCondition": {"Action": "BLOCK"}},
                            {"ActionCondition": {"Action": "COUNT"}},
                        ],
                    }
                ],
            },
        )
        self.logging.node.add_dependency(self.log_group)
