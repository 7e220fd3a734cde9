"""The API: every method behind the Cognito authorizer, tenants fixed at user creation,
throttled, with access logs."""

from typing import Any

from tests.infra.cfn import STAGE, Synthesized


def _user_pool(synth: Synthesized) -> dict[str, Any]:
    properties: dict[str, Any] = synth.resource(synth.stack.api.user_pool)["Properties"]
    return properties


def test_users_carry_an_immutable_tenant_id(synth: Synthesized) -> None:
    schema = {a["Name"]: a for a in _user_pool(synth)["Schema"]}

    assert schema["tenant_id"]["AttributeDataType"] == "String"
    assert schema["tenant_id"]["Mutable"] is False


def test_only_administrators_create_users_and_mfa_is_required(synth: Synthesized) -> None:
    pool = _user_pool(synth)

    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["MfaConfiguration"] == "ON"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12


def test_the_app_client_cannot_write_the_tenant(synth: Synthesized) -> None:
    client = synth.resource(synth.stack.api.client)["Properties"]

    assert "custom:tenant_id" in client["ReadAttributes"]
    assert "custom:tenant_id" not in client["WriteAttributes"]
    assert "GenerateSecret" not in client or client["GenerateSecret"] is False


def test_every_method_needs_a_user_pool_token_and_proxies_to_the_api_function(
    synth: Synthesized,
) -> None:
    authorizers = synth.of_type("AWS::ApiGateway::Authorizer")
    (authorizer_id, authorizer), *_ = authorizers.items()
    handler = synth.logical_id(synth.stack.api.handler.function)
    methods = synth.of_type("AWS::ApiGateway::Method").values()

    assert len(authorizers) == 1
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["Properties"]["ProviderARNs"] == [
        {"Fn::GetAtt": [synth.logical_id(synth.stack.api.user_pool), "Arn"]}
    ]
    protected = [m for m in methods if m["Properties"]["HttpMethod"] == "ANY"]
    public = [m for m in methods if m["Properties"]["HttpMethod"] != "ANY"]
    assert len(protected) == 2  # ANY on / and ANY on /{proxy+}
    assert [
        (m["Properties"]["HttpMethod"], m["Properties"]["AuthorizationType"]) for m in public
    ] == [
        ("GET", "NONE"),
        ("GET", "NONE"),
    ]  # the OpenAPI document and its Swagger UI only
    for method in protected:
        properties = method["Properties"]
        assert properties["HttpMethod"] == "ANY"
        assert properties["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert properties["AuthorizerId"] == {"Ref": authorizer_id}
        assert "RequestValidatorId" in properties
        assert properties["Integration"]["Type"] == "AWS_PROXY"
        assert handler in str(properties["Integration"]["Uri"])


def test_the_stage_is_throttled_traced_and_access_logged_without_bodies(
    synth: Synthesized,
) -> None:
    stage = synth.resource(synth.stack.api.rest_api.deployment_stage)["Properties"]
    (settings,) = stage["MethodSettings"]

    assert stage["StageName"] == STAGE
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": [synth.logical_id(synth.stack.api.access_logs), "Arn"]
    }
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["DataTraceEnabled"] is False


def test_the_api_validates_requests(synth: Synthesized) -> None:
    (validator,) = synth.of_type("AWS::ApiGateway::RequestValidator").values()

    assert validator["Properties"]["ValidateRequestBody"] is True
    assert validator["Properties"]["ValidateRequestParameters"] is True
