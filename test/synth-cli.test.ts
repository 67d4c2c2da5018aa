/**
 * End-to-end: `npm run synth` as a user runs it, in copies of the project: reproducible output,
 * backend settings and their messages, platform sets, the efs chart and the --hcl rendering.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { STACK_DIR } from "../config";
import { runTerraform, withTerraformDir } from "./helpers/terraform";

const ROOT = resolve(__dirname, "..");
const SOURCES = [
  "main.ts",
  "config.ts",
  "variables.ts",
  "versions.ts",
  "expressions.ts",
  "cdktf.json",
  "package.json",
  "tsconfig.json",
  "jupyterhub.config.json",
  "stacks",
  "modules",
  "profiles",
  "helm",
  "review",
];

/** A copy of the project's sources in a fresh directory, sharing node_modules. */
function checkout(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of SOURCES) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs the `synth` script of package.json, as `npm run synth` does (without npm's start-up). */
function synth(dir: string, env: Record<string, string> = {}): string {
  return synthRun(dir, env).json;
}

function synthRun(
  dir: string,
  env: Record<string, string> = {},
  args: string[] = [],
): { json: string; stderr: string } {
  const command = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts.synth as string;
  const result = spawnSync("sh", ["-c", `${command} "$@"`, "synth", ...args], {
    cwd: dir,
    env: {
      PATH: `${join(dir, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? dir,
      CHECKPOINT_DISABLE: "1",
      DISABLE_VERSION_CHECK: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    throw Object.assign(new Error(`synth failed (${result.status}): ${result.stderr}`), {
      status: result.status,
      stderr: result.stderr,
    });
  }
  return { json: readFileSync(join(dir, STACK_DIR, "cdk.tf.json"), "utf8"), stderr: result.stderr.toString() };
}

describe("npm run synth", () => {
  const a = checkout("jh-synth-a-");
  const b = checkout("jh-synth-bb-long-");
  const outA = synth(a);
  const outB = synth(b);

  it("is byte-identical from two different directories", () => {
    expect(outA).toBe(outB);
  });

  it("writes no path of the build machine", () => {
    for (const dir of [a, b, ROOT]) expect(outA).not.toContain(dir);
    expect(outA).not.toMatch(/"\/(tmp|home|root|Users|work)\//);
  });

  it("keeps the state file in the project root, so it survives rm -rf cdktf.out", () => {
    const backend = JSON.parse(outA).terraform.backend.local.path as string;
    expect(resolve(a, STACK_DIR, backend)).toBe(join(a, "terraform.tfstate"));
  });

  it("ships the efs chart inside the stack directory, where the releases look for it", () => {
    const chart = join(a, STACK_DIR, "helm", "efs");
    expect(readdirSync(chart).sort()).toEqual(["Chart.yaml", "templates", "values.yaml"]);
    expect(readFileSync(join(chart, "Chart.yaml"), "utf8")).toBe(
      readFileSync(join(ROOT, "helm/efs/Chart.yaml"), "utf8"),
    );
    expect(existsSync(join(a, STACK_DIR, "helm", "efs", "templates", "efs-pv.yaml"))).toBe(true);
  });

  it("refuses a bad backend setting with a message that says how to fix it", () => {
    expect(() => synth(a, { JUPYTERHUB_BACKEND: "s3", JUPYTERHUB_S3_BUCKET: "b" })).toThrow(
      /synth: the S3 backend needs "key": set it in jupyterhub.config.json .* or with JUPYTERHUB_S3_KEY\./,
    );
  });

  it("says which backend it wrote, and records the settings beside cdk.tf.json for the scripts", () => {
    const { stderr } = synthRun(a);
    expect(stderr).toContain(`synth: backend: local state file ${join(a, "terraform.tfstate")}\n`);
    const settings = JSON.parse(readFileSync(join(a, STACK_DIR, "settings.json"), "utf8"));
    expect(settings).toMatchObject({
      platform: "current",
      backend: "local",
      initArgs: [],
      stateFile: join(a, "terraform.tfstate"),
    });
  });

  it("keeps the committed project file's backend in a shell without any JUPYTERHUB_ variable", () => {
    const c = checkout("jh-synth-s3-");
    writeFileSync(
      join(c, "jupyterhub.config.json"),
      JSON.stringify({
        platform: "current",
        backend: { type: "s3", bucket: "tf-state", key: "jh/terraform.tfstate", region: "eu-west-1" },
      }),
    );
    const { json, stderr } = synthRun(c);
    const terraform = JSON.parse(json).terraform;
    expect(terraform.backend).toEqual({
      s3: { bucket: "tf-state", key: "jh/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(terraform.required_version).toBe(">= 1.11.0");
    expect(stderr).toContain(
      "synth: backend: S3 s3://tf-state/jh/terraform.tfstate in eu-west-1 (encrypted, locked by S3 lock file)",
    );
    // An override is applied and reported.
    const override = synthRun(c, { JUPYTERHUB_S3_KEY: "other/terraform.tfstate" });
    expect(JSON.parse(override.json).terraform.backend.s3.key).toBe("other/terraform.tfstate");
    expect(override.stderr).toContain("environment overrides: JUPYTERHUB_S3_KEY=other/terraform.tfstate");
  });

  it("uses a state file outside the project through init arguments, with no machine path in cdk.tf.json", async () => {
    const c = checkout("jh-synth-outside-");
    const state = join(mkdtempSync(join(tmpdir(), "jh-state-")), "terraform.tfstate");
    writeFileSync(join(c, "jupyterhub.config.json"), JSON.stringify({ backend: { type: "local", path: state } }));
    const { json } = synthRun(c);
    expect(JSON.parse(json).terraform.backend).toEqual({ local: {} });
    expect(json).not.toContain(state);
    const settings = JSON.parse(readFileSync(join(c, STACK_DIR, "settings.json"), "utf8"));
    expect(settings.initArgs).toEqual([`-backend-config=path=${state}`]);
    // The real terraform takes that backend block and those init arguments: the state is
    // written where it lies, and a later init without them keeps using it.
    await withTerraformDir(
      {
        "main.tf.json": JSON.stringify({
          terraform: { backend: JSON.parse(json).terraform.backend },
          resource: { terraform_data: { probe: { input: "kept" } } },
        }),
      },
      async (dir) => {
        expect((await runTerraform(["init", "-input=false", ...settings.initArgs], { cwd: dir })).code).toBe(0);
        expect((await runTerraform(["apply", "-input=false", "-auto-approve"], { cwd: dir })).code).toBe(0);
        expect(JSON.parse(readFileSync(state, "utf8")).resources[0].instances[0].attributes.input.value).toBe("kept");
        expect((await runTerraform(["init", "-input=false"], { cwd: dir })).code).toBe(0);
        const plan = await runTerraform(["plan", "-input=false", "-detailed-exitcode"], { cwd: dir });
        expect(plan.code).toBe(0);
      },
    );
  });

  it("refuses an unknown platform set with exit code 2 and one line that says what to use", () => {
    let failure: { status: number; stderr: Buffer } | undefined;
    try {
      synth(a, { JUPYTERHUB_PLATFORM: "latest" });
    } catch (error) {
      failure = error as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr.toString()).toMatch(
      /^synth: JUPYTERHUB_PLATFORM=latest is not a platform set: use "current" or "blueprint" or "upgrade-1" or "upgrade-2" or "upgrade-3" or "upgrade-4"\./,
    );
    expect(failure?.stderr.toString()).not.toContain("    at ");
  });

  it("writes the blueprint set when asked, with the same addresses", () => {
    const blueprint = JSON.parse(synth(a, { JUPYTERHUB_PLATFORM: "blueprint" }));
    const current = JSON.parse(outA);
    expect(blueprint.module.eks_data_addons.version).toBe("1.33.0");
    expect(current.module.eks_data_addons.version).toBe("1.38.0");
    expect(Object.keys(blueprint.module).sort()).toEqual(Object.keys(current.module).sort());
    synth(a); // leave the default behind for the other cases
  });

  it("writes the review rendering with --hcl, removes a stale cdk.tf, and refuses cdktf's own --hcl", () => {
    writeFileSync(join(a, STACK_DIR, "cdk.tf"), "# left by cdktf synth --hcl\n");
    const { stderr } = synthRun(a, {}, ["--hcl"]);
    expect(existsSync(join(a, STACK_DIR, "cdk.tf"))).toBe(false);
    expect(readFileSync(join(a, STACK_DIR, "review", "main.tf"), "utf8")).toMatch(
      /^# Review rendering[^\n]*\n\n[\s\S]*\nterraform \{\n {2}backend "local" \{\n/,
    );
    expect(stderr).toContain(`synth: removed stale ${STACK_DIR}/cdk.tf\n`);
    expect(stderr).toContain(`synth: wrote ${STACK_DIR}/review/main.tf`);
    // Without --hcl the rendering goes: it would no longer match cdk.tf.json.
    expect(synthRun(a).stderr).toContain(`synth: removed stale ${STACK_DIR}/review/\n`);
    expect(existsSync(join(a, STACK_DIR, "review"))).toBe(false);
    let failure: { status: number; stderr: Buffer } | undefined;
    try {
      synthRun(a, { SYNTH_HCL_OUTPUT: "true" });
    } catch (error) {
      failure = error as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr.toString()).toMatch(/^synth: .*run `npm run synth -- --hcl`.*\n$/);
  });

  it("gives the same file as `cdktf synth`", () => {
    const cli = join(ROOT, "node_modules", ".bin", "cdktf");
    execFileSync(cli, ["synth"], {
      cwd: b,
      env: {
        PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        HOME: b,
        CI: "true",
        CHECKPOINT_DISABLE: "1",
        DISABLE_VERSION_CHECK: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(readFileSync(join(b, STACK_DIR, "cdk.tf.json"), "utf8")).toBe(outA);
    // The CLI must not have rewritten cdktf.json (no projectId churn).
    expect(readFileSync(join(b, "cdktf.json"), "utf8")).toBe(readFileSync(join(ROOT, "cdktf.json"), "utf8"));
  });
});
