"""What a route receives besides its validated input: the caller, the adapters, and the
idempotent runner for commands.

The handler puts the caller (from the authorizer claims), the services (from the composition
root) and the Lambda context in the resolver's context for each request; routes declare what
they need with Depends.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import Request
from aws_lambda_powertools.event_handler.depends import Depends
from pydantic import BaseModel

from functions.api.auth import Caller
from functions.api.wiring import Services

CALLER = "caller"
SERVICES = "services"
LAMBDA_CONTEXT = "lambda_context"
M = TypeVar("M", bound=BaseModel)


def current_caller(request: Request) -> Caller:
    caller = request.context.get(CALLER)
    assert isinstance(caller, Caller), "the handler lets no request without a caller through"
    return caller


def current_services(request: Request) -> Services:
    services = request.context[SERVICES]
    assert isinstance(services, Services)
    return services


@dataclass(frozen=True)
class Once:
    """Runs a command at most once per Idempotency-Key, keyed on (tenant, route, key) and
    compared on the validated body plus the path ids."""

    services: Services
    tenant_id: str
    operation: str
    path_ids: Mapping[str, str]
    lambda_context: Any

    def __call__(
        self,
        key: str | None,
        body: Mapping[str, Any],
        execute: Callable[[], M],
        response_type: type[M],
    ) -> M:
        return self.services.idempotency.run(
            tenant_id=self.tenant_id,
            operation=self.operation,
            key=key,
            payload={"path": dict(self.path_ids), "body": dict(body)},
            lambda_context=self.lambda_context,
            execute=execute,
            response_type=response_type,
        )


def once(request: Request) -> Once:
    return Once(
        services=current_services(request),
        tenant_id=current_caller(request).tenant_id,
        operation=f"{request.method} {request.route}",
        path_ids={k: str(v) for k, v in request.path_parameters.items()},
        lambda_context=request.context.get(LAMBDA_CONTEXT),
    )


CallerDep = Annotated[Caller, Depends(current_caller)]
ServicesDep = Annotated[Services, Depends(current_services)]
OnceDep = Annotated[Once, Depends(once)]
