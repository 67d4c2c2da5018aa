/**
 * Mirrors the blueprint's cognito.tf: the Cognito user pool, hosted-UI domain and client, the
 * pre-token Lambda, the identity pool and its roles, and the department bucket, all counted by
 * the auth mode; also the names and password policy that differ from the blueprint's.
 */

import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CognitoIdentityPool } from "@cdktf/provider-aws/lib/cognito-identity-pool";
import { CognitoIdentityPoolProviderPrincipalTag } from "@cdktf/provider-aws/lib/cognito-identity-pool-provider-principal-tag";
import { CognitoIdentityPoolRolesAttachment } from "@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { DataAwsIamPolicy } from "@cdktf/provider-aws/lib/data-aws-iam-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Fn, Op, type TerraformStack } from "cdktf";
import {
  both,
  choose,
  concatLists,
  countWhen,
  departmentStatements,
  equalsValue,
  inModuleDirectory,
  notEqualsValue,
  oneBlockUnless,
  policyDocument,
  s3ReadGrantStatements,
} from "../../expressions";
import { defineLocal, type StackContext } from "./context";
import { firstInstance } from "./count";
import type { JupyterHubResources } from "./jupyterhub";
import { S3_READ_ONLY_POLICY_ARN } from "./s3-access";

/** The password policy of the user pool (the blueprint asked for 6 characters and nothing else). */
export const COGNITO_PASSWORD_POLICY = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
} as const;

/**
 * Names that must be unique in the account (IAM roles) or the region (Lambda functions). The
 * blueprint fixed them, so a second deployment in the same account collides. The `blueprint`
 * set keeps them (renaming an IAM role or a function replaces it); every other set prefixes
 * them with the stack's name and ignores later changes of the name, so that a blueprint
 * deployment upgraded to another set keeps its roles and function instead of replacing them.
 */
export const BLUEPRINT_GLOBAL_NAMES = {
  lambdaRole: "iam_for_lambda",
  function: "pretoken-trigger-function",
  engineeringRole: "EngineeringTeamRole",
} as const;
export const PREFIXED_NAME_SUFFIXES = {
  lambdaRole: "cognito-pretoken",
  function: "pretoken-trigger",
  engineeringRole: "cognito-engineering",
} as const;
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
 * the hub (administrators create the users unless `cognito_allow_self_signup`), a pre-token
 * Lambda that tags users with their department and the permission for Cognito to call it, an
 * identity pool whose authenticated role reads S3 under the department's prefix (and what
 * `notebook_s3_read_buckets` grants), and the department bucket.
 */
export function addCognito(
  stack: TerraformStack,
  { platform, vars, locals }: StackContext,
  hub: Pick<JupyterHubResources, "s3ReadGrants">,
): CognitoResources {
  const cognitoMode = equalsValue(vars.jupyterHubAuthMechanism.stringValue, "cognito");
  const count = countWhen(cognitoMode);
  const cognitoCustomDomain = defineLocal(stack, "cognito_custom_domain", vars.cognitoCustomDomain.stringValue);
  const keepBlueprintNames = platform.name === "blueprint";
  const globalName = (key: keyof typeof BLUEPRINT_GLOBAL_NAMES): string =>
    keepBlueprintNames ? BLUEPRINT_GLOBAL_NAMES[key] : `${locals.name.asString}-${PREFIXED_NAME_SUFFIXES[key]}`;
  const keepName = (attribute: string) => (keepBlueprintNames ? {} : { lifecycle: { ignoreChanges: [attribute] } });

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
    name: globalName("lambdaRole"),
    assumeRolePolicy: assumeRole.json,
    ...keepName("name"),
  });
  new IamRolePolicyAttachment(stack, "lambda_policy_attachment", {
    count,
    role: firstInstance(lambdaRole, "name"),
    policyArn: lambdaExecutionPolicy.arn,
  });

  // Packaged inside the synthesized stack directory (the blueprint wrote /tmp/lambda.zip).
  const lambdaArchive = new DataArchiveFile(stack, "lambda", {
    type: "zip",
    outputPath: inModuleDirectory("lambda.zip"),
    source: [{ filename: "index.mjs", content: PRE_TOKEN_HANDLER }],
  });

  const preTokenTrigger = new LambdaFunction(stack, "pretoken_trigger", {
    count,
    functionName: globalName("function"),
    filename: lambdaArchive.outputPath,
    sourceCodeHash: lambdaArchive.outputBase64Sha256,
    runtime: PRE_TOKEN_LAMBDA_RUNTIME,
    handler: "index.handler",
    role: firstInstance(lambdaRole, "arn"),
    ...keepName("function_name"),
  });

  const pool = new CognitoUserPool(stack, "pool", {
    count,
    name: "jupyterhub-userpool",
    usernameAttributes: ["email"],
    autoVerifiedAttributes: ["email"],
    // Only administrators create users (aws cognito-idp admin-create-user) unless the team opens sign-up.
    adminCreateUserConfig: { allowAdminCreateUserOnly: Op.not(vars.cognitoAllowSelfSignup.booleanValue) },
    passwordPolicy: { ...COGNITO_PASSWORD_POLICY },
    mfaConfiguration: vars.cognitoMfa.stringValue,
    lambdaConfig: { preTokenGeneration: firstInstance(preTokenTrigger, "arn") },
  });
  // Authenticator apps (TOTP) whenever MFA is not OFF. A block with MFA OFF would differ from
  // what Cognito reports back on every plan, so it is left out then.
  pool.addOverride("dynamic.software_token_mfa_configuration", {
    for_each: oneBlockUnless(equalsValue(vars.cognitoMfa.stringValue, "OFF")),
    content: { enabled: true },
  });

  // Cognito calls the trigger with its own service principal, which needs this resource policy
  // statement; without it every sign-in fails with AccessDeniedException (blueprint defect 10).
  const invokePermission = new LambdaPermission(stack, "pretoken_trigger_permission", {
    count,
    statementId: "AllowCognitoUserPoolInvoke",
    action: "lambda:InvokeFunction",
    functionName: firstInstance(preTokenTrigger, "function_name"),
    principal: "cognito-idp.amazonaws.com",
    sourceArn: firstInstance(pool, "arn"),
  });
  invokePermission.overrideLogicalId("pretoken_trigger");

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
    callbackUrls: [`https://${vars.jupyterhubDomain.stringValue}/hub/oauth_callback`],
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
    name: globalName("engineeringRole"),
    ...keepName("name"),
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

  // Each user reads <department>/ of the department bucket (the stack's own unless the team names
  // one), plus what notebook_s3_read_buckets grants every notebook. The blueprint's statement
  // allowed s3:List* on every bucket when the listed prefix equalled the department, which with
  // AmazonS3ReadOnlyAccess beside it restricted nothing.
  const namedBucket = vars.cognitoDepartmentBucket.stringValue;
  const departmentBucket = choose(notEqualsValue(namedBucket, ""), namedBucket, firstInstance(bucket, "id"));
  new IamRolePolicy(stack, "s3_cognito_engineering_policy", {
    count,
    name: "s3_cognito_engineering_policy",
    role: firstInstance(engineeringRole, "id"),
    policy: policyDocument(
      concatLists(departmentStatements(departmentBucket), s3ReadGrantStatements(hub.s3ReadGrants.asString)),
    ),
  });

  new CognitoIdentityPoolProviderPrincipalTag(stack, "example", {
    count,
    identityPoolId: firstInstance(identityPool, "id"),
    identityProviderName: firstInstance(pool, "endpoint"),
    useDefaults: false,
    principalTags: { department: "department" },
  });

  // Account-wide read access only on request (notebook_s3_read_all). The blueprint's
  // aws_iam_policy_attachment of the same name is exclusive account-wide (it detached
  // AmazonS3ReadOnlyAccess from every other role, the notebooks' among them); left out of the
  // configuration, an adopted one is destroyed, which detaches the policy from
  // EngineeringTeamRole, the one role in its state.
  new IamRolePolicyAttachment(stack, "s3_readonly_policy_attachment", {
    count: countWhen(both(cognitoMode, vars.notebookS3ReadAll.stringValue)),
    role: firstInstance(engineeringRole, "name"),
    policyArn: S3_READ_ONLY_POLICY_ARN,
  });

  new CognitoIdentityPoolRolesAttachment(stack, "identity_pool_roles", {
    count,
    identityPoolId: firstInstance(identityPool, "id"),
    roles: { authenticated: firstInstance(engineeringRole, "arn") },
  });

  return { pool, client, identityPool, customDomain: cognitoCustomDomain.asString };
}
