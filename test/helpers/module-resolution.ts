/**
 * The offline check that `terraform init` resolves every registry module of a platform set
 * (test/module-resolution.test.ts): the module tree from the facts vendored in
 * test/fixtures/module-facts/ (regenerated from the modules' repositories by
 * `npm run module-facts`), the provider and required_version constraints along it, and the
 * inputs the synthesized stack passes to each module against the pinned version's variables.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModuleFacts } from "../../scripts/module-facts";
import type { PlatformSet } from "../../versions";
import { intersect, isEmpty, parseConstraints, type VersionSet } from "./constraints";

const ROOT = path.resolve(__dirname, "..", "..");
const FACTS_DIR = path.join(__dirname, "..", "fixtures", "module-facts");
const REGENERATE =
  "run `npm run module-facts` (it reads the module repositories' git mirrors; see scripts/module-facts.ts)";

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

export const EXACT = /^\d+\.\d+\.\d+$/;

/** The pins of `set` and, recursively, the registry modules they call, from the facts. */
export function buildModuleTree(set: PlatformSet, lookup: FactsLookup = loadFacts): ModuleTree {
  const nodes = new Map<string, TreeNode>();
  const problems: string[] = [];
  const queue: { source: string; version: string; path: string[] }[] = Object.entries(set.modules).map(
    ([key, pin]) => ({
      source: pin.source,
      version: pin.version,
      path: [`${set.name}.modules.${key}`],
    }),
  );
  while (queue.length > 0) {
    const { source, version, path: via } = queue.shift()!;
    const key = `${source}@${version}`;
    if (nodes.has(key)) continue;
    if (!EXACT.test(version)) {
      problems.push(
        `${via.join(" > ")}: ${source} version "${version}" is not an exact version (x.y.z): pin it in versions.ts.`,
      );
      continue;
    }
    const facts = lookup(source, version);
    if (!facts) {
      const others = fixtureVersions(source);
      problems.push(
        others.length > 0
          ? `${via.join(" > ")}: the module facts of ${source} are for ` +
              `${others.join(", ")}, not ${version} (stale): ${REGENERATE}.`
          : `${via.join(" > ")}: no module facts for ${key} ` +
              `(test/fixtures/module-facts/${factsFileName(source, version)}): ${REGENERATE}.`,
      );
      continue;
    }
    if (facts.source !== source || facts.version !== version) {
      problems.push(
        `test/fixtures/module-facts/${factsFileName(source, version)} describes ` +
          `${facts.source}@${facts.version}: ${REGENERATE}.`,
      );
      continue;
    }
    nodes.set(key, { facts, path: via });
    for (const call of facts.moduleCalls) {
      if (call.resolvedVersion === null) {
        problems.push(
          `${via.join(" > ")} > module.${call.name}: ${call.source} ` +
            `"${call.versionConstraint}" (${key}:${call.file}) matches ` +
            `no tag of the module's repository mirror the facts were read from: unless the ` +
            `registry has a newer release, ` +
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

export function normalizeProvider(source: string): string {
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
      for (const c of p.constraints)
        add(p.source, { constraint: c.constraint, from: `${facts.source}@${facts.version}:${c.file}` });
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
export function terraformVersions(
  set: PlatformSet,
  tree: ModuleTree,
): { constraints: ConstraintSource[]; allowed: VersionSet } {
  const constraints: ConstraintSource[] = [{ constraint: set.terraform.requiredVersion, from: "root (versions.ts)" }];
  for (const { facts } of tree.nodes) {
    for (const c of facts.requiredVersion)
      constraints.push({ constraint: c.constraint, from: `${facts.source}@${facts.version}:${c.file}` });
  }
  return { constraints, allowed: intersect(...constraints.map((c) => parseConstraints(c.constraint, "terraform"))) };
}

/** `cdktf.provider` of every @cdktf/provider-* dependency: the provider version its bindings were generated from. */
export function bindingVersions(): Map<string, { version: string; pkg: string }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const out = new Map<string, { version: string; pkg: string }>();
  for (const name of Object.keys(pkg.dependencies).filter((d) => d.startsWith("@cdktf/provider-"))) {
    const meta = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
      cdktf?: { provider?: { name: string; version: string } };
    };
    if (!meta.cdktf?.provider)
      throw new Error(`${name} has no cdktf.provider in its package.json: cannot tell its provider version`);
    out.set(normalizeProvider(meta.cdktf.provider.name), {
      version: meta.cdktf.provider.version,
      pkg: `${name}@${meta.version}`,
    });
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
      problems.push({
        module,
        kind: "no-facts",
        message: `${module}: no module facts for ${source}@${version}: ${REGENERATE}.`,
      });
      continue;
    }
    const variables = Object.keys(f.variables);
    const inputs = Object.keys(block).filter((k) => !META_ARGUMENTS.has(k));
    for (const input of inputs.filter((i) => !(i in f.variables)).sort()) {
      const closest = [...variables].sort(
        (a, b) => editDistance(input, a) - editDistance(input, b) || a.localeCompare(b),
      )[0];
      problems.push({
        module,
        kind: "unknown",
        input,
        message:
          `${module}: ${source}@${version} has no variable ` +
          `"${input}"${closest ? ` (closest: "${closest}")` : ""}.`,
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
