/**
 * Chart by chart: the helm values the stack renders (`blueprint` platform set, each auth mode
 * for JupyterHub) are the blueprint's values plus the differences listed in
 * test/helm-values-differences.ts, each explained by a row of docs/differences.md. Both sides
 * are rendered by the real terraform from the same sample inputs (test/helpers/blueprint-values.ts).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { notebookProfiles, shippedProfiles } from "../profiles";
import { readIndex, rowsFor } from "../scripts/compare";
import { PLATFORM_SETS } from "../versions";
import { HELM_VALUES_DIFFERENCES } from "./helm-values-differences";
import { BLUEPRINT_DIR, type RenderedValues, renderValues } from "./helpers/blueprint-values";
import { synthStack } from "./helpers/synth";
import { checkDifferences, differenceReport, diffValues } from "./helpers/values-diff";
import { parseAsHelm, parseBoth } from "./helpers/yaml";

const LIST_FILE = "test/helm-values-differences.ts";
// The shipped profiles only: a team may add its own to the catalog (docs/profiles.md).
const json = synthStack({ platform: PLATFORM_SETS.blueprint, profiles: shippedProfiles(notebookProfiles) });

/** Where scripts/compare.ts reports each chart's values, for matching paths against the Index of docs/differences.md. */
const COMPARE_PREFIX: Record<string, string> = {
  "metrics-server": "module.eks_blueprints_addons.metrics_server.values[0]",
  "cluster-autoscaler": "module.eks_blueprints_addons.cluster_autoscaler.values[0]",
  "kube-prometheus-stack": "module.eks_blueprints_addons.kube_prometheus_stack.values[0]",
  "aws-for-fluentbit": "module.eks_blueprints_addons.aws_for_fluentbit.values[0]",
  kubecost: "module.eks_data_addons.kubecost_helm_config.values[0]",
  "nvidia-device-plugin": "module.eks_data_addons.nvidia_device_plugin_helm_config.values[0]",
  ...Object.fromEntries(
    ["dummy", "cognito", "oauth"].map((m) => [
      `jupyterhub{${m}}`,
      `module.eks_data_addons.jupyterhub_helm_config.values[0]{${m}}`,
    ]),
  ),
  ...Object.fromEntries(
    Object.keys(json.module.eks_data_addons.karpenter_resources_helm_config).map((k) => [
      `karpenter-resources{${k}}`,
      // compare writes a key with hyphens after a dot, as it does any key of letters, digits, _ and -.
      `module.eks_data_addons.karpenter_resources_helm_config.${k}.values[0]`,
    ]),
  ),
};
const CHARTS = Object.keys(COMPARE_PREFIX);

let rendered: RenderedValues = {};
beforeAll(async () => {
  rendered = await renderValues(json);
});

describe("the vendored blueprint values (test/fixtures/blueprint/helm)", () => {
  it("are the blueprint's files, byte for byte", () => {
    // sha256 of awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/helm/<file>
    const blueprint: Record<string, string> = {
      "aws-for-fluentbit/values.yaml": "65deea2f3a0e52f6785ff567959012b7f5619a738fc0a6187f870c5d6114c0ca",
      "cluster-autoscaler/values.yaml": "e9015a878eb0b4f33241eb86cc4e3994620110ff8885262f5f5a1980e7fd6af9",
      "jupyterhub/jupyterhub-values-cognito.yaml": "4aa63f3dd73e60f78ab2a28562c9b3e89c072a625ca449e4886869a517a3f28c",
      "jupyterhub/jupyterhub-values-dummy.yaml": "03bd5f5eb15cfa99fce0f1bedafb87c06aba71b1739c830c439ec8d8fe5f7259",
      "jupyterhub/jupyterhub-values-oauth.yaml": "080aaa4f3dc2b030d93a808f5611ac612c1bcf87bf43bb139c3ad283ac189e77",
      "kube-prometheus-stack/values.yaml": "5a02d4223c2a0f19ec09d9448e502589cfe9bca4c5f7a5e3978408f3a1e60439",
      "kubecost/values.yaml": "be2ab5beb56b6e0270a7ade79233005d12ed961aec656e3415b4b88eebb60de0",
      "metrics-server/values.yaml": "de3c06a415f0f9fedf98f7c2bec57b217322e9b6413c60ab2676b922bfefcc20",
    };
    const dir = join(BLUEPRINT_DIR, "helm");
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
    expect(files).toEqual(Object.keys(blueprint).sort());
    for (const [file, sha] of Object.entries(blueprint)) {
      expect(
        createHash("sha256")
          .update(readFileSync(join(dir, file)))
          .digest("hex"),
        file,
      ).toBe(sha);
    }
  });
});

describe("our helm values against the blueprint's, rendered by terraform from the same inputs", () => {
  it("renders every values document of the blueprint, and ours for each", () => {
    expect(Object.keys(rendered).sort()).toEqual([...CHARTS].sort());
    for (const [chart, { blueprint, ours }] of Object.entries(rendered)) {
      expect(typeof blueprint, chart).toBe("string");
      expect(typeof ours, chart).toBe("string");
      // Every template was rendered (a `${` left over would be a reference the samples missed).
      expect(ours, chart).not.toContain("${");
    }
  });

  it.each(CHARTS)("%s: ours == the blueprint's + the documented differences", (chart) => {
    const { blueprint, ours } = rendered[chart]!;
    // Ours reads the same in YAML 1.1 (Helm) and 1.2; the blueprint's is compared as Helm reads it.
    const found = diffValues(chart, parseAsHelm(blueprint), parseBoth(ours));
    const documented = HELM_VALUES_DIFFERENCES.filter((d) => d.chart === chart);
    expect(differenceReport(checkDifferences(found, documented), LIST_FILE)).toBe("");
  });
});

describe(`the list of documented differences (${LIST_FILE})`, () => {
  const markdown = readFileSync(join(__dirname, "..", "docs", "differences.md"), "utf8");
  const tableRows = new Set([...markdown.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));
  const index = readIndex(markdown);

  it("names only charts that are compared, each difference once", () => {
    for (const d of HELM_VALUES_DIFFERENCES) expect(CHARTS, `${d.chart} ${d.path}`).toContain(d.chart);
    const keys = HELM_VALUES_DIFFERENCES.map((d) => `${d.chart} ${d.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it("docs/differences.md names the rows the list uses and the charts that differ", () => {
    const section = /^## How the helm values are checked\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? "";
    const sentence = /only the (\w+) values differ\s+\(rows ([\d, and]+)\)/.exec(section.replace(/\n/g, " "));
    expect(sentence, "the sentence naming the rows of the list").not.toBeNull();
    const rows = [...new Set(HELM_VALUES_DIFFERENCES.flatMap((d) => [d.row].flat()))].sort((a, b) => a - b);
    expect(sentence![2]!.split(/, | and /).map(Number)).toEqual(rows);
    expect([...new Set(HELM_VALUES_DIFFERENCES.map((d) => d.chart.replace(/\{.*\}$/, "")))]).toEqual([
      sentence![1]!.toLowerCase(),
    ]);
  });

  it("names rows of docs/differences.md whose Index covers the path (or that compare cannot see)", () => {
    for (const d of HELM_VALUES_DIFFERENCES) {
      const rows = [d.row].flat();
      const where = `${d.chart} ${d.path} (row ${rows.join(", ")})`;
      for (const row of rows) expect(tableRows.has(row), where).toBe(true);
      const entries = index.filter((r) => rows.includes(r.row));
      const covered =
        entries.some((r) => r.note !== undefined) ||
        rowsFor({ path: `${COMPARE_PREFIX[d.chart]}.${d.path}`, kind: "changed" }, entries).length > 0;
      expect(covered, `${where}: add the path to the row's line in the Index of docs/differences.md`).toBe(true);
    }
  });
});

describe("diffValues (test/helpers/values-diff.ts)", () => {
  it("reports changed, added and removed paths, whole lists of other lengths, profiles by name and their order", () => {
    const p = (name: string, cpu = 1) => ({ display_name: name, cpu });
    const blueprint = {
      a: { b: 1, gone: true },
      list: [1, 2],
      same: [1],
      profiles: [p("CPU 1"), p("GPU 2"), p("Old 3")],
    };
    const ours = { a: { b: "1", added: null }, list: [1], same: [1], profiles: [p("GPU 2", 2), p("CPU 1")] };
    expect(diffValues("x", blueprint, ours)).toEqual([
      { chart: "x", path: "a.b", blueprint: 1, ours: "1" },
      { chart: "x", path: "a.gone", blueprint: true },
      { chart: "x", path: "a.added", ours: null },
      { chart: "x", path: "list", blueprint: [1, 2], ours: [1] },
      { chart: "x", path: 'profiles["GPU 2"].cpu', blueprint: 1, ours: 2 },
      { chart: "x", path: 'profiles["Old 3"]', blueprint: p("Old 3") },
      { chart: "x", path: "profiles[*].display_name", blueprint: ["CPU 1", "GPU 2"], ours: ["GPU 2", "CPU 1"] },
    ]);
  });

  it("matches listed differences by value and by which side has the path", () => {
    const found = [{ chart: "x", path: "a", blueprint: 1, ours: 2 }];
    expect(checkDifferences(found, [{ ...found[0]!, row: 1 }])).toEqual({ undocumented: [], stale: [] });
    const wrongValue = { chart: "x", path: "a", blueprint: 1, ours: 3, row: 1 };
    const wrongSide = { chart: "x", path: "a", ours: 2, row: 1 };
    for (const listed of [wrongValue, wrongSide])
      expect(checkDifferences(found, [listed])).toEqual({ undocumented: found, stale: [listed] });
  });
});
