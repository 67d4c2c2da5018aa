/**
 * Issue 11, secure by default: the synthesized JSON of each default and opt-in, and the plan-time
 * expressions evaluated by the real terraform (no provider needed).
 */

import { BLUEPRINT_GLOBAL_NAMES, COGNITO_PASSWORD_POLICY } from "../stacks/jupyterhub/cognito";
import { S3_READ_ONLY_POLICY_ARN } from "../stacks/jupyterhub/s3-access";
import { PLATFORM_SETS } from "../versions";
import { plain, synthStack, type TerraformJson } from "./helpers/synth";
import { runTerraform, withTerraformDir } from "./helpers/terraform";

const blueprint = synthStack({ platform: PLATFORM_SETS.blueprint });
const current = synthStack({ platform: PLATFORM_SETS.current });
const COGNITO = '${var.jupyter_hub_auth_mechanism == "cognito" ? 1 : 0}';

const resource = (json: TerraformJson, type: string, name: string) => plain(json.resource[type]?.[name]);

const COGNITO_VARS = {
  jupyter_hub_auth_mechanism: "cognito",
  cognito_custom_domain: "acme-jupyterhub",
  acm_certificate_domain: "*.example.com",
  jupyterhub_domain: "hub.example.com",
};

/**
 * Applies a configuration of the stack's variables and locals with `outputs` (HCL expressions
 * taken from the synthesized JSON), the stack's bucket replaced by a stand-in, and returns the
 * outputs' values.
 */
async function evaluate(outputs: Record<string, string>, vars: Record<string, unknown>): Promise<Record<string, any>> {
  const stub = (text: string) => text.split("aws_s3_bucket.jupyterhub_bucket").join("local.stub_bucket");
  const config = {
    variable: blueprint.variable,
    locals: {
      notebook_s3_read_grants: blueprint.locals.notebook_s3_read_grants,
      stub_bucket: [{ id: "jupyterhub-test-bucket-20261127" }],
    },
    output: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: stub(v) }])),
  };
  return withTerraformDir(
    { "main.tf.json": JSON.stringify(config), "test.auto.tfvars.json": JSON.stringify(vars) },
    async (cwd) => {
      const apply = await runTerraform(["apply", "-input=false", "-auto-approve", "-lock=false", "-no-color"], { cwd });
      expect(apply.code, apply.stderr + apply.stdout).toBe(0);
      const out = await runTerraform(["output", "-json", "-no-color"], { cwd });
      expect(out.code, out.stderr).toBe(0);
      return Object.fromEntries(
        Object.entries(JSON.parse(out.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]),
      );
    },
  );
}

describe("Cognito can call the pre-token trigger (blueprint defect 10)", () => {
  it("a Lambda permission for the cognito-idp service principal, scoped to the user pool's ARN", () => {
    expect(resource(blueprint, "aws_lambda_permission", "pretoken_trigger")).toEqual({
      count: COGNITO,
      statement_id: "AllowCognitoUserPoolInvoke",
      action: "lambda:InvokeFunction",
      function_name: "${aws_lambda_function.pretoken_trigger[0].function_name}",
      principal: "cognito-idp.amazonaws.com",
      source_arn: "${aws_cognito_user_pool.pool[0].arn}",
    });
    // The pool's trigger is the function the permission is for.
    expect(resource(blueprint, "aws_cognito_user_pool", "pool").lambda_config).toEqual({
      pre_token_generation: "${aws_lambda_function.pretoken_trigger[0].arn}",
    });
  });
});

describe("the user pool (blueprint defect 11)", () => {
  const pool = resource(blueprint, "aws_cognito_user_pool", "pool");

  it("lets only administrators create users, asks for 12 characters of four kinds, offers TOTP MFA", () => {
    expect(pool).toEqual({
      count: COGNITO,
      name: "jupyterhub-userpool",
      username_attributes: ["email"],
      auto_verified_attributes: ["email"],
      admin_create_user_config: { allow_admin_create_user_only: "${!var.cognito_allow_self_signup}" },
      password_policy: {
        minimum_length: 12,
        require_lowercase: true,
        require_uppercase: true,
        require_numbers: true,
        require_symbols: true,
      },
      mfa_configuration: "${var.cognito_mfa}",
      lambda_config: { pre_token_generation: "${aws_lambda_function.pretoken_trigger[0].arn}" },
      dynamic: {
        software_token_mfa_configuration: {
          for_each: '${var.cognito_mfa == "OFF" ? [] : [true]}',
          content: { enabled: true },
        },
      },
    });
    expect(COGNITO_PASSWORD_POLICY.minimumLength).toBeGreaterThanOrEqual(12);
  });

  it.each([
    ["the defaults", {}, { admin_only: true, mfa: "OPTIONAL", totp_blocks: 1 }],
    [
      "self sign-up opened",
      { cognito_allow_self_signup: true },
      { admin_only: false, mfa: "OPTIONAL", totp_blocks: 1 },
    ],
    ["MFA required", { cognito_mfa: "ON" }, { admin_only: true, mfa: "ON", totp_blocks: 1 }],
    [
      "MFA off: no TOTP block (Cognito reports none back)",
      { cognito_mfa: "OFF" },
      { admin_only: true, mfa: "OFF", totp_blocks: 0 },
    ],
  ])("evaluates for %s", async (_title, vars, expected) => {
    const out = await evaluate(
      {
        admin_only: pool.admin_create_user_config.allow_admin_create_user_only,
        mfa: pool.mfa_configuration,
        totp_blocks: `\${length(${pool.dynamic.software_token_mfa_configuration.for_each.slice(2, -1)})}`,
      },
      { ...COGNITO_VARS, ...vars },
    );
    expect(out).toEqual(expected);
  });
});

describe("names that must be unique in the account", () => {
  it("blueprint set: the blueprint's names, so an adopted deployment keeps its roles and function", () => {
    expect(resource(blueprint, "aws_iam_role", "iam_for_lambda").name).toBe(BLUEPRINT_GLOBAL_NAMES.lambdaRole);
    expect(resource(blueprint, "aws_lambda_function", "pretoken_trigger").function_name).toBe(
      BLUEPRINT_GLOBAL_NAMES.function,
    );
    expect(resource(blueprint, "aws_iam_role", "cognito_authenticated_engineering_role").name).toBe(
      "EngineeringTeamRole",
    );
    for (const [type, name] of [
      ["aws_iam_role", "iam_for_lambda"],
      ["aws_lambda_function", "pretoken_trigger"],
      ["aws_iam_role", "cognito_authenticated_engineering_role"],
    ]) {
      expect(resource(blueprint, type, name).lifecycle, `${type}.${name}`).toBeUndefined();
    }
  });

  it(
    "other sets: prefixed with the stack's name; a blueprint deployment upgraded to " +
      "them keeps its names (ignore_changes)",
    () => {
      expect(resource(current, "aws_iam_role", "iam_for_lambda")).toMatchObject({
        name: "${local.name}-cognito-pretoken",
        lifecycle: { ignore_changes: ["name"] },
      });
      expect(resource(current, "aws_lambda_function", "pretoken_trigger")).toMatchObject({
        function_name: "${local.name}-pretoken-trigger",
        lifecycle: { ignore_changes: ["function_name"] },
      });
      expect(resource(current, "aws_iam_role", "cognito_authenticated_engineering_role")).toMatchObject({
        name: "${local.name}-cognito-engineering",
        lifecycle: { ignore_changes: ["name"] },
      });
    },
  );
});

describe("S3 by explicit grant (blueprint defect 11)", () => {
  const irsaArns = blueprint.module.jupyterhub_single_user_irsa.role_policy_arns as string;
  const readAll = resource(blueprint, "aws_iam_role_policy_attachment", "s3_readonly_policy_attachment");
  const notebookPolicy = resource(blueprint, "aws_iam_role_policy", "notebook_s3_read");
  const departmentPolicy = resource(blueprint, "aws_iam_role_policy", "s3_cognito_engineering_policy");

  it("AmazonS3ReadOnlyAccess appears only behind notebook_s3_read_all", () => {
    const text = JSON.stringify({ ...blueprint, variable: undefined, check: undefined });
    expect(text.split(S3_READ_ONLY_POLICY_ARN).length - 1).toBe(2);
    expect(irsaArns).toContain("if var.notebook_s3_read_all");
    expect(readAll).toEqual({
      count: '${var.jupyter_hub_auth_mechanism == "cognito" && var.notebook_s3_read_all ? 1 : 0}',
      role: "${aws_iam_role.cognito_authenticated_engineering_role[0].name}",
      policy_arn: S3_READ_ONLY_POLICY_ARN,
    });
    expect(notebookPolicy).toMatchObject({
      name: "notebook-s3-read",
      role: "${module.jupyterhub_single_user_irsa.iam_role_name}",
    });
  });

  it(
    "by default: no managed read-all policy on either role, no notebook grant, the " +
      "department policy on the stack's bucket only",
    async () => {
      const out = await evaluate(
        {
          irsa_arns: irsaArns,
          read_all_count: readAll.count,
          notebook_policy_count: notebookPolicy.count,
          department_policy: departmentPolicy.policy,
        },
        COGNITO_VARS,
      );
      expect(out.irsa_arns).toEqual({});
      expect(out.read_all_count).toBe(0);
      expect(out.notebook_policy_count).toBe(0);
      const bucket = "arn:aws:s3:::jupyterhub-test-bucket-20261127";
      expect(JSON.parse(out.department_policy)).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Sid: "DepartmentBucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: bucket },
          {
            Sid: "ListOwnDepartment",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: bucket,
            Condition: {
              StringLike: { "s3:prefix": ["${aws:PrincipalTag/department}/", "${aws:PrincipalTag/department}/*"] },
            },
          },
          {
            Sid: "ReadOwnDepartment",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: `${bucket}/\${aws:PrincipalTag/department}/*`,
          },
        ],
      });
    },
  );

  it("notebook_s3_read_buckets: exactly the listed buckets and prefixes, read only, on both roles", async () => {
    const out = await evaluate(
      {
        notebook_policy_count: notebookPolicy.count,
        notebook_policy: notebookPolicy.policy,
        department_policy: departmentPolicy.policy,
      },
      {
        ...COGNITO_VARS,
        notebook_s3_read_buckets: ["acme-datasets", "acme-shared/team-a/", "acme-shared/team-b/"],
        cognito_department_bucket: "acme-departments",
      },
    );
    expect(out.notebook_policy_count).toBe(1);
    const grants = [
      { Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: "arn:aws:s3:::acme-datasets" },
      { Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: "arn:aws:s3:::acme-shared" },
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::acme-datasets" },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::acme-shared",
        Condition: { StringLike: { "s3:prefix": ["team-a/*"] } },
      },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws:s3:::acme-shared",
        Condition: { StringLike: { "s3:prefix": ["team-b/*"] } },
      },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-datasets/*" },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-shared/team-a/*" },
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-shared/team-b/*" },
    ];
    expect(JSON.parse(out.notebook_policy)).toEqual({ Version: "2012-10-17", Statement: grants });
    const department = JSON.parse(out.department_policy);
    expect(department.Statement.slice(0, 3).map((s: { Resource: string }) => s.Resource)).toEqual([
      "arn:aws:s3:::acme-departments",
      "arn:aws:s3:::acme-departments",
      "arn:aws:s3:::acme-departments/${aws:PrincipalTag/department}/*",
    ]);
    expect(department.Statement.slice(3)).toEqual(grants);
    // Read only: nothing but these four actions.
    const actions = new Set([...department.Statement, ...grants].flatMap((s: { Action: string[] }) => s.Action));
    expect([...actions].sort()).toEqual(["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]);
  });

  it(
    "notebook_s3_read_all = true restores AmazonS3ReadOnlyAccess on both roles, " + "under the blueprint's key",
    async () => {
      const out = await evaluate(
        { irsa_arns: irsaArns, read_all_count: readAll.count },
        { ...COGNITO_VARS, notebook_s3_read_all: true },
      );
      expect(out).toEqual({ irsa_arns: { policy: S3_READ_ONLY_POLICY_ARN }, read_all_count: 1 });
      const dummy = await evaluate({ read_all_count: readAll.count }, { notebook_s3_read_all: true });
      expect(dummy.read_all_count).toBe(0);
    },
  );
});

describe("the EKS API's public endpoint", () => {
  it("is open to cluster_endpoint_public_access_cidrs, the blueprint's 0.0.0.0/0 unless narrowed", async () => {
    const cidrs = blueprint.module.eks.cluster_endpoint_public_access_cidrs as string;
    expect(cidrs).toBe("${var.cluster_endpoint_public_access_cidrs}");
    expect(blueprint.check?.cluster_endpoint_public_access_cidrs_open).toBeDefined();
    expect((await evaluate({ cidrs }, {})).cidrs).toEqual(["0.0.0.0/0"]);
    expect((await evaluate({ cidrs }, { cluster_endpoint_public_access_cidrs: ["203.0.113.0/24"] })).cidrs).toEqual([
      "203.0.113.0/24",
    ]);
  });
});
