/**
 * scripts/compare.ts (npm run compare) against test/fixtures/blueprint, a reduced copy of the
 * blueprint's root module (its .tf files without comments, its helm values files byte for byte),
 * and against a fork drifted from it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { notebookProfiles, shippedProfiles } from "../profiles";
import {
  compare,
  type Difference,
  hclSide,
  normalizeExpr,
  readIndex,
  report,
  rowsFor,
  stackSide,
  templateCall,
} from "../scripts/compare";
import { PLATFORM_SETS } from "../versions";
import { runNodeCli } from "./helpers/cli";
import { synthStack } from "./helpers/synth";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "compare.ts");
const BLUEPRINT = path.join(__dirname, "fixtures", "blueprint");
const DIFFERENCES = fs.readFileSync(path.join(ROOT, "docs", "differences.md"), "utf8");
const index = readIndex(DIFFERENCES);
const stack = stackSide(synthStack({ platform: PLATFORM_SETS.blueprint, profiles: shippedProfiles(notebookProfiles) }));

let tmp = "";
let stackDir = "";
let fork = "";
let blueprintDiffs: Difference[] = [];

/** The fork's own changes, each a plain edit of one blueprint file. */
const FORK_EDITS: [string, string, string][] = [
  ["variables.tf", 'default     = "us-west-2"', 'default     = "eu-central-1"'],
  [
    "variables.tf",
    'variable "name" {',
    'variable "cost_center" {\n  type    = string\n  default = "ml-platform"\n}\n\nvariable "name" {',
  ],
  ["main.tf", "max_size     = 8", "max_size     = 12"],
  ["helm/kube-prometheus-stack/values.yaml", "retention: 5h", "retention: 24h"],
];

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyDir(path.join(from, entry.name), path.join(to, entry.name));
    else fs.copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
  }
}

beforeAll(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "compare-test-")));
  stackDir = path.join(tmp, "stack");
  fs.mkdirSync(stackDir);
  fs.writeFileSync(
    path.join(stackDir, "cdk.tf.json"),
    JSON.stringify(synthStack({ platform: PLATFORM_SETS.blueprint, profiles: shippedProfiles(notebookProfiles) })),
  );
  fs.writeFileSync(path.join(stackDir, "settings.json"), JSON.stringify({ platform: "blueprint" }));
  fork = path.join(tmp, "fork");
  copyDir(BLUEPRINT, fork);
  for (const [file, from, to] of FORK_EDITS) {
    const p = path.join(fork, file);
    const text = fs.readFileSync(p, "utf8");
    expect(text, `${file}: ${from}`).toContain(from);
    fs.writeFileSync(p, text.replace(from, to));
  }
  blueprintDiffs = compare((await hclSide(BLUEPRINT)).side, stack);
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[]) => runNodeCli(SCRIPT, args, { cwd: tmp });

describe("docs/differences.md and the blueprint", () => {
  it("every difference compare finds against the blueprint is covered by a row", () => {
    expect(blueprintDiffs.length).toBeGreaterThan(30);
    expect(blueprintDiffs.filter((d) => rowsFor(d, index).length === 0).map((d) => d.path)).toEqual([]);
  });

  it("every row is in the index, and every row with patterns matches a real difference", () => {
    const tableRows = [...DIFFERENCES.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(index.map((r) => r.row)).toEqual(tableRows);
    for (const row of index) {
      if (row.note) continue;
      for (const pattern of row.patterns) {
        const matched = blueprintDiffs.some((d) => rowsFor(d, [{ row: row.row, patterns: [pattern] }]).length > 0);
        expect(matched, `row ${row.row}: ${pattern} matches no difference`).toBe(true);
      }
    }
  });

  it(
    "sees formatting as the same values: the blueprint's values files, formatted " +
      "otherwise than ours, compare equal",
    () => {
      expect(blueprintDiffs.some((d) => d.path.includes("kube_prometheus_stack.values"))).toBe(false);
      expect(blueprintDiffs.some((d) => d.path.includes("aws_for_fluentbit.values"))).toBe(false);
    },
  );
});

describe("a drifted fork", () => {
  it("lists exactly the fork's own changes as not documented", async () => {
    const diffs = compare((await hclSide(fork)).side, stack);
    const { undocumented, text } = report(diffs, index);
    expect(undocumented).toEqual([
      { path: "module.eks.eks_managed_node_groups.core_node_group.max_size", kind: "changed", hcl: 12, stack: 8 },
      {
        path: "module.eks_blueprints_addons.kube_prometheus_stack.values[0].prometheus.prometheusSpec.retention",
        kind: "changed",
        hcl: "24h",
        stack: "5h",
      },
      { path: "variable.cost_center", kind: "only in the HCL" },
      { path: "variable.region.default", kind: "changed", hcl: "eu-central-1", stack: "us-west-2" },
    ]);
    expect(text).toContain('  variable.region.default: "eu-central-1" -> "us-west-2"');
    expect(text.trim().split("\n").pop()).toBe(`compare: ${diffs.length - 4} documented differences, 4 not documented`);
  });
});

describe("helpers", () => {
  it("reads templatefile() calls and normalizes expressions", () => {
    expect(
      templateCall('templatefile("${path.module}/helm/x.yaml", {\n  a = var.a\n  b = try(x["k"], "")\n})'),
    ).toEqual({
      file: "${path.module}/helm/x.yaml",
      vars: { a: "var.a", b: 'try(x["k"], "")' },
    });
    expect(templateCall('file("${path.module}/v.yaml")')).toEqual({ file: "${path.module}/v.yaml", vars: {} });
    expect(normalizeExpr('merge(local.tags, {\n  Name = "a b",\n})')).toBe(
      normalizeExpr('merge(local.tags, {"Name" = "a b"})'),
    );
  });
});

describe.concurrent("npm run compare", () => {
  it("exit 0 for the blueprint, 1 for the fork", async () => {
    const ok = await run([BLUEPRINT, "--stack-dir", stackDir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("(platform blueprint)");
    expect(ok.stdout.trim().split("\n").pop()).toMatch(/^compare: \d+ documented differences, 0 not documented$/);
    const drifted = await run([fork, `--stack-dir=${stackDir}`]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain("variable.cost_center: only in the HCL");
  });

  it("exit 2 for a missing directory, a directory without .tf files, HCL that does not parse, no stack", async () => {
    const empty = path.join(tmp, "empty");
    fs.mkdirSync(empty, { recursive: true });
    const broken = path.join(tmp, "broken");
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, "main.tf"), 'variable "x" {\n');
    for (const [args, message] of [
      [[path.join(tmp, "nope"), "--stack-dir", stackDir], /nope: no such directory/],
      [[empty, "--stack-dir", stackDir], /holds no \.tf file/],
      [[broken, "--stack-dir", stackDir], /main\.tf: /],
      [[BLUEPRINT, "--stack-dir", empty], /cdk\.tf\.json does not exist: run npm run synth first/],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
