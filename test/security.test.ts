import { synthStack, type TerraformJson } from "./helpers/synth";
import { runTerraform, withTerraformDir } from "./helpers/terraform";
import { PLATFORM_SETS } from "../versions";
import { BLUEPRINT_GLOBAL_NAMES, COGNITO_PASSWORD_POLICY } from "../stacks/jupyterhub/cognito";

/**
 * Issue 11, secure by default: the synthesized JSON of each default and opt-in, and the plan-time
 * expressions evaluated by the real terraform (no provider needed).
 */
const blueprint = synthStack({ platform: PLATFORM_SETS.blueprint });
const current = synthStack({ platform: PLATFORM_SETS.current });
const COGNITO = '${var.jupyter_hub_auth_mechanism == "cognito" ? 1 : 0}';

/** Strips cdktf's "//" metadata. */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, plain(v)]),
    ) as T;
  }
  return value;
}
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
    locals: { stub_bucket: [{ id: "jupyterhub-test-bucket-20261127" }] },
    output: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: stub(v) }])),
  };
  return withTerraformDir(
    { "main.tf.json": JSON.stringify(config), "test.auto.tfvars.json": JSON.stringify(vars) },
    async (cwd) => {
      const apply = await runTerraform(["apply", "-input=false", "-auto-approve", "-lock=false", "-no-color"], { cwd });
      expect(apply.code, apply.stderr + apply.stdout).toBe(0);
      const out = await runTerraform(["output", "-json", "-no-color"], { cwd });
      expect(out.code, out.stderr).toBe(0);
      return Object.fromEntries(Object.entries(JSON.parse(out.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
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
    ["self sign-up opened", { cognito_allow_self_signup: true }, { admin_only: false, mfa: "OPTIONAL", totp_blocks: 1 }],
    ["MFA required", { cognito_mfa: "ON" }, { admin_only: true, mfa: "ON", totp_blocks: 1 }],
    ["MFA off: no TOTP block (Cognito reports none back)", { cognito_mfa: "OFF" }, { admin_only: true, mfa: "OFF", totp_blocks: 0 }],
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
    expect(resource(blueprint, "aws_lambda_function", "pretoken_trigger").function_name).toBe(BLUEPRINT_GLOBAL_NAMES.function);
    expect(resource(blueprint, "aws_iam_role", "cognito_authenticated_engineering_role").name).toBe("EngineeringTeamRole");
    for (const [type, name] of [
      ["aws_iam_role", "iam_for_lambda"],
      ["aws_lambda_function", "pretoken_trigger"],
      ["aws_iam_role", "cognito_authenticated_engineering_role"],
    ]) {
      expect(resource(blueprint, type, name).lifecycle, `${type}.${name}`).toBeUndefined();
    }
  });

  it("other sets: prefixed with the stack's name; a blueprint deployment upgraded to them keeps its names (ignore_changes)", () => {
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
  });
});
