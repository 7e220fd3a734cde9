"""Reading a synthesized template: references flattened the way cdk-nag prints them, and the
permissions of one function's role as (action, resource) pairs."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_cdk.assertions import Template

    from infra.stack import BackendStack

STAGE = "test"


@dataclass(frozen=True)
class Synthesized:
    stack: "BackendStack"
    template: "Template"
    resources: dict[str, dict[str, Any]]

    def logical_id(self, construct: Any) -> str:
        """The logical id of an L2 construct's CloudFormation resource (or of an L1 itself)."""
        resource = getattr(construct.node, "default_child", None) or construct
        return str(self.stack.resolve(self.stack.get_logical_id(resource)))

    def resource(self, construct: Any) -> dict[str, Any]:
        return self.resources[self.logical_id(construct)]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.resources.items() if r["Type"] == resource_type}


def flat(value: Any) -> str:
    """`{"Fn::GetAtt": ["Events", "Arn"]}` -> "<Events.Arn>", `{"Ref": "X"}` -> "<X>"."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        resource, attribute = value["Fn::GetAtt"]
        return f"<{resource}.{attribute}>"
    if "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        return str(delimiter).join(flat(part) for part in parts)
    raise ValueError(f"cannot flatten {value!r}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def permissions(synth: Synthesized, service_function: Any) -> set[tuple[str, str]]:
    """Every (action, resource) the function's role is allowed, from all its inline policies."""
    role = synth.logical_id(service_function.role)
    pairs: set[tuple[str, str]] = set()
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if {"Ref": role} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            for action in as_list(statement["Action"]):
                for resource in as_list(statement["Resource"]):
                    pairs.add((action, flat(resource)))
    return pairs


def touches(pairs: set[tuple[str, str]], resource: str) -> set[str]:
    """The actions allowed on one resource (exact flat ARN)."""
    return {action for action, on in pairs if on == resource}
