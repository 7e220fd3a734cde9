"""A warning before the LWA client secret expires.

Amazon expires an SP-API application's LWA client secret 180 days after it was issued; past
that, Login with Amazon refuses every token request and every sync stops. The secret can be
rotated (SP-API's Application Management API, `rotateApplicationClientSecret`), but the new
value is not in the call's answer: Amazon delivers it later, as an
`APPLICATION_OAUTH_CLIENT_NEW_SECRET` notification, to an SQS queue registered for the
application in the developer console. A Secrets Manager rotation function, which must produce
the new value itself within its invocation, cannot do that. So today an operator rotates (in
the developer console or with that call) and puts the new value into the LWA app secret
(infra/README.md, "LWA client secret rotation"); this construct makes sure someone is told in
time.

The mechanism: AWS Config's managed rule `secretsmanager-secret-periodic-rotation`, scoped to the
LWA app secret alone, with `maxDaysSinceRotation` = 150 ("the maximum number of days a secret can
remain unchanged"): it turns NON_COMPLIANT 30 days before Amazon's expiry, and the compliance
change goes through an EventBridge rule to the alarm topic. Config evaluates it daily. Why this
and not something else: Secrets Manager publishes no metric of a secret's age for a CloudWatch
alarm; `secretsmanager-secret-unused` watches reads, not age; a scheduled reminder (EventBridge
`rate(150 days)`) would count from its own creation, not from the secret's last change; a
scheduled function reading `LastChangedDate` is code to own for what Config already does.
What it needs and does not create: an AWS Config configuration recorder in the account and
region (one per region, an account-level setting, usually the platform's). It notifies once, on
the change to NON_COMPLIANT; updating the secret makes the rule compliant again. Not verifiable
offline, so check after the first deployment: the rule's compliance details list the secret
(Config identifies a secret by its ARN, which the scope names), and a value put by hand resets
its age (the rule's documented measure is how long a secret remains unchanged).

Follow-up, not built: full rotation. A function subscribed to
`APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY` (Amazon's warning of the expiry, to the same registered
queue) calls `rotateApplicationClientSecret` (grantless), and the consumer of
`APPLICATION_OAUTH_CLIENT_NEW_SECRET` writes the new value into this secret; the old value stays
valid until the expiry the notification carries, so readers pick the new one up within their
cache time (five minutes).
"""

from aws_cdk import aws_config as config
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

AMAZON_EXPIRY_DAYS = 180
WARNING_DAYS = 30
MAX_AGE_DAYS = AMAZON_EXPIRY_DAYS - WARNING_DAYS


class LwaClientSecretAge(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        secret: secretsmanager.ISecret,
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self.rule = config.ManagedRule(
            self,
            "Rule",
            identifier=config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_PERIODIC_ROTATION,
            description=(
                f"The LWA client secret must change every {AMAZON_EXPIRY_DAYS} days (Amazon "
                f"expires it): non-compliant {WARNING_DAYS} days before that"
            ),
            input_parameters={"maxDaysSinceRotation": str(MAX_AGE_DAYS)},
            maximum_execution_frequency=config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
            # Config identifies a secret by its ARN.
            rule_scope=config.RuleScope.from_resource(
                config.ResourceType.SECRETS_MANAGER_SECRET, secret.secret_arn
            ),
        )
        self.notification = self.rule.on_compliance_change(
            "NonCompliant",
            description="The LWA client secret is due for rotation",
            event_pattern=events.EventPattern(
                detail={"newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}}
            ),
            target=targets.SnsTopic(
                topic,
                message=events.RuleTargetInput.from_text(
                    f"The LWA client secret ({events.EventField.from_path('$.detail.resourceId')})"
                    f" has not changed for "
                    f"{MAX_AGE_DAYS} days; Amazon expires it at {AMAZON_EXPIRY_DAYS}. Rotate it "
                    "and put the new value into the secret (infra/README.md)."
                ),
            ),
        )
