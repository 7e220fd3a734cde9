"""The API: every method behind the Cognito authorizer but the documentation, which API Gateway
serves from S3; tenants fixed at user creation, throttled, with access logs naming user and
tenant."""

import json
from pathlib import Path
from typing import Any

from tests.infra.cfn import STAGE, Synthesized, flat


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
    ]  # the OpenAPI document and its Swagger UI only, served without the function (below)
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


def _public_methods(synth: Synthesized) -> dict[str, dict[str, Any]]:
    """Path part of each public method's resource -> the method's properties."""
    resources = synth.of_type("AWS::ApiGateway::Resource")
    return {
        resources[m["Properties"]["ResourceId"]["Ref"]]["Properties"]["PathPart"]: m["Properties"]
        for m in synth.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["AuthorizationType"] == "NONE"
    }


def test_the_documentation_is_read_from_s3_by_api_gateway_not_the_function(
    synth: Synthesized,
) -> None:
    docs = synth.stack.api.docs
    handler = synth.logical_id(synth.stack.api.handler.function)
    bucket = f"<{synth.logical_id(docs.bucket)}>"
    methods = _public_methods(synth)

    assert set(methods) == {"openapi.json", "docs"}
    for path, key, content_type in (
        ("openapi.json", "openapi.json", "application/json"),
        ("docs", "docs.html", "text/html; charset=utf-8"),
    ):
        integration = methods[path]["Integration"]
        assert methods[path]["HttpMethod"] == "GET"
        assert integration["Type"] == "AWS"  # an AWS service (S3), not AWS_PROXY (Lambda)
        assert handler not in json.dumps(integration)
        assert flat(integration["Uri"]).endswith(f":s3:path/{bucket}/{key}")
        assert integration["IntegrationHttpMethod"] == "GET"
        assert integration["Credentials"] == {"Fn::GetAtt": [synth.logical_id(docs.reader), "Arn"]}
        ok = next(r for r in integration["IntegrationResponses"] if r["StatusCode"] == "200")
        headers = ok["ResponseParameters"]
        assert headers["method.response.header.Content-Type"] == f"'{content_type}'"


def _staged(synth: Synthesized) -> dict[str, str]:
    """The objects the docs deployment copies to the bucket, as synth staged them."""
    (deployment,) = synth.of_type("Custom::CDKBucketDeployment").values()
    outdir = Path(synth.stack.node.root.outdir)
    files: dict[str, str] = {}
    for key in deployment["Properties"]["SourceObjectKeys"]:
        asset = outdir / f"asset.{key.removesuffix('.zip')}"
        files |= {f.name: f.read_text(encoding="utf-8") for f in asset.iterdir()}
    return files


def test_the_documents_deployed_are_what_the_api_code_generates(synth: Synthesized) -> None:
    from functions.api.app import openapi_json, swagger_ui
    from functions.api.handler import app

    staged = _staged(synth)
    (deployment,) = synth.of_type("Custom::CDKBucketDeployment").values()

    assert deployment["Properties"]["DestinationBucketName"] == {
        "Ref": synth.logical_id(synth.stack.api.docs.bucket)
    }
    assert staged == {"openapi.json": openapi_json(app), "docs.html": swagger_ui(app)}
    assert json.loads(staged["openapi.json"])["openapi"].startswith("3.")


def test_the_docs_bucket_is_private_and_tls_only(synth: Synthesized) -> None:
    bucket = synth.resource(synth.stack.api.docs.bucket)["Properties"]
    policy = next(
        p["Properties"]["PolicyDocument"]
        for p in synth.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": synth.logical_id(synth.stack.api.docs.bucket)}
    )

    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Statement"]
    )


def test_access_logs_name_the_cognito_user_and_the_tenant(synth: Synthesized) -> None:
    stage = synth.resource(synth.stack.api.rest_api.deployment_stage)["Properties"]
    log_format = stage["AccessLogSetting"]["Format"]
    fields = json.loads(log_format)  # one JSON object per request

    assert len(log_format.encode()) <= 3 * 1024  # API Gateway's limit for a format
    assert fields["sub"] == "$context.authorizer.claims.sub"
    assert fields["tenantId"] == "$context.authorizer.claims.custom:tenant_id"
    for standard in (
        "$context.requestId",
        "$context.identity.sourceIp",
        "$context.identity.caller",
        "$context.identity.user",
        "$context.requestTime",
        "$context.httpMethod",
        "$context.resourcePath",
        "$context.status",
        "$context.protocol",
        "$context.responseLength",
    ):
        assert standard in fields.values(), standard
    # Headers and bodies carry tokens, LWA codes and refresh tokens: never logged.
    assert "header" not in log_format
    assert "$input" not in log_format


def test_the_api_reads_its_cursor_key_from_a_generated_secret(synth: Synthesized) -> None:
    from functions.shared.settings import CURSOR_KEY_SECRET_ID

    key = synth.stack.api.cursor_key
    secret = synth.resource(key)["Properties"]
    variables = synth.resource(synth.stack.api.handler.function)["Properties"]["Environment"][
        "Variables"
    ]

    assert variables[CURSOR_KEY_SECRET_ID] == {"Ref": synth.logical_id(key)}
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
