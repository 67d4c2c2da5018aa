import { Fn, TerraformStack } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamPolicy } from "@cdktf/provider-aws/lib/data-aws-iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoIdentityPool } from "@cdktf/provider-aws/lib/cognito-identity-pool";
import { CognitoIdentityPoolProviderPrincipalTag } from "@cdktf/provider-aws/lib/cognito-identity-pool-provider-principal-tag";
import { CognitoIdentityPoolRolesAttachment } from "@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { StackContext, defineLocal } from "./context";
import { countWhen, firstInstance } from "./count";

export const COGNITO_MODE = 'var.jupyter_hub_auth_mechanism == "cognito"';
export const S3_READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
/** nodejs18.x, the blueprint's runtime, can no longer be used to create or update functions. */
export const PRE_TOKEN_LAMBDA_RUNTIME = "nodejs22.x";

/**
 * The pre-token-generation trigger: every token gets the claim department=engineering. These
 * are the blueprint's bytes exactly (its `<<-EOF` heredoc in cognito.tf, indentation stripped,
 * the blank lines kept), so the archive's hash and the function's source_code_hash of an
 * adopted state stay the same.
 */
export const PRE_TOKEN_HANDLER =
  "export const handler = async (event) => {\n" +
  "    event.response = {\n" +
  "      claimsOverrideDetails: {\n" +
  "        claimsToAddOrOverride: {\n" +
  '          department: "engineering",\n' +
  "        },\n" +
  "      },\n" +
  "    };\n" +
  "\n" +
  "    return event;\n" +
  "};\n" +
  "\n";

export interface CognitoResources {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly identityPool: CognitoIdentityPool;
  /** `local.cognito_custom_domain`, the hosted UI's domain prefix. */
  readonly customDomain: string;
}

/**
 * cognito.tf: in cognito mode, a user pool with its hosted-UI domain and an OAuth client for
 * the hub, a pre-token Lambda that tags users with their department, an identity pool whose
 * authenticated role reads S3 under the department's prefix, and a test bucket.
 */
export function addCognito(stack: TerraformStack, { vars }: StackContext): CognitoResources {
  const count = countWhen(COGNITO_MODE);
  const cognitoCustomDomain = defineLocal(stack, "cognito_custom_domain", vars.cognitoCustomDomain.stringValue);

  const assumeRole = new DataAwsIamPolicyDocument(stack, "assume_role", {
    statement: [
      {
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com", "cognito-idp.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
      },
    ],
  });
  const lambdaExecutionPolicy = new DataAwsIamPolicy(stack, "lambda_execution_policy", {
    arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  });

  const lambdaRole = new IamRole(stack, "iam_for_lambda", {
    count,
    name: "iam_for_lambda",
    assumeRolePolicy: assumeRole.json,
  });
  new IamRolePolicyAttachment(stack, "lambda_policy_attachment", {
    count,
    role: firstInstance(lambdaRole, "name"),
    policyArn: lambdaExecutionPolicy.arn,
  });

  // Packaged inside the synthesized stack directory (the blueprint wrote /tmp/lambda.zip).
  const lambdaArchive = new DataArchiveFile(stack, "lambda", {
    type: "zip",
    outputPath: "${path.module}/lambda.zip",
    source: [{ filename: "index.mjs", content: PRE_TOKEN_HANDLER }],
  });

  const preTokenTrigger = new LambdaFunction(stack, "pretoken_trigger", {
    count,
    functionName: "pretoken-trigger-function",
    filename: lambdaArchive.outputPath,
    sourceCodeHash: lambdaArchive.outputBase64Sha256,
    runtime: PRE_TOKEN_LAMBDA_RUNTIME,
    handler: "index.handler",
    role: firstInstance(lambdaRole, "arn"),
  });

  const pool = new CognitoUserPool(stack, "pool", {
    count,
    name: "jupyterhub-userpool",
    usernameAttributes: ["email"],
    autoVerifiedAttributes: ["email"],
    passwordPolicy: { minimumLength: 6 },
    lambdaConfig: { preTokenGeneration: firstInstance(preTokenTrigger, "arn") },
  });

  const domain = new CognitoUserPoolDomain(stack, "domain", {
    count,
    domain: cognitoCustomDomain.asString,
    userPoolId: firstInstance(pool, "id"),
  });

  const client = new CognitoUserPoolClient(stack, "user_pool_client", {
    count,
    name: "jupyter-client",
    accessTokenValidity: 1,
    tokenValidityUnits: [{ accessToken: "days" }],
    callbackUrls: ["https://${var.jupyterhub_domain}/hub/oauth_callback"],
    userPoolId: firstInstance(pool, "id"),
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ["code"],
    allowedOauthScopes: ["openid", "email"],
    generateSecret: true,
    supportedIdentityProviders: ["COGNITO"],
    dependsOn: [domain],
  });

  const identityPool = new CognitoIdentityPool(stack, "identity_pool", {
    count,
    identityPoolName: "jupyterhub-identity-pool",
    allowUnauthenticatedIdentities: false,
    cognitoIdentityProviders: [
      {
        clientId: firstInstance(client, "id"),
        providerName: firstInstance(pool, "endpoint"),
        serverSideTokenCheck: true,
      },
    ],
    dependsOn: [client],
  });

  const bucket = new S3Bucket(stack, "jupyterhub_bucket", { count, bucketPrefix: "jupyterhub-test-bucket-" });
  for (const [id, key] of [
    ["engineering_object", "engineering/"],
    ["legal_object", "legal/"],
  ] as const) {
    new S3Object(stack, id, { count, bucket: firstInstance(bucket, "id"), key });
  }

  const engineeringRole = new IamRole(stack, "cognito_authenticated_engineering_role", {
    count,
    name: "EngineeringTeamRole",
    assumeRolePolicy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [
        {
          Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
          Effect: "Allow",
          Principal: { Federated: "cognito-identity.amazonaws.com" },
          Condition: {
            StringEquals: { "cognito-identity.amazonaws.com:aud": firstInstance(identityPool, "id") },
            "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
          },
        },
      ],
    }),
  });

  new IamRolePolicy(stack, "s3_cognito_engineering_policy", {
    count,
    name: "s3_cognito_engineering_policy",
    role: firstInstance(engineeringRole, "id"),
    // `$${...}` keeps the IAM policy variable literal: Terraform would read `${...}` as its own.
    policy: JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:List*"],
            Resource: "*",
            Condition: { StringEquals: { "s3:prefix": "$${aws:PrincipalTag/department}" } },
          },
        ],
      },
      null,
      2,
    ),
  });

  new CognitoIdentityPoolProviderPrincipalTag(stack, "example", {
    count,
    identityPoolId: firstInstance(identityPool, "id"),
    identityProviderName: firstInstance(pool, "endpoint"),
    useDefaults: false,
    principalTags: { department: "department" },
  });

  // The blueprint's aws_iam_policy_attachment is exclusive account-wide: it detached
  // AmazonS3ReadOnlyAccess from every other role (the notebooks' IRSA role among them).
  new IamRolePolicyAttachment(stack, "s3_readonly_policy_attachment", {
    count,
    role: firstInstance(engineeringRole, "name"),
    policyArn: S3_READ_ONLY_POLICY_ARN,
  });
  stack.addOverride("removed", [
    {
      from: "aws_iam_policy_attachment.s3_readonly_policy_attachment",
      lifecycle: { destroy: false },
    },
  ]);

  new CognitoIdentityPoolRolesAttachment(stack, "identity_pool_roles", {
    count,
    identityPoolId: firstInstance(identityPool, "id"),
    roles: { authenticated: firstInstance(engineeringRole, "arn") },
  });

  return { pool, client, identityPool, customDomain: cognitoCustomDomain.asString };
}
