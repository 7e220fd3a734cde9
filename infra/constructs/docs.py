"""The API's own documentation, served by API Gateway from S3: `GET /openapi.json` (the OpenAPI
document) and `GET /docs` (Swagger UI with the document inlined), public, and never an
invocation of the api function.

Both are generated at synth time by the api's own code (`functions.api.app.openapi_json` and
`swagger_ui`, what the function serves locally and what `python -m functions.api.openapi`
writes to the committed `openapi.json`), so what is deployed is what the deployed code answers.

Why S3 and not a mock integration: a mock integration answers from a mapping template, and API
Gateway caps a mapping template at 300 KB. The Swagger UI page is about 1.8 MB (Swagger UI's
JavaScript bundle alone is 1.5 MB), so it cannot be one; it would not even fit a CloudFormation
template (1 MB). The OpenAPI document (about 150 KB, 80 KB minified) would fit, but a mapping
template is Velocity, and the document is full of `$ref` and `#/components/...`; serving both
from one bucket written by one deployment keeps them in step. `BucketDeployment` copies the
two objects at deploy time (a CDK-provided function runs then, never per request); API Gateway
reads them with `s3:GetObject` on exactly these two keys through a role of its own.

The local runtime (`infra/local/`) keeps serving both from the function's own routes.
"""

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

OPENAPI_KEY = "openapi.json"
DOCS_KEY = "docs.html"
CACHE_CONTROL = "public, max-age=300"


@dataclass(frozen=True)
class Document:
    path: str  # the API resource, under the root
    key: str  # the object in the docs bucket
    content_type: str
    body: str


def generated_documents() -> tuple[Document, Document]:
    """The OpenAPI document and the Swagger UI page, from the api function's own code."""
    from functions.api.app import openapi_json, swagger_ui
    from functions.api.handler import app

    return (
        Document("openapi.json", OPENAPI_KEY, "application/json", openapi_json(app)),
        Document("docs", DOCS_KEY, "text/html; charset=utf-8", swagger_ui(app)),
    )


class ApiDocs(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rest_api: apigw.RestApi,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        self.documents = generated_documents()
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Rebuilt from the code on every deploy: nothing to keep.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            destination_bucket=self.bucket,
            sources=[s3deploy.Source.data(d.key, d.body) for d in self.documents],
            # Empty the bucket when the stack goes, so the bucket can go too.
            retain_on_delete=False,
            log_group=logs.LogGroup(
                self,
                "DeploymentLogs",
                retention=log_retention,
                removal_policy=RemovalPolicy.DESTROY,
            ),
        )
        self.reader = iam.Role(
            self,
            "Reader",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway reads the API's documentation objects, nothing else",
        )
        self.reader.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self.bucket.arn_for_objects(d.key) for d in self.documents],
            )
        )
        self.methods = [self._serve(rest_api, d) for d in self.documents]

    def _serve(self, rest_api: apigw.RestApi, document: Document) -> apigw.Method:
        headers = {
            "method.response.header.Content-Type": f"'{document.content_type}'",
            "method.response.header.Cache-Control": f"'{CACHE_CONTROL}'",
            "method.response.header.X-Content-Type-Options": "'nosniff'",
        }
        integration = apigw.AwsIntegration(
            service="s3",
            integration_http_method="GET",
            path=f"{self.bucket.bucket_name}/{document.key}",
            options=apigw.IntegrationOptions(
                credentials_role=self.reader,
                timeout=Duration.seconds(5),
                integration_responses=[
                    apigw.IntegrationResponse(status_code="200", response_parameters=headers),
                    # The object is ours and always there: anything else is our failure.
                    apigw.IntegrationResponse(
                        status_code="500",
                        selection_pattern=r"[45]\d{2}",
                        response_templates={
                            "application/json": '{"code": "docs_unavailable", '
                            '"message": "The API documentation could not be read"}'
                        },
                    ),
                ],
            ),
        )
        return rest_api.root.add_resource(document.path).add_method(
            "GET",
            integration,
            # The API's contract is public: the frontend's tooling reads it unauthenticated.
            authorization_type=apigw.AuthorizationType.NONE,
            method_responses=[
                apigw.MethodResponse(
                    status_code="200", response_parameters=dict.fromkeys(headers, True)
                ),
                apigw.MethodResponse(status_code="500"),
            ],
        )
