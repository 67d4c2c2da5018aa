/**
 * The deployment guide (docs/guide.md, docs/guide.zh-CN.md), the READMEs and examples/gpu
 * against the code: every name they use must exist, so a rename in the code fails here
 * instead of leaving a guide that no longer works.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { SINGLE_USER_START_TIMEOUT } from "../helm/jupyterhub";
import { DEFAULT_TIME_SLICING_REPLICAS, nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import {
  type MemorySize,
  type NotebookProfile,
  nodePools,
  notebookProfiles,
  SHIPPED_PROFILE_NAMES,
  shippedProfiles,
  type Toleration,
  validateCatalog,
} from "../profiles";
import { AUTH_MECHANISMS } from "../variables";
import { synthStack } from "./helpers/synth";

const ROOT = resolve(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

const GUIDES = ["docs/guide.md", "docs/guide.zh-CN.md"] as const;
const DOCS = [...GUIDES, "README.md", "README.zh-CN.md"] as const;
const SCRIPTS = ["install", "cleanup", "upgrade"] as const;
const EXAMPLES_DIR = "examples/gpu";

interface Block {
  readonly lang: string;
  readonly body: string;
}

/** The fenced code blocks of a Markdown file (also those indented in a list). */
function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^( *)```([a-z]*)\n([\s\S]*?)^\1```$/gm)].map((m) => ({
    lang: m[2],
    body: m[3]
      .split("\n")
      .map((line) => line.slice(m[1].length))
      .join("\n"),
  }));
}

/** A block without its prose comments (`# ...`), which each language writes in its own words. */
const withoutComments = (body: string) =>
  body
    .split("\n")
    .map((line) =>
      line
        .replace(/\s+#\s.*$/, "")
        .replace(/^#\s.*$/, "")
        .trimEnd(),
    )
    .join("\n");

/** The inline code spans outside fenced blocks. */
function inlineCode(markdown: string): string[] {
  const prose = markdown.replace(/^( *)```[a-z]*\n[\s\S]*?^\1```$/gm, "");
  return [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, " "));
}

/** What the code defines: the sets the documents are checked against. */
const code = (() => {
  const json = synthStack();
  const packageScripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
  const options = Object.fromEntries(
    SCRIPTS.map((s) => {
      const help = execFileSync("bash", [join(ROOT, "scripts", `${s}.sh`), "--help"], { encoding: "utf8" });
      return [s, new Set([...help.matchAll(/(?<![\w-])(--?[a-z][a-z-]*)/g)].map((m) => m[1]))];
    }),
  ) as Record<(typeof SCRIPTS)[number], Set<string>>;
  const text = JSON.stringify(json);
  // Namespaces the stack names itself, and those the registry modules create for the add-ons
  // the stack enables (module defaults: each entry is kept only while its switch is on).
  const moduleNamespaces: Record<string, [string, string]> = {
    "kube-prometheus-stack": ["eks_blueprints_addons", "enable_kube_prometheus_stack"],
    kubecost: ["eks_data_addons", "enable_kubecost"],
  };
  const namespaces = new Set([
    "default",
    "kube-system",
    ...[...text.matchAll(/namespace[a-z_]*\\?":\s*\\?"([a-z0-9-]+)/g)].map((m) => m[1]),
    ...Object.entries(moduleNamespaces)
      .filter(([, [mod, flag]]) => json.module[mod]?.[flag] === true)
      .map(([ns]) => ns),
  ]);
  return {
    packageScripts,
    options,
    allOptions: new Set(Object.values(options).flatMap((s) => [...s])),
    variables: new Set(Object.keys(json.variable)),
    outputs: new Set(Object.keys(json.output)),
    namespaces,
    poolNames: new Set(nodePools.map((p) => p.name)),
    poolLabels: new Set(nodePools.map((p) => p.labels.NodePool)),
    profileNames: new Set(notebookProfiles.map((p) => p.displayName)),
  };
})();

describe("the code the documents are checked against", () => {
  // Guards for the derivations above: an empty set would let every check pass.
  it("is found", () => {
    expect(Object.keys(code.packageScripts)).toContain("synth");
    for (const s of SCRIPTS) expect(code.options[s], s).toContain("--dry-run");
    expect(code.options.cleanup).toContain("--skip-kubernetes");
    expect(code.options.install).not.toContain("--skip-kubernetes");
    expect(code.variables).toContain("jupyter_hub_auth_mechanism");
    expect(code.outputs).toContain("configure_kubectl");
    expect([...code.namespaces]).toEqual(
      expect.arrayContaining(["jupyterhub", "karpenter", "kubecost", "kube-prometheus-stack"]),
    );
    expect(code.poolNames.size).toBe(nodePools.length);
    expect(code.profileNames.size).toBeGreaterThan(3);
  });
});

describe.each(DOCS)("%s", (file) => {
  const text = read(file);
  const code_ = blocks(text);
  const inline = inlineCode(text);

  it("runs only npm scripts that package.json defines", () => {
    const used = [...text.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(code.packageScripts[name], `npm run ${name}`).toBeDefined();
    for (const [, name] of text.matchAll(/\bnpm (test|start)\b/g))
      expect(code.packageScripts[name], `npm ${name}`).toBeDefined();
  });

  it("names only scripts and example files that exist", () => {
    const paths = [...text.matchAll(/\b((?:scripts|examples)\/[A-Za-z0-9_./-]*[A-Za-z0-9_])/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(existsSync(join(ROOT, p)), p).toBe(true);
  });

  it("passes each script only options it accepts", () => {
    for (const { body } of code_) {
      for (const line of withoutComments(body).split("\n")) {
        const call = /scripts\/(install|cleanup|upgrade)\.sh\b(.*)$/.exec(line);
        if (!call) continue;
        const script = call[1] as (typeof SCRIPTS)[number];
        for (const [, opt] of call[2].matchAll(/(?<![\w=-])(--?[a-z][a-z0-9-]*)/g)) {
          expect(code.options[script].has(opt), `${line}: ${opt} is not an option of ${script}.sh`).toBe(true);
        }
      }
    }
    for (const span of inline) {
      const opt = /^(--[a-z][a-z0-9-]*)$/.exec(span)?.[1];
      if (opt) expect(code.allOptions.has(opt), `\`${opt}\` is no option of ${SCRIPTS.join(", ")}`).toBe(true);
      const call = /^scripts\/(install|cleanup|upgrade)\.sh (.*)$/.exec(span);
      if (call) {
        for (const [, o] of call[2].matchAll(/(?<![\w=-])(--?[a-z][a-z0-9-]*)/g)) {
          expect(code.options[call[1] as (typeof SCRIPTS)[number]].has(o), `\`${span}\`: ${o}`).toBe(true);
        }
      }
    }
  });

  it("sets and names only variables the stack declares", () => {
    const named: string[] = [];
    for (const { body } of code_) {
      for (const [, heredoc] of body.matchAll(/<<'TFVARS'\n([\s\S]*?)\nTFVARS/g)) {
        named.push(...[...heredoc.matchAll(/^\s*([a-z_][a-z0-9_]*)\s*=/gm)].map((m) => m[1]));
      }
    }
    named.push(...[...text.matchAll(/-var ([a-z_][a-z0-9_]*)=/g)].map((m) => m[1]));
    named.push(...[...text.matchAll(/TF_VAR_([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
    for (const name of named) expect(code.variables.has(name), `variable ${name}`).toBe(true);
    // Any snake_case name in inline code is a variable or an output of the stack.
    for (const span of inline.filter((s) => /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(s))) {
      expect(
        code.variables.has(span) || code.outputs.has(span),
        `\`${span}\` is neither a variable nor an output`,
      ).toBe(true);
    }
  });

  it("uses only namespaces the platform has", () => {
    const used = code_.flatMap(({ body }) =>
      [...body.matchAll(/(?:^|\s)(?:-n|--namespace)[ =]([a-z0-9-]+)/g)].map((m) => m[1]),
    );
    expect(used).toContain("jupyterhub");
    for (const ns of used) expect(code.namespaces.has(ns), `namespace ${ns}`).toBe(true);
  });

  it("lists exactly the NodePools of profiles/ after `kubectl get nodepools`", () => {
    const lists = text.split("\n").filter((l) => /kubectl get nodepools\s+#/.test(l));
    expect(lists.length).toBeGreaterThan(0);
    for (const l of lists) {
      const names = l
        .slice(l.indexOf("#") + 1)
        .split(/[,，、]/)
        .map((w) => w.trim());
      expect(new Set(names), l).toEqual(code.poolNames);
    }
    // Label selectors in commands name a NodePool label value.
    for (const { body } of code_) {
      for (const [, v] of body.matchAll(/NodePool[=:] ?([a-z0-9-]+)/g))
        expect(code.poolLabels.has(v), `NodePool=${v}`).toBe(true);
    }
  });

  it("names only notebook profiles the catalog has", () => {
    for (const [, name] of text.matchAll(/\*\*([^*\n]*\((?:CPU|GPU|trn1|inf2)[^*\n]*\))\*\*/g)) {
      expect(code.profileNames.has(name), `profile **${name}**`).toBe(true);
    }
  });
});

describe.each(GUIDES)("%s tables and facts", (file) => {
  const text = read(file);
  /** Rows of the Markdown table whose header row starts with `header`. */
  const table = (header: RegExp) => {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => header.test(l));
    expect(start, `${file}: table ${header}`).toBeGreaterThanOrEqual(0);
    const rows: string[][] = [];
    for (const l of lines.slice(start + 2)) {
      if (!l.startsWith("|")) break;
      rows.push(
        l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    }
    return rows;
  };
  const unquote = (cell: string) => cell.replace(/^[`*]+|[`*]+$/g, "");

  it("has one NodePool row per NodePool, with its label and instances", () => {
    const rows = table(/^\| NodePool \| `NodePool`/);
    expect(rows.map((r) => unquote(r[0]))).toEqual(nodePools.map((p) => p.name));
    for (const [name, label, instances] of rows) {
      const pool = nodePools.find((p) => p.name === unquote(name))!;
      expect(unquote(label), name).toBe(pool.labels.NodePool);
      for (const f of pool.instanceFamilies) expect(instances, name).toContain(f);
      for (const s of pool.instanceSizes) expect(instances, name).toContain(s);
    }
  });

  it("has one profile row per profile offered, with the NodePool it runs on", () => {
    const rows = table(/^\| (Profile|配置) \|/);
    // Every shipped profile has its row, in the catalog's order; a profile a team adds needs none.
    const listed = rows.map((r) => unquote(r[0]));
    expect(listed.filter((n) => SHIPPED_PROFILE_NAMES.includes(n))).toEqual(
      shippedProfiles(notebookProfiles).map((p) => p.displayName),
    );
    expect(
      listed.filter((n) => !notebookProfiles.some((p) => p.displayName === n)),
      "rows for profiles that do not exist",
    ).toEqual([]);
    for (const [name, pool] of rows) {
      const profile = notebookProfiles.find((p) => p.displayName === unquote(name))!;
      const target = nodePools.find((p) => p.labels.NodePool === profile.nodeSelector.NodePool)!;
      expect(unquote(pool), name).toBe(target.name);
    }
  });

  it("states the time-slicing the code configures and the start timeout it sets", () => {
    const config = nvidiaDevicePluginValues().config.map.default;
    expect(config).toContain(`replicas: ${DEFAULT_TIME_SLICING_REPLICAS}`);
    // A g5.2xlarge has one GPU (an EC2 fact, not in the code); the pool must allow that size.
    const gpuTs = nodePools.find((p) => p.name === "gpu-ts")!;
    expect(gpuTs.instanceFamilies).toContain("g5");
    expect(gpuTs.instanceSizes).toContain("2xlarge");
    expect(text).toContain(`allocatable:\n  nvidia.com/gpu: "${DEFAULT_TIME_SLICING_REPLICAS * 1}"`);
    expect(text).toContain("g5.2xlarge");
    expect(text).toContain(`${SINGLE_USER_START_TIMEOUT}`);
    expect(text).toContain("`efs-persist`");
    expect(text).toContain("`efs-persist-shared`");
  });
});

describe("the two language versions of the guide", () => {
  const [en, zh] = GUIDES.map(read);

  it("have the same code blocks (comments aside)", () => {
    const plain = (t: string) =>
      blocks(t)
        .filter((b) => b.lang !== "mermaid")
        .map((b) => withoutComments(b.body));
    expect(plain(en).length).toBeGreaterThan(10);
    expect(plain(zh)).toEqual(plain(en));
  });

  it("have the same Mermaid diagram structure (only the quoted labels differ)", () => {
    const structure = (t: string) => {
      const diagrams = blocks(t).filter((b) => b.lang === "mermaid");
      return diagrams.map((d) =>
        d.body
          .split("\n")
          .map((l) => l.replace(/"[^"]*"/g, '""'))
          .join("\n"),
      );
    };
    expect(structure(en).length).toBe(1);
    // Every label is quoted, so an unquoted (translated) word would show up as a difference.
    expect(structure(en)[0]).not.toMatch(/[[(]\s*[^"\s[(]|\|(?!"")[^|\n]*\|/);
    expect(structure(zh)).toEqual(structure(en));
  });

  it("have the same headings, tables and links, in the same order", () => {
    const headings = (t: string) =>
      t
        .split("\n")
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => l.split(" ")[0]);
    expect(headings(zh)).toEqual(headings(en));
    const rowsOf = (t: string) => t.split("\n").filter((l) => l.startsWith("|")).length;
    expect(rowsOf(zh)).toBe(rowsOf(en));
    const links = (t: string) =>
      [...t.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((l) => !/^guide(\.zh-CN)?\.md$/.test(l));
    const anchorless = (l: string) => l.replace(/#.*$/, "");
    // Anchors are made from each language's own headings; the targets must match.
    expect(links(zh).map(anchorless)).toEqual(links(en).map(anchorless));
  });

  it("link to each other and from both READMEs", () => {
    expect(en).toContain("](guide.zh-CN.md)");
    expect(zh).toContain("](guide.md)");
    expect(read("README.md")).toContain("](docs/guide.md)");
    expect(read("README.zh-CN.md")).toContain("](docs/guide.zh-CN.md)");
  });

  it("link the guides that come next", () => {
    for (const t of [en, zh])
      for (const doc of ["adoption.md", "upgrading.md", "versions.md", "security.md"]) expect(t).toContain(`](${doc})`);
  });
});

/** The pod templates of a Kubernetes object (a Pod or a workload with `spec.template`). */
function podSpecs(doc: Record<string, any>): Record<string, any>[] {
  if (doc.kind === "Pod") return [doc.spec];
  if (doc.spec?.template?.spec) return [doc.spec.template.spec];
  return [];
}

const cpu = (q: string | number | undefined) =>
  q === undefined ? 0 : typeof q === "number" ? q : q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
const memory = (q: string | undefined): MemorySize => (q === undefined ? "0K" : (q.replace(/i$/, "") as MemorySize));

/** A pod spec as a notebook profile, so the catalog's own placement checks judge it. */
function asProfile(name: string, spec: Record<string, any>): NotebookProfile {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const c of spec.containers ?? []) {
    Object.assign(requests, c.resources?.requests ?? {});
    Object.assign(limits, c.resources?.limits ?? {});
  }
  const devices = Object.fromEntries(
    Object.entries(limits)
      .filter(([k]) => k.includes("/"))
      .map(([k, v]) => [k, String(v)]),
  );
  return {
    displayName: name,
    description: name,
    modes: AUTH_MECHANISMS,
    default: true,
    image: spec.containers?.[0]?.image ?? "",
    nodeSelector: spec.nodeSelector ?? {},
    tolerations: (spec.tolerations ?? []) as Toleration[],
    cpuGuarantee: cpu(requests.cpu),
    memGuarantee: memory(requests.memory),
    cpuLimit: Math.max(cpu(limits.cpu ?? requests.cpu), cpu(requests.cpu)),
    memLimit: memory(limits.memory ?? requests.memory),
    extraResourceLimits: devices,
  };
}

describe(`${EXAMPLES_DIR}`, () => {
  const files = readdirSync(join(ROOT, EXAMPLES_DIR)).filter((f) => /\.ya?ml$/.test(f));
  const guide = read("docs/guide.md");

  it("has the two checks the guide runs", () => {
    expect(files.sort()).toEqual(["nvidia-smi-pod.yaml", "time-slicing-deployment.yaml"]);
    for (const f of files) expect(guide, f).toContain(`${EXAMPLES_DIR}/${f}`);
  });

  it.each(files)("%s parses, and each pod lands on the gpu-ts NodePool it tolerates and gets a GPU", (file) => {
    const docs = parseAllDocuments(read(join(EXAMPLES_DIR, file)));
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      expect(d.errors, file).toEqual([]);
      const obj = d.toJS() as Record<string, any>;
      expect(obj.apiVersion && obj.kind && obj.metadata?.name, file).toBeTruthy();
      const specs = podSpecs(obj);
      expect(specs.length, `${file}: ${obj.kind} has no pod spec`).toBe(1);
      for (const spec of specs) {
        const profile = asProfile(`${file} ${obj.kind}/${obj.metadata.name}`, spec);
        // Only NodePools: an example that fits the core node group would not test a GPU.
        expect(validateCatalog({ profiles: [profile], nodePools, nodeGroups: [] }, { userPodNodeLabels: {} })).toEqual(
          [],
        );
        expect(profile.nodeSelector.NodePool).toBe("gpu-ts");
        expect(profile.extraResourceLimits?.["nvidia.com/gpu"]).toBe("1");
        const type = profile.nodeSelector["node.kubernetes.io/instance-type"];
        if (type) expect(type).toBe("g5.2xlarge");
      }
      if (obj.kind === "Deployment") {
        // One pod per time-slice of the one GPU of a g5.2xlarge: all fit on one node.
        expect(obj.spec.replicas).toBe(DEFAULT_TIME_SLICING_REPLICAS);
        expect(obj.spec.selector.matchLabels).toEqual(obj.spec.template.metadata.labels);
      }
    }
  });
});
