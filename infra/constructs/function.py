"""The one way we make a Lambda function: arm64 Python, Powertools settings, X-Ray, its own log
group with a retention, and its own role that starts with nothing but writing its logs.

Every other grant is added by the capability construct that owns the function, one resource at
a time, so a role says exactly what its function may touch.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from pydantic import BaseModel

from infra.build_asset import LAMBDA_PYTHON_VERSION

# Must match the wheels the asset was built with (infra/build_asset.py: cp312, aarch64).
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
if RUNTIME.name != f"python{LAMBDA_PYTHON_VERSION}":
    raise RuntimeError(f"{RUNTIME.name} cannot load wheels built for {LAMBDA_PYTHON_VERSION}")


@dataclass(frozen=True)
class PowertoolsSettings:
    """What every function's Powertools reads from the environment."""

    metrics_namespace: str
    log_level: str = "INFO"
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH


@dataclass(frozen=True)
class FunctionSpec:
    service: str  # POWERTOOLS_SERVICE_NAME, and the construct's name in logs and metrics
    handler: str
    description: str
    memory_mb: int = 256
    timeout: Duration = field(default_factory=lambda: Duration.seconds(30))
    environment: Mapping[str, str] = field(default_factory=dict)


class ServiceFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: FunctionSpec,
        code: lambda_.Code,
        powertools: PowertoolsSettings,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        # A role of its own instead of CDK's default, which attaches the managed
        # AWSLambdaBasicExecutionRole policy (log writes to every log group in the account).
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{spec.service}: only the grants its function needs",
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=powertools.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code,
            handler=spec.handler,
            description=spec.description,
            memory_size=spec.memory_mb,
            timeout=spec.timeout,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                "POWERTOOLS_SERVICE_NAME": spec.service,
                "POWERTOOLS_METRICS_NAMESPACE": powertools.metrics_namespace,
                "LOG_LEVEL": powertools.log_level,
                **spec.environment,
            },
        )


def environment_for(settings: type[BaseModel], available: Mapping[str, str]) -> dict[str, str]:
    """The variables the function's settings model requires (a missing one fails synth, not the
    function's cold start), and the optional ones the stack sets."""
    fields = settings.model_fields.values()
    names = [f.alias for f in fields if f.alias and (f.is_required() or f.alias in available)]
    missing = [name for name in names if name not in available]
    if missing:
        raise KeyError(f"{settings.__name__} needs {missing}, which the stack does not provide")
    return {name: available[name] for name in names}
