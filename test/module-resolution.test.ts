/**
 * Proves offline that `terraform init` resolves every registry module of both platform sets:
 * for each pinned module and each module it calls (transitively), its `required_version` and
 * `required_providers` (facts vendored in test/fixtures/module-facts/, regenerated from the
 * modules' repositories by `npm run module-facts`) must be satisfiable together with the
 * root's constraints (versions.ts), by the provider versions the prebuilt cdktf bindings were
 * generated from and by the Terraform CLI the project supports. The same facts check every
 * input the synthesized stack passes to a module against the variables of the pinned version.
 */
import { execFileSync } from "node:child_process";
import { PLATFORM_NAMES, PLATFORM_SETS, type PlatformSet } from "../versions";
import { formatSet, intersect, parseConstraints, satisfies } from "./helpers/constraints";
import {
  bindingVersions,
  buildModuleTree,
  checkModuleInputs,
  EXACT,
  type FactsLookup,
  loadFacts,
  normalizeProvider,
  providerConflicts,
  resolveProviders,
  terraformVersions,
} from "./helpers/module-resolution";
import { synthStack } from "./helpers/synth";
import { locateTerraform } from "./helpers/terraform";

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
      expect(
        tree.nodes.some((n) => n.facts.source === pin.source && n.facts.version === pin.version),
        key,
      ).toBe(true);
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
        expect(
          ok,
          `${provider} is in BINDING_EXCEPTIONS but ${binding.version} now meets ${formatSet(r.allowed)}: remove it`,
        ).toBe(false);
        continue;
      }
      if (!ok) {
        mismatches.push(
          `${provider}: ${binding.pkg} was generated from ${binding.version}, outside ` +
            `what init may pick (${formatSet(r.allowed)}; ` +
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

  it(
    "synthesizes the root constraints of versions.ts, the pinned modules, and only " +
      "inputs the pinned versions declare",
    () => {
      const json = synthStack({ platform: set });
      expect(json.terraform.required_version).toBe(set.terraform.requiredVersion);
      expect(json.terraform.required_providers).toEqual(set.providers);
      const blocks = json.module;
      const used = Object.values(blocks).map((b) => `${b.source}@${b.version}`);
      for (const pin of Object.values(set.modules)) expect(used).toContain(`${pin.source}@${pin.version}`);
      for (const b of Object.values(blocks)) expect(b.version, String(b.source)).toMatch(EXACT);
      expect(checkModuleInputs(blocks).map((p) => p.message)).toEqual([]);
    },
  );
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

  it(
    "on eks-blueprints-addons 1.24.3 (what the blueprint's `~> 1.2` resolves to): " +
      "helm `>= 3.0` meets no `~> 2.17`",
    () => {
      const set = withModule(current, "eksBlueprintsAddons", "1.24.3");
      const tree = buildModuleTree(set);
      const conflicts = providerConflicts(resolveProviders(set, tree));
      expect(conflicts).toHaveLength(1);
      const [helm] = conflicts;
      expect(helm).toMatch(/^hashicorp\/helm: /);
      expect(helm).toContain(
        `"~> 2.17" (root (versions.ts)) and ">= 3.0" (aws-ia/eks-blueprints-addons/aws@1.24.3:versions.tf)`,
      );
      expect(helm).toContain(`"~> 2.17" (aws-ia/eks-data-addons/aws@1.38.0:versions.tf)`);
    },
  );

  it("on a pin without module facts, and on facts of another version (stale), naming npm run module-facts", () => {
    const missing = buildModuleTree({
      ...current,
      modules: { ...current.modules, vpc: { ...current.modules.vpc, source: "example/none/aws" } },
    });
    expect(missing.problems).toEqual([
      expect.stringMatching(/no module facts for example\/none\/aws@5\.21\.0 .*npm run module-facts/),
    ]);
    const stale = buildModuleTree(withModule(current, "eks", "19.20.0"));
    expect(stale.problems).toEqual([
      expect.stringMatching(
        /terraform-aws-modules\/eks\/aws are for 19\.21\.0, not 19\.20\.0 \(stale\).*npm run module-facts/,
      ),
    ]);
  });

  it("on a version range in a pin", () => {
    const tree = buildModuleTree(withModule(current, "eks", "~> 19.21"));
    expect(tree.problems).toEqual([
      expect.stringContaining(`terraform-aws-modules/eks/aws version "~> 19.21" is not an exact version`),
    ]);
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
        message:
          `module.eks: terraform-aws-modules/eks/aws@19.21.0 has no variable ` +
          `"cluster_nmae" (closest: "cluster_name").`,
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
