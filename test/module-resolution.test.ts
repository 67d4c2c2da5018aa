// Proves offline that `terraform init` resolves every registry module of both platform sets:
// for each pinned module and each module it calls (transitively), its `required_version` and
// `required_providers` (facts vendored in test/fixtures/module-facts/, regenerated from the
// modules' repositories by `npm run module-facts`) must be satisfiable together with the
// root's constraints (versions.ts), by the provider versions the prebuilt cdktf bindings were
// generated from and by the Terraform CLI the project supports. The same facts check every
// input the synthesized stack passes to a module against the variables of the pinned version.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PLATFORM_NAMES, PLATFORM_SETS, PlatformSet } from "../versions";
import type { ModuleFacts } from "../scripts/module-facts";
import { synthStack } from "./helpers/synth";
import { locateTerraform } from "./helpers/terraform";
import {
  VersionSet,
  compareVersions,
  formatSet,
  highestSatisfying,
  intersect,
  isEmpty,
  parseConstraints,
  satisfies,
} from "./helpers/constraints";

const ROOT = path.resolve(__dirname, "..");
const FACTS_DIR = path.join(__dirname, "fixtures", "module-facts");
const REGENERATE = "run `npm run module-facts` (it reads the module repositories' git mirrors; see scripts/module-facts.ts)";

/**
 * The Terraform CLI line the project supports: docs/variables.md ("The test suite runs the
 * rules with Terraform 1.11"). Every module's required_version must admit all of it.
 */
const SUPPORTED_TERRAFORM = { line: "1.11", first: "1.11.0" } as const;

/**
 * Root constraints that deliberately exclude the version a prebuilt binding was generated
 * from (the package's `cdktf.provider.version`). Each entry must still be needed: the test
 * fails when the root constraint starts admitting the binding's version.
 */
const BINDING_EXCEPTIONS: Readonly<Record<string, string>> = {
  "hashicorp/archive":
    "The blueprint's versions.tf pins archive exactly to 2.4.0 (kept so an HCL deployment's .terraform.lock.hcl " +
    "stays valid); @cdktf/provider-archive 11.0.1 was generated from 2.7.1. The stack uses only data.archive_file " +
    "(cognito.ts) with type, output_path and source { filename, content }, all of which archive 2.4.0 has.",
};

// ---------------------------------------------------------------------------------------------
// Facts


export type FactsLookup = (source: string, version: string) => ModuleFacts | undefined;

/** The fixture's file name: scripts/module-facts.ts `factsFileName`. */
function factsFileName(source: string, version: string): string {
  return `${source.replace(/\//g, "__")}@${version}.json`;
}

const factsCache = new Map<string, ModuleFacts | undefined>();

/** The vendored facts of `source` at `version`, or undefined when there is no fixture. */
export const loadFacts: FactsLookup = (source, version) => {
  const file = path.join(FACTS_DIR, factsFileName(source, version));
  if (!factsCache.has(file)) {
    factsCache.set(file, fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ModuleFacts) : undefined);
  }
  return factsCache.get(file);
};

/** The versions of `source` that have fixtures (to tell a stale fixture from a missing one). */
function fixtureVersions(source: string): string[] {
  const prefix = `${source.replace(/\//g, "__")}@`;
  if (!fs.existsSync(FACTS_DIR)) return [];
  return fs
    .readdirSync(FACTS_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .map((f) => f.slice(prefix.length, -".json".length));
}

// ---------------------------------------------------------------------------------------------
// The module tree

export interface TreeNode {
  readonly facts: ModuleFacts;
  /** How the root reaches it, e.g. ["modules.eks", "module.kms"]. */
  readonly path: readonly string[];
}

export interface ModuleTree {
  /** Every distinct module version `terraform init` installs (one node per source@version). */
  readonly nodes: readonly TreeNode[];
  readonly problems: readonly string[];
}

const EXACT = /^\d+\.\d+\.\d+$/;

/** The pins of `set` and, recursively, the registry modules they call, from the facts. */
export function buildModuleTree(set: PlatformSet, lookup: FactsLookup = loadFacts): ModuleTree {
  const nodes = new Map<string, TreeNode>();
  const problems: string[] = [];
  const queue: { source: string; version: string; path: string[] }[] = Object.entries(set.modules).map(([key, pin]) => ({
    source: pin.source,
    version: pin.version,
    path: [`${set.name}.modules.${key}`],
  }));
  while (queue.length > 0) {
    const { source, version, path: via } = queue.shift()!;
    const key = `${source}@${version}`;
    if (nodes.has(key)) continue;
    if (!EXACT.test(version)) {
      problems.push(`${via.join(" > ")}: ${source} version "${version}" is not an exact version (x.y.z): pin it in versions.ts.`);
      continue;
    }
    const facts = lookup(source, version);
    if (!facts) {
      const others = fixtureVersions(source);
      problems.push(
        others.length > 0
          ? `${via.join(" > ")}: the module facts of ${source} are for ${others.join(", ")}, not ${version} (stale): ${REGENERATE}.`
          : `${via.join(" > ")}: no module facts for ${key} (test/fixtures/module-facts/${factsFileName(source, version)}): ${REGENERATE}.`,
      );
      continue;
    }
    if (facts.source !== source || facts.version !== version) {
      problems.push(`test/fixtures/module-facts/${factsFileName(source, version)} describes ${facts.source}@${facts.version}: ${REGENERATE}.`);
      continue;
    }
    nodes.set(key, { facts, path: via });
    for (const call of facts.moduleCalls) {
      if (call.resolvedVersion === null) {
        problems.push(
          `${via.join(" > ")} > module.${call.name}: ${call.source} "${call.versionConstraint}" (${key}:${call.file}) matches ` +
            `no tag of the module's repository mirror the facts were read from: unless the registry has a newer release, ` +
            `terraform init cannot install it (\`npm run module-facts\` after a new fetch of the mirror tells).`,
        );
        continue;
      }
      queue.push({ source: call.source, version: call.resolvedVersion, path: [...via, `module.${call.name}`] });
    }
  }
  return { nodes: [...nodes.values()], problems };
}

// ---------------------------------------------------------------------------------------------
// Resolution

export interface ConstraintSource {
  readonly constraint: string;
  /** "root (versions.ts)" or `source@version:file`. */
  readonly from: string;
}

export interface ProviderResolution {
  /** hashicorp/aws */
  readonly provider: string;
  readonly constraints: readonly ConstraintSource[];
  readonly allowed: VersionSet;
}

function normalizeProvider(source: string): string {
  return source.toLowerCase().replace(/^registry\.terraform\.io\//, "");
}

/** Every provider required by the root or a module of the tree, with all its constraints. */
export function resolveProviders(set: PlatformSet, tree: ModuleTree): ProviderResolution[] {
  const byProvider = new Map<string, ConstraintSource[]>();
  const add = (provider: string, c: ConstraintSource): void => {
    const key = normalizeProvider(provider);
    byProvider.set(key, [...(byProvider.get(key) ?? []), c]);
  };
  for (const p of Object.values(set.providers)) add(p.source, { constraint: p.version, from: "root (versions.ts)" });
  for (const { facts } of tree.nodes) {
    for (const p of Object.values(facts.requiredProviders)) {
      byProvider.set(normalizeProvider(p.source), byProvider.get(normalizeProvider(p.source)) ?? []); // required, maybe unconstrained
      for (const c of p.constraints) add(p.source, { constraint: c.constraint, from: `${facts.source}@${facts.version}:${c.file}` });
    }
  }
  return [...byProvider.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, constraints]) => ({
      provider,
      constraints,
      allowed: intersect(...constraints.map((c) => parseConstraints(c.constraint, "provider"))),
    }));
}

/** Problems `terraform init` would hit choosing provider versions: constraints with no common version. */
export function providerConflicts(resolutions: readonly ProviderResolution[]): string[] {
  const problems: string[] = [];
  for (const r of resolutions) {
    if (!isEmpty(r.allowed)) continue;
    const sets = r.constraints.map((c) => parseConstraints(c.constraint, "provider"));
    let pair = "";
    for (let i = 0; i < sets.length && !pair; i++) {
      for (let j = i + 1; j < sets.length && !pair; j++) {
        if (isEmpty(intersect(sets[i], sets[j]))) {
          const [a, b] = [r.constraints[i], r.constraints[j]];
          pair = ` "${a.constraint}" (${a.from}) and "${b.constraint}" (${b.from}) have no common version.`;
        }
      }
    }
    problems.push(
      `${r.provider}: no version meets every constraint:${pair} All: ` +
        r.constraints.map((c) => `"${c.constraint}" (${c.from})`).join("; "),
    );
  }
  return problems;
}

/** The Terraform versions every `required_version` of the root and the tree admits. */
export function terraformVersions(set: PlatformSet, tree: ModuleTree): { constraints: ConstraintSource[]; allowed: VersionSet } {
  const constraints: ConstraintSource[] = [{ constraint: set.terraform.requiredVersion, from: "root (versions.ts)" }];
  for (const { facts } of tree.nodes) {
    for (const c of facts.requiredVersion) constraints.push({ constraint: c.constraint, from: `${facts.source}@${facts.version}:${c.file}` });
  }
  return { constraints, allowed: intersect(...constraints.map((c) => parseConstraints(c.constraint, "terraform"))) };
}

/** `cdktf.provider` of every @cdktf/provider-* dependency: the provider version its bindings were generated from. */
export function bindingVersions(): Map<string, { version: string; pkg: string }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const out = new Map<string, { version: string; pkg: string }>();
  for (const name of Object.keys(pkg.dependencies).filter((d) => d.startsWith("@cdktf/provider-"))) {
    const meta = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
      cdktf?: { provider?: { name: string; version: string } };
    };
    if (!meta.cdktf?.provider) throw new Error(`${name} has no cdktf.provider in its package.json: cannot tell its provider version`);
    out.set(normalizeProvider(meta.cdktf.provider.name), { version: meta.cdktf.provider.version, pkg: `${name}@${meta.version}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Module inputs

/** Keys of a synthesized `module` block that are not inputs. */
const META_ARGUMENTS = new Set(["source", "version", "providers", "depends_on", "count", "for_each", "//"]);

export interface InputProblem {
  readonly module: string;
  readonly kind: "unknown" | "missing" | "no-facts";
  readonly input?: string;
  readonly message: string;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * Checks the inputs of the synthesized JSON's `module` blocks against the variables of the
 * pinned module versions: every input must be a variable of that version (an unknown one is
 * reported with the closest variable name) and every required variable (no default) must be
 * passed. `facts` looks up a module's facts by source and version (default: the fixtures).
 */
export function checkModuleInputs(
  moduleBlocks: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  facts: FactsLookup = loadFacts,
): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const [name, block] of Object.entries(moduleBlocks).sort(([a], [b]) => a.localeCompare(b))) {
    const module = `module.${name}`;
    const source = String(block.source);
    const version = String(block.version);
    const f = facts(source, version);
    if (!f) {
      problems.push({ module, kind: "no-facts", message: `${module}: no module facts for ${source}@${version}: ${REGENERATE}.` });
      continue;
    }
    const variables = Object.keys(f.variables);
    const inputs = Object.keys(block).filter((k) => !META_ARGUMENTS.has(k));
    for (const input of inputs.filter((i) => !(i in f.variables)).sort()) {
      const closest = [...variables].sort((a, b) => editDistance(input, a) - editDistance(input, b) || a.localeCompare(b))[0];
      problems.push({
        module,
        kind: "unknown",
        input,
        message: `${module}: ${source}@${version} has no variable "${input}"${closest ? ` (closest: "${closest}")` : ""}.`,
      });
    }
    for (const variable of variables.filter((v) => f.variables[v].required && !inputs.includes(v)).sort()) {
      problems.push({
        module,
        kind: "missing",
        input: variable,
        message: `${module}: ${source}@${version} requires "${variable}" (no default) and the stack does not pass it.`,
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Tests

function withModule(set: PlatformSet, key: keyof PlatformSet["modules"], version: string): PlatformSet {
  return { ...set, modules: { ...set.modules, [key]: { ...set.modules[key], version } } };
}

describe.each(PLATFORM_NAMES.map((name) => [name, PLATFORM_SETS[name]] as const))("platform set %s", (_name, set) => {
  const tree = buildModuleTree(set);

  it("pins every registry module to an exact version", () => {
    const ranges = Object.entries(set.modules).filter(([, pin]) => !EXACT.test(pin.version));
    expect(ranges.map(([key, pin]) => `${key}: ${pin.source} "${pin.version}"`)).toEqual([]);
  });

  it("has the module facts of every pinned module and every module they call", () => {
    expect(tree.problems).toEqual([]);
    for (const [key, pin] of Object.entries(set.modules)) {
      expect(tree.nodes.some((n) => n.facts.source === pin.source && n.facts.version === pin.version), key).toBe(true);
    }
  });

  it("resolves every provider: root and module constraints meet, at the version of the prebuilt binding", () => {
    const resolutions = resolveProviders(set, tree);
    expect(providerConflicts(resolutions)).toEqual([]);
    const bindings = bindingVersions();
    const mismatches: string[] = [];
    for (const provider of Object.values(set.providers).map((p) => normalizeProvider(p.source))) {
      const binding = bindings.get(provider);
      const r = resolutions.find((x) => x.provider === provider)!;
      if (!binding) {
        mismatches.push(`${provider}: no @cdktf/provider-* package in package.json generates it`);
        continue;
      }
      const ok = satisfies(binding.version, r.allowed);
      if (provider in BINDING_EXCEPTIONS) {
        expect(ok, `${provider} is in BINDING_EXCEPTIONS but ${binding.version} now meets ${formatSet(r.allowed)}: remove it`).toBe(false);
        continue;
      }
      if (!ok) {
        mismatches.push(
          `${provider}: ${binding.pkg} was generated from ${binding.version}, outside what init may pick (${formatSet(r.allowed)}; ` +
            r.constraints.map((c) => `"${c.constraint}" from ${c.from}`).join(", ") +
            ")",
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it(`admits Terraform ${SUPPORTED_TERRAFORM.line} in every required_version (the root's and every module's)`, () => {
    const { constraints, allowed } = terraformVersions(set, tree);
    expect(constraints.length).toBeGreaterThan(Object.keys(set.modules).length);
    // The whole 1.11 line: its first release, and no upper bound or one above the line.
    const line = parseConstraints(`~> ${SUPPORTED_TERRAFORM.first}`, "terraform");
    expect(formatSet(intersect(allowed, line)), formatSet(allowed)).toBe(formatSet(line));
  });

  it.skipIf(!terraformAvailable())("admits the installed terraform binary", () => {
    const out = execFileSync(locateTerraform(), ["version", "-json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"], // a missing ~/.terraformrc only warns
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" },
    });
    const version = (JSON.parse(out) as { terraform_version: string }).terraform_version;
    const { allowed } = terraformVersions(set, tree);
    expect(satisfies(version, allowed), `terraform ${version} vs ${formatSet(allowed)}`).toBe(true);
  });

  it("synthesizes the root constraints of versions.ts, the pinned modules, and only inputs the pinned versions declare", () => {
    const json = synthStack({ platform: set });
    expect(json.terraform.required_version).toBe(set.terraform.requiredVersion);
    expect(json.terraform.required_providers).toEqual(set.providers);
    const blocks = json.module;
    const used = Object.values(blocks).map((b) => `${b.source}@${b.version}`);
    for (const pin of Object.values(set.modules)) expect(used).toContain(`${pin.source}@${pin.version}`);
    for (const b of Object.values(blocks)) expect(b.version, String(b.source)).toMatch(EXACT);
    expect(checkModuleInputs(blocks).map((p) => p.message)).toEqual([]);
  });
});

function terraformAvailable(): boolean {
  try {
    locateTerraform();
    return true;
  } catch {
    return false;
  }
}

describe("the checker fails", () => {
  const current = PLATFORM_SETS.current;

  it("on eks-blueprints-addons 1.24.3 (what the blueprint's `~> 1.2` resolves to): helm `>= 3.0` meets no `~> 2.17`", () => {
    const set = withModule(current, "eksBlueprintsAddons", "1.24.3");
    const tree = buildModuleTree(set);
    const conflicts = providerConflicts(resolveProviders(set, tree));
    expect(conflicts).toHaveLength(1);
    const [helm] = conflicts;
    expect(helm).toMatch(/^hashicorp\/helm: /);
    expect(helm).toContain(`"~> 2.17" (root (versions.ts)) and ">= 3.0" (aws-ia/eks-blueprints-addons/aws@1.24.3:versions.tf)`);
    expect(helm).toContain(`"~> 2.17" (aws-ia/eks-data-addons/aws@1.38.0:versions.tf)`);
  });

  it("on a pin without module facts, and on facts of another version (stale), naming npm run module-facts", () => {
    const missing = buildModuleTree({ ...current, modules: { ...current.modules, vpc: { ...current.modules.vpc, source: "example/none/aws" } } });
    expect(missing.problems).toEqual([expect.stringMatching(/no module facts for example\/none\/aws@5\.21\.0 .*npm run module-facts/)]);
    const stale = buildModuleTree(withModule(current, "eks", "19.20.0"));
    expect(stale.problems).toEqual([expect.stringMatching(/terraform-aws-modules\/eks\/aws are for 19\.21\.0, not 19\.20\.0 \(stale\).*npm run module-facts/)]);
  });

  it("on a version range in a pin", () => {
    const tree = buildModuleTree(withModule(current, "eks", "~> 19.21"));
    expect(tree.problems).toEqual([expect.stringContaining(`terraform-aws-modules/eks/aws version "~> 19.21" is not an exact version`)]);
  });

  it("on a nested module call that matches no tag", () => {
    const tree = buildModuleTree(withModule(current, "eksBlueprintsAddons", "1.24.3"));
    // 1.24.3 calls aws-ia/eks-blueprints-addon/aws "1.3.0", a tag the repository's mirror does not have.
    expect(tree.problems.length).toBeGreaterThan(0);
    expect(tree.problems[0]).toMatch(/aws-ia\/eks-blueprints-addon\/aws "1\.3\.0" .* matches no tag/);
  });

  it("on a required_version that excludes the supported Terraform", () => {
    const eks = loadFacts("terraform-aws-modules/eks/aws", "19.21.0")!;
    const lookup: FactsLookup = (s, v) =>
      s === eks.source && v === eks.version
        ? { ...eks, requiredVersion: [...eks.requiredVersion, { constraint: ">= 1.12.0", file: "versions.tf" }] }
        : loadFacts(s, v);
    const { allowed } = terraformVersions(current, buildModuleTree(current, lookup));
    expect(satisfies(SUPPORTED_TERRAFORM.first, allowed, "terraform")).toBe(false);
  });

  it("on an input the module does not declare (with the closest name) and on a missing required variable", () => {
    const blocks = synthStack({ platform: current }).module;
    const { oidc_provider_arn: _dropped, ...dataAddons } = blocks.eks_data_addons;
    const broken = { ...blocks, eks: { ...blocks.eks, cluster_nmae: "x" }, eks_data_addons: dataAddons };
    expect(checkModuleInputs(broken)).toEqual([
      {
        module: "module.eks",
        kind: "unknown",
        input: "cluster_nmae",
        message: `module.eks: terraform-aws-modules/eks/aws@19.21.0 has no variable "cluster_nmae" (closest: "cluster_name").`,
      },
      {
        module: "module.eks_data_addons",
        kind: "missing",
        input: "oidc_provider_arn",
        message:
          `module.eks_data_addons: aws-ia/eks-data-addons/aws@1.38.0 requires "oidc_provider_arn" (no default) ` +
          `and the stack does not pass it.`,
      },
    ]);
    expect(checkModuleInputs({ x: { source: "example/none/aws", version: "1.0.0" } })[0].kind).toBe("no-facts");
  });
});

describe("version constraints (test/helpers/constraints.ts)", () => {
  const range = (c: string, dialect: "provider" | "terraform" = "provider") => formatSet(parseConstraints(c, dialect));

  it("reads ~> with three, two and one segments", () => {
    expect(range("~> 1.1.1")).toBe(">= 1.1.1, < 1.2.0");
    expect(range("~> 5.95")).toBe(">= 5.95.0, < 6.0.0");
    expect(range("~> 2.17")).toBe(">= 2.17.0, < 3.0.0");
    expect(range("~> 2")).toBe(">= 2.0.0, < 3.0.0"); // required_providers (go-versions)
    expect(range("~> 2", "terraform")).toBe(">= 2.0.0"); // required_version, module versions (go-version)
    expect(satisfies("5.100.0", "~> 5.95")).toBe(true);
    expect(satisfies("6.0.0", "~> 5.95")).toBe(false);
    expect(satisfies("5.94.9", "~> 5.95")).toBe(false);
    expect(satisfies("1.1.9", "~> 1.1.1")).toBe(true);
    expect(satisfies("1.2.0", "~> 1.1.1")).toBe(false);
  });

  it("reads =, no operator, >, >=, <, <= and padded versions", () => {
    expect(range("2.4.0")).toBe("= 2.4.0");
    expect(range("= 2.4")).toBe("= 2.4.0");
    expect(range("> 1.2")).toBe("> 1.2.0");
    expect(range(">= 2.10")).toBe(">= 2.10.0");
    expect(range("< 3")).toBe("< 3.0.0");
    expect(range("<= 3.0.1")).toBe("<= 3.0.1");
    expect(satisfies("2.10.0", ">= 2.9")).toBe(true);
    expect(satisfies("2.9.0", "> 2.9")).toBe(false);
    expect(satisfies("2.9.1", "> 2.9")).toBe(true);
  });

  it("joins comma-separated parts and constraint lists with AND", () => {
    expect(range(">= 2.9, < 3.0")).toBe(">= 2.9.0, < 3.0.0");
    expect(satisfies("2.17.0", ">= 2.9, < 3.0")).toBe(true);
    expect(satisfies("3.0.0", ">= 2.9, < 3.0")).toBe(false);
    expect(satisfies("2.17.0", ["~> 2.17", ">= 2.9, < 3.0", ">= 2.4.1"])).toBe(true);
    expect(formatSet(intersect(parseConstraints("~> 5.95"), parseConstraints(">= 5.0"), parseConstraints(">= 4.57")))).toBe(">= 5.95.0, < 6.0.0");
  });

  it("excludes with != and finds empty intersections", () => {
    expect(satisfies("2.17.0", "!= 2.17.0")).toBe(false);
    expect(satisfies("2.17.1", ">= 2.17, != 2.17.0")).toBe(true);
    expect(isEmpty(parseConstraints("= 2.4.0, != 2.4.0"))).toBe(true);
    expect(isEmpty(intersect(parseConstraints("~> 2.17"), parseConstraints(">= 3.0")))).toBe(true);
    expect(isEmpty(intersect(parseConstraints(">= 2.9, < 3.0"), parseConstraints("~> 2.17")))).toBe(false);
    // No release lies strictly between 1.0.0 and 1.0.1.
    expect(isEmpty(parseConstraints("> 1.0.0, < 1.0.1"))).toBe(true);
    expect(isEmpty(parseConstraints(">= 1.0.1, <= 1.0.1"))).toBe(false);
  });

  it("lets a pre-release match only a constraint that names it exactly", () => {
    expect(satisfies("3.0.0-beta1", ">= 2.0")).toBe(false);
    expect(satisfies("3.0.0-beta1", "= 3.0.0-beta1")).toBe(true);
    expect(satisfies("3.0.0-beta1", "3.0.0-beta1, >= 2.0")).toBe(true);
    expect(satisfies("3.0.0-beta1", "3.0.0-beta1, >= 3.0.0")).toBe(false);
    expect(isEmpty(parseConstraints("3.0.0-beta1, < 3.0.0-alpha"))).toBe(true);
    expect(compareVersions("1.0.0-rc.2", "1.0.0-rc.10")).toBe(-1);
    expect(compareVersions("1.0.0-rc1", "1.0.0")).toBe(-1);
  });

  it("picks the newest matching release, as init does for a module version", () => {
    const tags = ["1.0.0", "1.1.0", "1.1.1", "1.2.0-rc1", "2.0.0"];
    expect(highestSatisfying(tags, "~> 1.1.1", "terraform")).toBe("1.1.1");
    expect(highestSatisfying(tags, "~> 1.0", "terraform")).toBe("1.1.1");
    expect(highestSatisfying(tags, "~> 1", "terraform")).toBe("2.0.0");
    expect(highestSatisfying(tags, "1.3.0", "terraform")).toBeUndefined();
  });

  it("rejects what is not a constraint", () => {
    expect(() => parseConstraints("~> 1.2.3.4")).toThrow(/not a version/);
    expect(() => parseConstraints(">= 1.0,")).toThrow(/empty constraint part/);
    expect(() => parseConstraints("=> 1.0")).toThrow();
  });
});
