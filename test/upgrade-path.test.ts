/**
 * The upgrade path from the blueprint set to `current`: what each stage changes in the
 * synthesized JSON against the tables of docs/upgrading.md, the karpenter-crd release, the v1
 * NodePools, and plan-time checks by the real terraform.
 */

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import { NodePool as KarpenterNodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import { parse as parseYaml } from "yaml";
import { NOTEBOOK_POOL_BUDGETS } from "../profiles";
import { PLATFORM_NAMES, PLATFORM_SETS, type PlatformName, UPGRADE_PATH } from "../versions";
import { type ChangedPaths, changedPaths } from "./helpers/json-diff";
import { renderKarpenterResources } from "./helpers/karpenter-resources-chart";
import { addresses, synthStack, type TerraformJson } from "./helpers/synth";
import { substitute } from "./helpers/template";
import {
  eksVersionRuleDir,
  makeTerraformDir,
  parseDiagnostics,
  removeTerraformDir,
  runTerraform,
} from "./helpers/terraform";

const ROOT = resolve(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const synth = (name: PlatformName): TerraformJson => synthStack({ platform: PLATFORM_SETS[name] });
const validate = (model: unknown): void => (model as { validate(): void }).validate();

const PATH = UPGRADE_PATH.map((s) => s.platform);
/** Each stage after the first with the one before it. */
const STEPS = PATH.slice(1).map((to, i) => ({ from: PATH[i], to }));

/**
 * The machine-readable tables of docs/upgrading.md: between `<!-- stage-changes <set> -->` and
 * `<!-- /stage-changes -->`, one row per address, its changed paths in backticks.
 */
function stageTables(markdown: string): Record<string, ChangedPaths> {
  const out: Record<string, ChangedPaths> = {};
  for (const [, set, body] of markdown.matchAll(
    /<!-- stage-changes ([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/stage-changes -->/g,
  )) {
    const rows = body.trim().split("\n").slice(2); // header and separator
    const table: ChangedPaths = {};
    for (const row of rows) {
      const cells = row.split(" | ");
      expect(cells.length, `${set}: ${row}`).toBe(2);
      const address = cells[0].replace(/^\| `|`$/g, "");
      table[address] = [...cells[1].replace(/ \|$/, "").matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    }
    expect(out[set], `two tables for ${set}`).toBeUndefined();
    out[set] = table;
  }
  return out;
}

/** The fenced code blocks of a Markdown file, comments (after `#`) removed: they may be translated. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) =>
    m[1]
      .split("\n")
      .map((line) => line.replace(/\s+#\s.*$/, "").trimEnd())
      .join("\n"),
  );
}

/** The first column of the overview table ("## The path" / "## 升级路径"): the sets, in order. */
function overview(markdown: string, heading: string): { set: string; title: string }[] {
  const section = markdown.slice(markdown.indexOf(`## ${heading}\n`));
  const table = section.slice(section.indexOf("\n|"), section.indexOf("\n\n", section.indexOf("\n|") + 1));
  return table
    .trim()
    .split("\n")
    .slice(2)
    .map((row) => row.split(" | "))
    .map((cells) => ({ set: cells[1].replace(/`/g, ""), title: cells[2] }));
}

const english = read("docs/upgrading.md");
const chinese = read("docs/upgrading.zh-CN.md");

describe("the upgrade path", () => {
  it("goes from blueprint through upgrade-1 to upgrade-4 to current, every set once", () => {
    expect(PATH).toEqual(["blueprint", "upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4", "current"]);
    expect([...PATH].sort()).toEqual([...PLATFORM_NAMES].sort());
    for (const { platform, title } of UPGRADE_PATH) {
      expect(title.length, platform).toBeGreaterThan(20);
      expect(title, platform).not.toMatch(/\n/);
    }
    for (const name of ["upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4"] as const) {
      expect(PLATFORM_SETS[name].summary, name).toMatch(/^upgrade stage [1-4] of 4 from blueprint: /);
    }
  });

  it(
    "tells the stages apart by Karpenter, the karpenter-crd release, the image " + "family and the JupyterHub chart",
    () => {
      const keys = PATH.map((name) => {
        const set = PLATFORM_SETS[name];
        return [
          set.karpenter.version,
          set.karpenterCrd?.version ?? "none",
          set.nodeImage.family,
          set.charts.jupyterhub.version,
        ].join(" ");
      });
      expect(keys).toEqual([
        "0.37.0 none AL2 3.2.1",
        "0.37.8 0.37.8 AL2 3.2.1",
        "1.0.14 1.0.14 AL2 3.2.1",
        "1.0.14 1.0.14 AL2023 3.2.1",
        "1.14.1 1.14.1 AL2023 3.2.1",
        "1.14.1 1.14.1 AL2023 4.4.0",
      ]);
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  it.each(PATH)("%s: the synthesized stack carries the set's versions and keeps every blueprint address", (name) => {
    const json = synth(name);
    const set = PLATFORM_SETS[name];
    expect(addresses(json)).toEqual(addresses(synth("blueprint")));
    expect(json.module.eks_blueprints_addons.karpenter.chart_version).toBe(set.karpenter.version);
    const crd = json.resource.helm_release.karpenter_crd;
    expect(crd.count).toBe(set.karpenterCrd ? 1 : 0);
    if (set.karpenterCrd) expect(crd.version).toBe(set.karpenterCrd.version);
    expect(json.module.eks_data_addons.jupyterhub_helm_config.version).toBe(set.charts.jupyterhub.version);
    expect(json.module.eks_data_addons.version).toBe(set.modules.eksDataAddons.version);
  });
});

describe("changedPaths", () => {
  it("names the address and the first differing path: keys on one side, scalars, arrays of another length", () => {
    const a = {
      resource: { helm_release: { x: { count: 0, values: ["a"], set: [{ name: "n", value: "1" }] } } },
      module: { m: { karpenter: { chart_version: "1" }, "//": { metadata: 1 } } },
      variable: { v: { default: "1" } },
    };
    const b = {
      resource: { helm_release: { x: { count: 1, values: ["a", "b"], set: [{ name: "n", value: "2" }] } } },
      module: { m: { karpenter: { chart_version: "1", skip_crds: true }, "//": { metadata: 2 } } },
      variable: { v: { default: "1" } },
      locals: { l: "new" },
    };
    expect(changedPaths(a, b)).toEqual({
      "helm_release.x": ["count", "set[0].value", "values"],
      "local.l": [""],
      "module.m": ["karpenter.skip_crds"],
    });
    expect(changedPaths(a, a)).toEqual({});
  });
});

describe("docs/upgrading.md", () => {
  const tables = stageTables(english);

  it("has one table of changes per stage after blueprint, the same in both languages", () => {
    expect(Object.keys(tables).sort()).toEqual(PATH.slice(1).sort());
    expect(stageTables(chinese)).toEqual(tables);
  });

  it.each(STEPS)("$from -> $to: the stacks differ in exactly the documented paths", ({ from, to }) => {
    expect(changedPaths(synth(from), synth(to))).toEqual(tables[to]);
  });

  it("would catch a table that leaves a change out (the check can fail)", () => {
    const actual = changedPaths(synth("blueprint"), synth("upgrade-1"));
    const { "helm_release.karpenter_crd": _left, ...incomplete } = tables["upgrade-1"];
    expect(incomplete).not.toEqual(actual);
    expect(changedPaths(synth("blueprint"), synth("upgrade-2"))).not.toEqual(tables["upgrade-2"]);
  });

  it("lists the path in order with the titles of UPGRADE_PATH; the Chinese page the same sets", () => {
    expect(overview(english, "The path")).toEqual(UPGRADE_PATH.map((s) => ({ set: s.platform, title: s.title })));
    expect(overview(chinese, "升级路径").map((r) => r.set)).toEqual(PATH);
  });

  it("has the same commands in both languages, and names every option of scripts/upgrade.sh", () => {
    const blocks = codeBlocks(english);
    expect(blocks.length).toBeGreaterThan(8);
    expect(codeBlocks(chinese)).toEqual(blocks);
    const script = readFileSync(join(__dirname, "..", "scripts", "upgrade.sh"), "utf8");
    const declared = [...script.matchAll(/^LC_(?:FLAG|VALUE)_OPTIONS=\(([^)]*)\)/gm)].flatMap((m) =>
      m[1]!.split(/\s+/).filter(Boolean),
    );
    expect(declared).toContain("--wait-for-idle");
    for (const page of [english, chinese]) {
      for (const option of [...declared, "--dry-run", "--yes"]) expect(page, option).toContain(option);
    }
  });
});

describe("stage 1 and later: the karpenter-crd release", () => {
  const crdValues = (json: TerraformJson) => {
    const values = json.resource.helm_release.karpenter_crd.values as string[] | undefined;
    return values === undefined ? undefined : values.map((v) => parseYaml(v));
  };

  it("installs chart karpenter-crd in Karpenter's namespace with the ECR Public token, after the cluster", () => {
    for (const name of PATH) {
      const crd = synth(name).resource.helm_release.karpenter_crd;
      expect(crd, name).toMatchObject({
        name: "karpenter-crd",
        namespace: "karpenter",
        repository: "oci://public.ecr.aws/karpenter",
        chart: "karpenter-crd",
        repository_username: "${data.aws_ecrpublic_authorization_token.token.user_name}",
        repository_password: "${data.aws_ecrpublic_authorization_token.token.password}",
        // The cluster's output, not `module.eks`: that module reads Karpenter's node role, which waits for this release.
        depends_on: ["module.eks.cluster_name"],
      });
    }
  });

  it("sets the conversion webhook values on 0.37.8 and 1.0.14, none on 1.14.1 (whose chart has none)", () => {
    const webhook = [{ webhook: { enabled: true, serviceName: "karpenter", port: 8443 } }];
    expect(crdValues(synth("upgrade-1"))).toEqual(webhook);
    expect(crdValues(synth("upgrade-2"))).toEqual(webhook);
    expect(crdValues(synth("upgrade-3"))).toEqual(webhook);
    expect(crdValues(synth("upgrade-4"))).toBeUndefined();
    expect(crdValues(synth("current"))).toBeUndefined();
  });

  it(
    "makes the Karpenter release skip its CRDs and wait for the release through an " + "input, not a module depends_on",
    () => {
      for (const name of PATH) {
        const json = synth(name);
        for (const [module, body] of Object.entries(json.module))
          expect(body.depends_on ?? [], `${name}: module.${module}`).not.toContain("helm_release.karpenter_crd");
        expect(json.module.eks_blueprints_addons.depends_on, name).toBeUndefined();
        const skip = json.module.eks_blueprints_addons.karpenter.skip_crds;
        if (PLATFORM_SETS[name].karpenterCrd)
          expect(skip, name).toBe("${length(helm_release.karpenter_crd[*].name) > 0}");
        else expect(skip, name).toBeUndefined();
      }
    },
  );
});

describe("stage 3: the v1 NodePools on Amazon Linux 2023", () => {
  const config = (json: TerraformJson) =>
    json.module.eks_data_addons.karpenter_resources_helm_config as Record<string, { values: string[] }>;
  const resolveRef = (expr: string): string => {
    if (expr.includes("private_subnets")) return "subnet-0123456789abcdef0";
    if (expr.includes("node_iam_role_arn")) return "karpenter-jupyterhub-on-eks-2026112701000000000001";
    if (expr.includes("cluster_name")) return "jupyterhub-on-eks";
    throw new Error(`unexpected interpolation in NodePool values: ${expr}`);
  };

  it("renders exactly what current renders", () => {
    expect(config(synth("upgrade-3"))).toEqual(config(synth("current")));
    expect(config(synth("upgrade-3"))).not.toEqual(config(synth("upgrade-2")));
  });

  it.each(Object.keys(config(synth("upgrade-3"))))(
    "%s: a valid karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass, alias al2023@latest, drift budget",
    (key) => {
      const values = parseYaml(substitute(config(synth("upgrade-3"))[key].values[0], resolveRef)) as Record<
        string,
        unknown
      >;
      const { nodePool, ec2NodeClass } = renderKarpenterResources(values);
      expect(() => validate(new KarpenterNodePool(nodePool as never))).not.toThrow();
      expect(() => validate(new EC2NodeClass(ec2NodeClass as never))).not.toThrow();
      expect(ec2NodeClass!.spec.amiSelectorTerms).toEqual([{ alias: "al2023@latest" }]);
      expect(nodePool!.spec.disruption.budgets).toEqual(NOTEBOOK_POOL_BUDGETS);
      expect(nodePool!.spec.template.spec.nodeClassRef).toMatchObject({
        group: "karpenter.k8s.aws",
        kind: "EC2NodeClass",
      });
    },
  );

  it("would be caught by the schema if the pools were still v1beta1 (the check can fail)", () => {
    const [first] = Object.values(config(synth("upgrade-2")));
    const values = parseYaml(substitute(first.values[0], resolveRef)) as Record<string, any>;
    const { nodePool } = renderKarpenterResources({
      ...values,
      nodePool: {
        ...values.nodePool,
        disruption: { ...values.nodePool.disruption, consolidationPolicy: "WhenUnderutilized" },
      },
    });
    expect(() => validate(new KarpenterNodePool(nodePool as never))).toThrow(/consolidationPolicy/);
  });
});

describe(
  "the Karpenter release waits for the CRD release without deferring the module's " + "data sources (real terraform)",
  () => {
    // A stand-in of the two releases with Terraform's built-in provider: the root's counted
    // karpenter_crd, and a module whose release reads `var.karpenter.skip_crds` and whose data
    // source reads another attribute of the same input, as eks-blueprints-addons' policy document does.
    let dir: string;
    beforeAll(() => {
      const skip = synth("upgrade-1").module.eks_blueprints_addons.karpenter.skip_crds as string;
      // terraform_data has `input` where helm_release has `name` (both set in the configuration).
      const standIn = skip.replace("helm_release.karpenter_crd[*].name", "terraform_data.karpenter_crd[*].input");
      expect(standIn).not.toBe(skip);
      const addons = {
        variable: { karpenter: { type: "any" } },
        data: {
          terraform_remote_state: {
            policy: { backend: "local", config: { path: '${lookup(var.karpenter, "state", "")}' } },
          },
        },
        resource: { terraform_data: { release: { input: "${try(var.karpenter.skip_crds, null)}" } } },
      };
      const karpenter = (skipCrds: string | boolean) => ({ state: "${path.root}/empty.tfstate", skip_crds: skipCrds });
      const root = {
        resource: { terraform_data: { karpenter_crd: { count: 1, input: "crd" } } },
        module: {
          by_input: { source: "./addons", karpenter: karpenter(standIn) },
          by_depends_on: {
            source: "./addons",
            karpenter: karpenter(true),
            depends_on: ["terraform_data.karpenter_crd"],
          },
        },
      };
      dir = makeTerraformDir({
        "main.tf.json": JSON.stringify(root, null, 2),
        "addons/main.tf.json": JSON.stringify(addons, null, 2),
        "empty.tfstate": JSON.stringify({
          version: 4,
          terraform_version: "1.9.0",
          serial: 1,
          lineage: "empty",
          outputs: {},
          resources: [],
        }),
      });
    });
    afterAll(() => removeTerraformDir(dir));

    it(
      "plans the data source at plan time with the input reference, and defers it " + "with a module depends_on",
      async () => {
        const init = await runTerraform(["init", "-input=false", "-backend=false"], { cwd: dir });
        expect(init.code, init.stderr).toBe(0);
        const plan = await runTerraform(["plan", "-input=false", "-lock=false", "-json", "-out=tfplan"], { cwd: dir });
        expect(parseDiagnostics(plan.stdout).filter((d) => d.severity === "error")).toEqual([]);
        const changes = plan.stdout
          .split("\n")
          .filter((l) => l.includes('"type":"planned_change"'))
          .map((l) => JSON.parse(l).change as { resource: { addr: string }; action: string; reason?: string });
        const reads = changes.filter((c) => c.action === "read").map((c) => `${c.resource.addr} ${c.reason}`);
        expect(reads).toEqual([
          "module.by_depends_on.data.terraform_remote_state.policy read_because_dependency_pending",
        ]);
        // skip_crds is known at plan time: true.
        const show = await runTerraform(["show", "-json", "tfplan"], { cwd: dir });
        const planned = (
          JSON.parse(show.stdout) as { resource_changes: { address: string; change: { after: { input?: unknown } } }[] }
        ).resource_changes;
        expect(planned.find((c) => c.address === "module.by_input.terraform_data.release")?.change.after.input).toBe(
          true,
        );

        const apply = await runTerraform(["apply", "-input=false", "-lock=false", "-json", "tfplan"], { cwd: dir });
        expect(apply.code, apply.stderr).toBe(0);
        const events = apply.stdout
          .split("\n")
          .filter((l) => l.includes('"type":"apply_start"') || l.includes('"type":"apply_complete"'))
          .map((l) => JSON.parse(l) as { type: string; hook: { resource: { addr: string } } })
          .map((m) => `${m.type} ${m.hook.resource.addr}`);
        expect(events.indexOf("apply_start module.by_input.terraform_data.release")).toBeGreaterThan(
          events.indexOf("apply_complete terraform_data.karpenter_crd[0]"),
        );
        expect(apply.stdout).toContain('"module.by_input.terraform_data.release"');
      },
    );
  },
);

describe("eks_cluster_version of each stage at plan time, by the real terraform", () => {
  const stages = ["upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4"] as const;
  const dirs: Partial<Record<PlatformName, string>> = {};
  beforeAll(() => {
    for (const name of stages) {
      const json = synth(name);
      dirs[name] = eksVersionRuleDir(json);
    }
  });
  afterAll(() => {
    for (const dir of Object.values(dirs)) removeTerraformDir(dir!);
  });

  async function plan(name: PlatformName, version?: string) {
    const args = ["plan", "-input=false", "-lock=false", "-refresh=false", "-json"];
    if (version !== undefined) args.push("-var", `eks_cluster_version=${version}`);
    const result = await runTerraform(args, { cwd: dirs[name]! });
    const diagnostics = parseDiagnostics(result.stdout);
    return {
      code: result.code,
      errors: diagnostics.filter((d) => d.severity === "error").map((d) => d.detail),
      warnings: diagnostics.filter((d) => d.severity === "warning").map((d) => d.detail),
    };
  }

  it.each([
    ["upgrade-1", "0.37.8", "1.23 to 1.30"],
    ["upgrade-2", "1.0.14", "1.25 to 1.31"],
    ["upgrade-3", "1.0.14", "1.25 to 1.31"],
  ] as const)(
    "%s: the default 1.32 plans, warning that Karpenter %s supports %s only; 1.33 is refused",
    async (name, karpenter, range) => {
      const ok = await plan(name);
      expect(ok.errors).toEqual([]);
      expect(ok.code).toBe(0);
      expect(ok.warnings.filter((w) => w.includes("Karpenter"))).toEqual([
        expect.stringContaining(
          `Karpenter ${karpenter} of the "${name}" platform set supports Kubernetes ${range}, not 1.32`,
        ),
      ]);
      const refused = await plan(name, "1.33");
      expect(refused.code).toBe(1);
      expect(refused.errors).toEqual([
        expect.stringContaining(`eks_cluster_version must be 1.32 in the "${name}" platform set; it is "1.33"`),
      ]);
    },
  );

  it(
    "upgrade-4: 1.32 (default), 1.33 and 1.36 plan without a Karpenter warning; " + "1.31 and 1.37 are refused",
    async () => {
      for (const version of [undefined, "1.33", "1.36"]) {
        const r = await plan("upgrade-4", version);
        expect(r.errors, String(version)).toEqual([]);
        expect(
          r.warnings.filter((w) => w.includes("Karpenter")),
          String(version),
        ).toEqual([]);
      }
      for (const version of ["1.31", "1.37"]) {
        const r = await plan("upgrade-4", version);
        expect(r.code, version).toBe(1);
        expect(r.errors[0], version).toContain(
          'eks_cluster_version must be 1.32, 1.33, 1.34, 1.35 or 1.36 in the "upgrade-4" platform set',
        );
        expect(r.errors[0], version).toContain("Karpenter 1.14.1 supports 1.26 to 1.36");
      }
    },
  );
});
