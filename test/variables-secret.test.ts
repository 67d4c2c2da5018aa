/**
 * The variables' rules run by `terraform plan` where secrets and files are involved: the OAuth
 * client secret never printed, *.tfvars input, and null for the bool security settings.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTerraformDir, parseDiagnostics, removeTerraformDir, runTerraform } from "./helpers/terraform";
import { COGNITO, makeRulesDir, OAUTH, plan, type Vars, variableOf } from "./helpers/variables";

// What the plan prints about the client secret, and values read from a *.tfvars file.

let dir = "";
let remove = () => {};
beforeAll(() => {
  ({ dir, remove } = makeRulesDir());
});
afterAll(() => remove());

describe("the client secret and *.tfvars files, run by terraform plan", () => {
  it("reports a missing client secret without printing any secret, and shows the rule in plain output", async () => {
    const outcome = await plan(dir, { ...OAUTH, oauth_jupyter_client_secret: "" }, { json: false });
    expect(outcome.code).toBe(1);
    const text = (outcome.stdout + outcome.stderr).replace(/[\s│]+/g, " ");
    expect(text).toContain("Error: Invalid value for variable");
    expect(text).toContain('"oauth_jupyter_client_secret": {');
    expect(text).toContain(
      "oauth_jupyter_client_secret is required when jupyter_hub_auth_mechanism is " +
        '"oauth" (it is "oauth") and it is empty or blank.',
    );
    // The only value terraform quotes for the secret is the empty string that failed.
    expect(text).toContain('var.oauth_jupyter_client_secret is ""');
  });

  it("reports a blank client secret, printing only its blanks", async () => {
    const outcome = await plan(dir, { ...OAUTH, oauth_jupyter_client_secret: "   " }, { json: false });
    expect(outcome.code).toBe(1);
    const text = outcome.stdout + outcome.stderr;
    expect(text.replace(/[\s│]+/g, " ")).toContain("oauth_jupyter_client_secret is required when");
    const shown = [...text.matchAll(/var\.oauth_jupyter_client_secret is "([^"]*)"/g)].map((m) => m[1]);
    expect(shown).toEqual(["   "]);
  });

  it("accepts a client secret with blanks around it, without printing it", async () => {
    const secret = "  Zq8-very-secret-value-41 ";
    const outcome = await plan(dir, { ...OAUTH, oauth_jupyter_client_secret: secret });
    expect(outcome.errors).toEqual([]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout + outcome.stderr).not.toContain(secret.trim());
  });

  it.each([
    ["-var", (secret: string) => ({ vars: { oauth_jupyter_client_secret: secret }, env: {} })],
    [
      "TF_VAR_oauth_jupyter_client_secret",
      (secret: string) => ({ vars: {}, env: { TF_VAR_oauth_jupyter_client_secret: secret } }),
    ],
  ])("never prints a client secret given with %s while other rules fail", async (_how, given) => {
    const secret = "Zq8-very-secret-value-41";
    const { vars, env } = given(secret);
    const base: Vars = { ...OAUTH, oauth_domain: "", jupyterhub_domain: "not a domain" };
    delete base.oauth_jupyter_client_secret;
    for (const json of [true, false]) {
      const outcome = await plan(dir, { ...base, ...vars }, { json, env });
      expect(outcome.code).toBe(1);
      expect(outcome.stdout + outcome.stderr).toContain("oauth_domain is required");
      expect(outcome.stdout + outcome.stderr).toContain("jupyterhub_domain must be a plain DNS host name");
      expect(outcome.stdout + outcome.stderr).not.toContain(secret);
      expect(outcome.stdout + outcome.stderr).not.toContain("oauth_jupyter_client_secret is required");
    }
  });

  it("reads variables from a *.tfvars file the same way", async () => {
    const tfvarsDir = makeTerraformDir({
      "main.tf.json": readFileSync(join(dir, "main.tf.json"), "utf8"),
      "terraform.tfvars": 'name = "Jupyter_Hub"\nvpc_cidr = "10.1.0.0/21"\n',
    });
    try {
      const result = await runTerraform(["plan", "-input=false", "-lock=false", "-json"], { cwd: tfvarsDir });
      const errors = parseDiagnostics(result.stdout).filter((d) => d.severity === "error");
      expect(result.code).toBe(1);
      expect(errors.map((e) => [variableOf(e), e.detail.split(". ")[0]])).toEqual([
        [
          "name",
          "name must start with a lowercase letter and contain only lowercase letters, " +
            "digits and hyphens (pattern ^[a-z][a-z0-9-]*$)",
        ],
      ]);
    } finally {
      removeTerraformDir(tfvarsDir);
    }
  });
});

describe("the security settings' bool variables", () => {
  it("refuse null, which only a *.tfvars file can give (the command line has no null for a bool)", async () => {
    const tfvarsDir = makeTerraformDir({
      "main.tf.json": readFileSync(join(dir, "main.tf.json"), "utf8"),
      "terraform.tfvars": [
        ...Object.entries(COGNITO).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
        "cognito_allow_self_signup = null",
        "notebook_s3_read_all = null",
        "",
      ].join("\n"),
    });
    try {
      const result = await runTerraform(["plan", "-input=false", "-lock=false", "-json"], { cwd: tfvarsDir });
      const diagnostics = parseDiagnostics(result.stdout);
      expect(result.code).toBe(1);
      expect(diagnostics.filter((d) => d.severity === "warning")).toEqual([]);
      expect(
        diagnostics
          .filter((d) => d.severity === "error")
          .map((e) => [variableOf(e), e.detail.split(": ")[0]])
          .sort(),
      ).toEqual([
        ["cognito_allow_self_signup", "cognito_allow_self_signup must be true or false, not null"],
        ["notebook_s3_read_all", "notebook_s3_read_all must be true or false, not null"],
      ]);
    } finally {
      removeTerraformDir(tfvarsDir);
    }
  });
});
