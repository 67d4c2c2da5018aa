/**
 * scripts/check-state.ts (npm run check-state): the analysis against the blueprint set's
 * synthesized stack, and the real CLI as a child process for its exit codes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { analyze, differenceRows, evalCount, parseState, readState, render } from "../scripts/check-state";
import { PLATFORM_SETS } from "../versions";
import { runNodeCli } from "./helpers/cli";
import { addresses, synthStack } from "./helpers/synth";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "check-state.ts");
const STATES = path.join(__dirname, "fixtures", "states");
const stack = synthStack({ platform: PLATFORM_SETS.blueprint });
const rows = differenceRows(fs.readFileSync(path.join(ROOT, "docs", "differences.md"), "utf8"));
const state = (name: string) => readState(path.join(STATES, name));

let tmp = "";
let stackDir = "";
beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "check-state-test-")));
  stackDir = path.join(tmp, "stack");
  fs.mkdirSync(stackDir);
  fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(stack));
  fs.writeFileSync(path.join(stackDir, "settings.json"), JSON.stringify({ platform: "blueprint" }));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[]) => runNodeCli(SCRIPT, args, { cwd: tmp });

describe("the fixture states", () => {
  it("use the blueprint's real root addresses (and the old exclusive attachment), nothing invented", () => {
    // Besides the stack's: the old exclusive attachment and the unused token secret, both
    // left out of the configuration on purpose (docs/differences.md rows 2 and 32).
    const known = new Set([
      ...addresses(stack),
      "aws_iam_policy_attachment.s3_readonly_policy_attachment",
      "kubernetes_secret_v1.jupyterhub_single_user",
    ]);
    for (const name of ["blueprint-dummy.json", "blueprint-cognito.json"]) {
      for (const r of state(name).resources.filter((r) => !r.module)) {
        expect(
          known.has(`${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`),
          `${name}: ${r.type}.${r.name}`,
        ).toBe(true);
      }
    }
  });
});

describe("analyze", () => {
  it("dummy mode: only the documented destroy, the new opt-in S3 grants, every module call kept", () => {
    const report = analyze(state("blueprint-dummy.json"), stack, "blueprint");
    expect(report.mode).toBe("dummy");
    expect(report.destroyed).toEqual([]);
    expect(report.destroyedAsDocumented).toEqual([
      { address: "kubernetes_secret_v1.jupyterhub_single_user", rows: [32] },
    ]);
    // Counted by new variables (0 by default): listed with their count, which check-state cannot evaluate.
    expect(report.added.map((a) => a.address)).toEqual([
      "aws_iam_role_policy.notebook_s3_read[0]",
      "aws_iam_role_policy_attachment.s3_readonly_policy_attachment[0]",
    ]);
    expect(report.forgotten).toEqual([]);
    expect(report.kept).toBe(11);
    expect(report.modules.map((m) => [m.call, m.declared])).toEqual(
      [
        "ebs_csi_driver_irsa",
        "efs_config",
        "eks",
        "eks_blueprints_addons",
        "eks_data_addons",
        "jupyterhub_single_user_irsa",
        "vpc",
      ].map((n) => [`module.${n}`, true]),
    );
    expect(report.modules.find((m) => m.call === "module.eks")?.moduleInstances).toEqual([
      "module.eks",
      "module.eks.module.kms",
      'module.eks.module.eks_managed_node_group["core_node_group"]',
    ]);
    expect(report.warnings).toEqual([]);
  });

  it(
    "cognito mode: the exclusive attachment and the token secret destroyed as " +
      "documented, the permission and client secret added",
    () => {
      const report = analyze(state("blueprint-cognito.json"), stack, "blueprint");
      expect(report.mode).toBe("cognito");
      expect(report.destroyed).toEqual([]);
      expect(report.destroyedAsDocumented).toEqual([
        { address: "kubernetes_secret_v1.jupyterhub_single_user", rows: [32] },
        { address: "aws_iam_policy_attachment.s3_readonly_policy_attachment[0]", rows: [2] },
      ]);
      expect(report.forgotten).toEqual([]);
      expect(report.added.filter((a) => !a.count.startsWith('count "')).map((a) => a)).toEqual([
        { address: "aws_lambda_permission.pretoken_trigger[0]", count: "count: cognito mode = 1" },
        { address: "kubernetes_secret_v1.jupyterhub_oauth_client[0]", count: "count: not dummy mode = 1" },
      ]);
      const text = render(report, rows);
      expect(text).toContain(
        "  aws_iam_policy_attachment.s3_readonly_policy_attachment[0]  (docs/differences.md row 2)",
      );
      expect(text).toContain("Destroyed as documented (the fixes of the rows named):");
      expect(text).toMatch(/aws_lambda_permission\.pretoken_trigger\[0\] .*row 27\)/);
      expect(text).toMatch(/kubernetes_secret_v1\.jupyterhub_oauth_client\[0\] .*row 8\)/);
    },
  );

  it("a hand-added resource is named as destroyed", () => {
    const report = analyze(state("hand-added.json"), stack, "blueprint");
    expect(report.destroyed).toEqual([{ address: "aws_instance.bastion", why: "not declared by the stack" }]);
  });

  it("a karpenter-crd release in the state is destroyed by the blueprint set's count 0", () => {
    const s = state("blueprint-dummy.json");
    const withCrd = {
      ...s,
      resources: [
        ...s.resources,
        {
          mode: "managed" as const,
          type: "helm_release",
          name: "karpenter_crd",
          module: "",
          instances: [{ address: "helm_release.karpenter_crd[0]", index: 0 }],
        },
      ],
    };
    const report = analyze(withCrd, stack, "blueprint");
    expect(report.destroyed).toEqual([
      { address: "helm_release.karpenter_crd[0]", why: "count 0 is 0 for dummy mode in the blueprint set" },
    ]);
    expect(render(report, rows)).toMatch(/helm_release\.karpenter_crd\[0\]: .*rows? .*22/);
  });

  it("a module call the stack does not declare loses everything in it; a count shape change is a move", () => {
    const s = state("blueprint-dummy.json");
    const extra = {
      ...s,
      resources: [
        ...s.resources.filter((r) => !(r.type === "aws_security_group" && r.name === "efs")),
        {
          mode: "managed" as const,
          type: "aws_security_group",
          name: "efs",
          module: "",
          instances: [{ address: "aws_security_group.efs[0]", index: 0 }],
        },
        {
          mode: "managed" as const,
          type: "aws_iam_role",
          name: "this",
          module: "module.team_role",
          instances: [{ address: "module.team_role.aws_iam_role.this[0]", index: 0 }],
        },
      ],
    };
    const report = analyze(extra, stack, "blueprint");
    expect(report.moved).toEqual([{ from: "aws_security_group.efs[0]", to: "aws_security_group.efs" }]);
    expect(report.destroyed.map((d) => d.address)).toEqual(["module.team_role"]);
  });

  it("warns when the stack was synthesized with another platform set", () => {
    const report = analyze(state("blueprint-dummy.json"), stack, "current");
    expect(report.warnings.join("\n")).toContain('"current" platform set');
  });

  it("evaluates the auth-mode counts", () => {
    const cognito = '${var.jupyter_hub_auth_mechanism == "cognito" ? 1 : 0}';
    const notDummy = '${var.jupyter_hub_auth_mechanism != "dummy" ? 1 : 0}';
    expect([
      evalCount(cognito, "cognito"),
      evalCount(cognito, "oauth"),
      evalCount(notDummy, "oauth"),
      evalCount(notDummy, "dummy"),
    ]).toEqual([1, 0, 1, 0]);
    expect(evalCount("${length(var.x)}", "dummy")).toBeUndefined();
  });

  it("refuses states it cannot read", () => {
    expect(() => parseState('{"version": 3, "modules": []}', "s.json")).toThrow(/format 3/);
    expect(() => parseState('{"version": 4, "resources": [', "s.json")).toThrow(/not JSON \(truncated\?\)/);
    expect(() => parseState('{"version": 4}', "s.json")).toThrow(/no "resources"/);
    expect(() => parseState("[]", "s.json")).toThrow(/no JSON object/);
  });
});

describe.concurrent("npm run check-state", () => {
  it("exit 0 for the healthy states", async () => {
    for (const name of ["blueprint-dummy.json", "blueprint-cognito.json"]) {
      const r = await run([path.join(STATES, name), "--stack-dir", stackDir]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n").pop()).toMatch(/^check-state: safe: /);
    }
  });

  it("exit 1 naming the hand-added resource", async () => {
    const r = await run([path.join(STATES, "hand-added.json"), `--stack-dir=${stackDir}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DESTROYED by a plan:\n  aws_instance.bastion: not declared by the stack");
    expect(r.stdout.trim().split("\n").pop()).toBe("check-state: NOT safe: a plan would destroy aws_instance.bastion");
  });

  it.each([
    ["truncated.json", /truncated.json is not JSON \(truncated\?\)/],
    ["format-3.json", /format-3.json is a state of format 3/],
    ["missing.json", /missing.json: no such file/],
  ])("exit 2 with one line for %s", async (name, message) => {
    const r = await run([path.join(STATES, name), "--stack-dir", stackDir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("exit 2 without a synthesized stack or without a state file", async () => {
    const none = await run([path.join(STATES, "blueprint-dummy.json"), "--stack-dir", path.join(tmp, "nothing")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cdk.tf.json does not exist: run npm run synth first/);
    const noArg = await run(["--stack-dir", stackDir]);
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toMatch(/name the state file/);
  });
});
