"""The HTTPS API: API Gateway REST (Cognito authorizer) in front of one Lambda function."""
