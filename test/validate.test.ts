/**
 * End-to-end tests of scripts/validate.ts (npm run validate): the real CLI as a child
 * process, against the synthesized stack written into a temporary --stack-dir, with the real
 * terraform. Every run gets its own working directory, no TF_VAR_* from the
 * outside, and a TF_CLI_CONFIG_FILE that does not exist (the tool must not need one).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closest, hclError, referenceRoots, tempModule } from "../scripts/validate";
import { runNodeCli } from "./helpers/cli";
import { synthStack } from "./helpers/synth";
import { locateTerraform } from "./helpers/terraform";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "validate.ts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The run's own temporary directories left in its TMPDIR afterwards (with `ownTmp`). */
  leftovers: string[];
}

let tmpRoot = "";
let stackDir = "";
let terraformDir = "";

/** A cognito deployment with every value it needs. */
const VALID_TFVARS = `name                            = "hub-test"
region                          = "eu-central-1"
jupyter_hub_auth_mechanism      = "cognito"
cognito_custom_domain           = "acme-hub"
acm_certificate_domain          = "*.example.com"
jupyterhub_domain               = "hub.example.com"
jupyterhub_load_balancer_scheme = "internet-facing"
`;

beforeAll(() => {
  tmpRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "validate-test-")));
  stackDir = path.join(tmpRoot, "stack");
  fs.mkdirSync(stackDir);
  fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(synthStack(), null, 2));
  terraformDir = path.dirname(locateTerraform());
});

afterAll(() => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** A fresh directory under the test's root holding `files`. */
function dirWith(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(tmpRoot, "case-"));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function validate(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    stackDir?: string | null;
    path?: string;
    ownTmp?: boolean;
  } = {},
): Promise<Run> {
  const cwd = options.cwd ?? dirWith();
  // tsx keeps its compile cache in TMPDIR: a fresh one costs a second, so only on request.
  const tmp = options.ownTmp ? dirWith() : undefined;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TF_|npm_|INIT_CWD$)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    PATH: options.path ?? [terraformDir, process.env.PATH].join(path.delimiter),
    TF_CLI_CONFIG_FILE: path.join(tmpRoot, "no-such-terraformrc"),
    ...(tmp ? { TMPDIR: tmp } : {}),
    ...options.env,
  });
  const stack =
    options.stackDir === undefined
      ? ["--stack-dir", stackDir]
      : options.stackDir === null
        ? []
        : ["--stack-dir", options.stackDir];
  const result = await runNodeCli(SCRIPT, [...stack, ...args], { cwd, env });
  const leftovers = tmp ? fs.readdirSync(tmp).filter((name) => name.startsWith("jupyterhub-validate-")) : [];
  return { ...result, leftovers };
}

function summary(run: Run): string {
  return run.stdout.trim().split("\n").pop() ?? "";
}

describe.concurrent("npm run validate", () => {
  it(
    "accepts a complete cognito tfvars file: exit 0, one summary line, temp files " + "removed, no CLI-config warning",
    async () => {
      const cwd = dirWith({ "cognito.tfvars": VALID_TFVARS });
      const run = await validate(["-var-file", "cognito.tfvars"], { cwd, ownTmp: true });
      const declared = Object.keys(synthStack().variable).length;
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(summary(run)).toMatch(
        new RegExp(
          `^validate: ${declared} variables checked, 0 errors, \\d+ warnings? ` +
            `\\(terraform 1\\.\\d+\\.\\d+, \\d+\\.\\d\\d s\\)$`,
        ),
      );
      expect(run.stdout).not.toMatch(/^error:/m);
      expect(run.stdout + run.stderr).not.toContain("CLI configuration");
      expect(run.leftovers).toEqual([]);
    },
  );

  it("names a misspelled tfvars key and suggests the declared one", async () => {
    const cwd = dirWith({ "prod.tfvars": 'jupyter_hub_auth_mechansim = "cognito"\n' });
    const run = await validate(["-var-file=prod.tfvars"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `error: ${path.join(cwd, "prod.tfvars")} line 1: jupyter_hub_auth_mechansim is ` +
        `not a variable of this stack; did you mean jupyter_hub_auth_mechanism?`,
    );
    expect(summary(run)).toContain(" 1 error,");
    // terraform's own warning about the key is left out: it is reported once, above.
    expect(run.stdout).not.toContain("undeclared variable");
  });

  it("suggests nothing when no declared name is close", async () => {
    const cwd = dirWith({ "x.tfvars": 'instance_type = "m5.large"\n' });
    const run = await validate(["--var-file", "x.tfvars"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `error: ${path.join(cwd, "x.tfvars")} line 1: instance_type is not a variable of this stack\n`,
    );
    expect(run.stdout).not.toContain("did you mean");
  });

  it("stops with exit 2 on a missing -var-file, naming its absolute path", async () => {
    const cwd = dirWith();
    const run = await validate(["-var-file", "prdo.tfvars"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(cwd, "prdo.tfvars")}: no such file`);
    expect(run.stdout).toBe("");
  });

  it("stops with exit 2 on a -var-file that is a directory", async () => {
    const cwd = dirWith();
    fs.mkdirSync(path.join(cwd, "vars.tfvars"));
    const run = await validate(["-var-file", "vars.tfvars"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(cwd, "vars.tfvars")}: not a regular file`);
  });

  it.each([
    [["--bogus"], 'unknown argument "--bogus"'],
    [["-target=module.eks"], 'unknown argument "-target=module.eks"'],
    [["-var"], "-var needs a value NAME=VALUE"],
    [["-var", "region"], "-var region: expected NAME=VALUE"],
    [["-var-file="], "-var-file= needs a file name"],
  ])("stops with exit 2 on the arguments %j", async (args, message) => {
    const run = await validate(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`validate: ${message}`);
    expect(run.stdout).toBe("");
  });

  it("prints the usage for --help and exits 0", async () => {
    const run = await validate(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm run validate -- [-var NAME=VALUE]... [-var-file FILE]...");
  });

  it("reports a value a variable's rule rejects, naming the variable and where the value was set", async () => {
    const cwd = dirWith({ "ldap.tfvars": 'region = "us-west-2"\njupyter_hub_auth_mechanism = "ldap"\n' });
    const run = await validate(["-var-file", "ldap.tfvars"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^error: jupyter_hub_auth_mechanism: jupyter_hub_auth_mechanism must be one of "dummy"/m,
    );
    expect(run.stdout).toContain(`  (set in ${path.join(cwd, "ldap.tfvars")} line 2)`);
    expect(run.stdout).not.toContain("This was checked by the validation rule");
    expect(summary(run)).toContain(" 1 error,");
  });

  it("checks -var names and values, in every spelling terraform accepts", async () => {
    const run = await validate([
      "-var",
      "regoin=us-west-2",
      "-var=vpc_cidr=10.1.3.0/21",
      "--var",
      "name=hub",
      "--var=eks_cluster_version=1.35",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("error: -var regoin: regoin is not a variable of this stack; did you mean region?");
    expect(run.stdout).toMatch(/^error: vpc_cidr: vpc_cidr must be written in network form/m);
    expect(summary(run)).toContain(" 2 errors,");
  });

  it("accepts good -var values", async () => {
    const run = await validate(["-var", "region=eu-west-1", '-var=secondary_cidr_blocks=["100.64.0.0/16"]']);
    expect(run.code, run.stdout).toBe(0);
  });

  it(
    "reports an undeclared TF_VAR_ variable, and runs the rules on declared ones " + "without printing the secret",
    async () => {
      const secret = "s3cr3t-never-printed";
      const run = await validate([], {
        env: {
          TF_VAR_nmae: "hub",
          TF_VAR_jupyter_hub_auth_mechanism: "oauth",
          TF_VAR_oauth_jupyter_client_secret: secret,
        },
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        "error: TF_VAR_nmae: nmae is not a variable of this stack; did you mean name? " +
          "(terraform ignores this environment variable)",
      );
      expect(run.stdout).toMatch(
        /^error: oauth_domain: oauth_domain is required when jupyter_hub_auth_mechanism is "oauth"/m,
      );
      expect(run.stdout).not.toMatch(/^error: oauth_jupyter_client_secret:/m);
      expect(run.stdout + run.stderr).not.toContain(secret);
    },
  );

  it("reads a .tfvars.json var file with JSON rules: undeclared keys and rejected values", async () => {
    const cwd = dirWith({
      "lb.tfvars.json": JSON.stringify({ jupyterhub_load_balancer_scheme: "public", regoin: "x" }, null, 2),
    });
    const run = await validate(["-var-file", "lb.tfvars.json"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `error: ${path.join(cwd, "lb.tfvars.json")} line 3: regoin is not a variable of this stack; did you mean region?`,
    );
    expect(run.stdout).toMatch(
      /^error: jupyterhub_load_balancer_scheme: jupyterhub_load_balancer_scheme must be "internal"/m,
    );
  });

  it("reports an invalid JSON var file once, with its line", async () => {
    const cwd = dirWith({ "bad.json": '{\n  "region": "us-west-2",\n}\n' });
    const run = await validate(["-var-file", "bad.json"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^error: ${escapeRegExp(path.join(cwd, "bad.json"))} line 3: invalid JSON: `, "m"),
    );
    expect(summary(run)).toContain(" 1 error,");
  });

  it("reports an unparseable tfvars file once, terraform-style, with file and line", async () => {
    const cwd = dirWith({ "broken.tfvars": 'region = "us-west-2"\nname = "unterminated\n' });
    const run = await validate(["-var-file", "broken.tfvars"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^error: ${escapeRegExp(path.join(cwd, "broken.tfvars"))} line 2: [A-Z][a-z]+ [a-z -]+: `, "m"),
    );
    expect(summary(run)).toContain(" 1 error,");
  });

  it("rejects a stray *.auto.tfvars in the current directory, which terraform would not read", async () => {
    const cwd = dirWith({ "prod.auto.tfvars": 'region = "eu-west-1"\n' });
    const run = await validate([], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `error: ${path.join(cwd, "prod.auto.tfvars")}: terraform runs in ${stackDir} ` +
        `and does not read this file by itself; ` +
        `pass it explicitly with -var-file=${path.join(cwd, "prod.auto.tfvars")}`,
    );
    // Passed explicitly, it is fine.
    const passed = await validate(["-var-file", "prod.auto.tfvars"], { cwd });
    expect(passed.code, passed.stdout).toBe(0);
  });

  it("checks the var files terraform loads from the stack directory itself", async () => {
    const dir = dirWith({
      "cdk.tf.json": fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"),
      "terraform.tfvars": 'regio = "us-west-2"\nregion = "US West"\n',
    });
    const run = await validate([], { stackDir: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `error: ${path.join(dir, "terraform.tfvars")} line 1: regio is not a variable ` +
        `of this stack; did you mean region?`,
    );
    expect(run.stdout).toContain(`  (set in ${path.join(dir, "terraform.tfvars")} line 2)`);
    expect(run.stdout).toMatch(/^error: region: region must be an AWS region code/m);
  });

  it("stops with exit 2 when the stack is not synthesized", async () => {
    const dir = dirWith();
    const run = await validate([], { stackDir: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(dir, "cdk.tf.json")} does not exist: run npm run synth first`);
  });

  it("stops with exit 2 and says how to install terraform when it is not on PATH", async () => {
    const run = await validate([], { path: dirWith() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "terraform (>= 1.9) is not on PATH. Install it from https://developer.hashicorp.com/terraform/install",
    );
  });

  it("runs the check blocks that read only variables (warnings, exit 0) and skips the others with a note", async () => {
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    stack.check = {
      ...stack.check,
      region_hint: {
        assert: [{ condition: '${var.region != "eu-north-1"}', error_message: "Region ${var.region} is far away." }],
      },
      needs_data: {
        data: { aws_region: { here: {} } },
        assert: [{ condition: "${data.aws_region.here.name != var.region}", error_message: "never evaluated" }],
      },
    };
    const dir = dirWith({ "cdk.tf.json": JSON.stringify(stack) });
    const run = await validate(["-var", "region=eu-north-1"], { stackDir: dir });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("warning: Check block assertion failed: Region eu-north-1 is far away.");
    expect(run.stdout).toContain(
      "note: check.needs_data reads data, which only a full terraform plan has; not checked here",
    );
    expect(summary(run)).toMatch(/ 0 errors, [1-9]\d* warnings? /);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("validate helpers", () => {
  it("finds the roots an HCL template refers to, outside string literals", () => {
    expect([...referenceRoots('${try(contains(["a.b", "x"], var.mode), false)}')]).toEqual(["var"]);
    expect([
      ...referenceRoots('Kubernetes ${var.v} left on ${lookup({ "1.29" = "2025" }, var.v, "")}: docs.aws.amazon.com'),
    ]).toEqual(["var"]);
    expect([...referenceRoots('${"${local.x}-y" == var.a}')].sort()).toEqual(["local", "var"]);
    expect([...referenceRoots("${aws_vpc.this[0].id != module.vpc.id}")].sort()).toEqual(["aws_vpc", "module"]);
    expect([...referenceRoots("${provider::aws::arn_parse(var.arn).region}")].sort()).toEqual(["provider::", "var"]);
    expect([...referenceRoots("$${data.x.y} and %%{ if local.z }")]).toEqual([]);
  });

  it("keeps only the checks and rules that read only variables in the temporary module", () => {
    const { config, notes } = tempModule({
      terraform: { required_version: ">= 1.9.0", backend: { local: {} } },
      provider: { aws: [{}] },
      variable: {
        a: {
          type: "string",
          validation: [
            { condition: '${var.a != ""}', error_message: "a" },
            { condition: "${local.ok}", error_message: "b" },
          ],
        },
      },
      check: {
        vars: { assert: [{ condition: '${var.a != "x"}', error_message: "x" }] },
        res: { assert: [{ condition: '${aws_vpc.this.id != ""}', error_message: "y" }] },
      },
    });
    expect(config).toEqual({
      terraform: { required_version: ">= 1.9.0" },
      variable: { a: { type: "string", validation: [{ condition: '${var.a != ""}', error_message: "a" }] } },
      check: { vars: { assert: [{ condition: '${var.a != "x"}', error_message: "x" }] } },
    });
    expect(notes.map((n) => n.text)).toEqual([
      "variable a: a validation rule reads local, which only a full terraform plan has; not checked here",
      "check.res reads aws_vpc, which only a full terraform plan has; not checked here",
    ]);
  });

  it("suggests a close declared name only", () => {
    const declared = ["name", "region", "jupyter_hub_auth_mechanism", "vpc_cidr"];
    expect(closest("jupyter_hub_auth_mechansim", declared)).toBe("jupyter_hub_auth_mechanism");
    expect(closest("jupyter-hub-auth-mechanism", declared)).toBe("jupyter_hub_auth_mechanism");
    expect(closest("Region", declared)).toBe("region");
    expect(closest("nmae", declared)).toBe("name");
    expect(closest("vpc_cidrs", declared)).toBe("vpc_cidr");
    expect(closest("foo", declared)).toBeUndefined();
    expect(closest("instance_type", declared)).toBeUndefined();
  });

  it("turns hcl2json's error into terraform-like lines", () => {
    expect(
      hclError(
        "/p/x.tfvars",
        "parse config: [/p/x.tfvars:2,8-3,1: Invalid multi-line string; Quoted strings " +
          "may not be split. /p/x.tfvars:2,8-3,1: Invalid multi-line string; Quoted " +
          "strings may not be split.]",
      ),
    ).toBe("/p/x.tfvars line 2: Invalid multi-line string: Quoted strings may not be split.");
  });
});
