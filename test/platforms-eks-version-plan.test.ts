/**
 * The eks_cluster_version rule of the platform sets at plan time, by the real terraform.
 */

import { EKS_KUBERNETES_VERSIONS, type PLATFORM_NAMES, PLATFORM_SETS } from "../versions";
import { synthStack, type TerraformJson } from "./helpers/synth";
import { eksVersionRuleDir, parseDiagnostics, removeTerraformDir, runTerraform } from "./helpers/terraform";

const synth = (name: (typeof PLATFORM_NAMES)[number]): TerraformJson => synthStack({ platform: PLATFORM_SETS[name] });
const current = synth("current");
const blueprint = synth("blueprint");

describe("eks_cluster_version at plan time, by the real terraform", () => {
  const dirs: Record<string, string> = {};
  beforeAll(() => {
    for (const [name, json] of [
      ["current", current],
      ["blueprint", blueprint],
    ] as const) {
      dirs[name] = eksVersionRuleDir(json);
    }
  });
  afterAll(() => {
    for (const dir of Object.values(dirs)) removeTerraformDir(dir);
  });

  async function plan(set: "current" | "blueprint", version?: string) {
    const args = ["plan", "-input=false", "-lock=false", "-refresh=false", "-json"];
    if (version !== undefined) args.push("-var", `eks_cluster_version=${version}`);
    const result = await runTerraform(args, { cwd: dirs[set] });
    const diagnostics = parseDiagnostics(result.stdout);
    return {
      code: result.code,
      errors: diagnostics.filter((d) => d.severity === "error").map((d) => d.detail),
      warnings: diagnostics.filter((d) => d.severity === "warning").map((d) => d.detail),
    };
  }

  /** Whether the plan of today should warn that `version` is in extended support. */
  function inExtendedSupport(version: string): boolean {
    const v = EKS_KUBERNETES_VERSIONS.find((x) => x.version === version)!;
    return new Date().toISOString().slice(0, 10) > v.standardSupportEnd;
  }

  it("current: the default 1.35 plans", async () => {
    const r = await plan("current");
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
  });

  it.each(["1.32", "1.33", "1.34", "1.36"])(
    "current: %s plans, with a warning exactly while it is in extended support",
    async (version) => {
      const r = await plan("current", version);
      expect(r.errors).toEqual([]);
      const warned = r.warnings.filter((w) => w.includes("extended support"));
      expect(warned.length).toBe(inExtendedSupport(version) ? 1 : 0);
      if (warned.length > 0) {
        const v = EKS_KUBERNETES_VERSIONS.find((x) => x.version === version)!;
        expect(warned[0]).toContain(`Kubernetes ${version} left EKS standard support on ${v.standardSupportEnd}`);
        expect(warned[0]).toContain("costs $0.60 instead of $0.10 per cluster-hour");
        expect(warned[0]).toContain(`ends on ${v.extendedSupportEnd}`);
      }
    },
  );

  it.each([
    ["1.31", "past the end of extended support"],
    ["1.30", "the blueprint's old default"],
    ["1.37", "not supported by Karpenter 1.14.1"],
  ])("current: %s (%s) is refused with the allowed list and the reason", async (version) => {
    const r = await plan("current", version);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([
      expect.stringContaining(
        `eks_cluster_version must be 1.32, 1.33, 1.34, 1.35 or 1.36 in the "current" platform set; it is "${version}"`,
      ),
    ]);
    expect(r.errors[0]).toContain("Karpenter 1.14.1 supports 1.26 to 1.36");
    expect(r.errors[0]).toContain("Example: -var 'eks_cluster_version=1.35'");
  });

  it("blueprint: the default 1.32 plans with a warning that Karpenter 0.37 does not support it", async () => {
    const r = await plan("blueprint");
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.includes("Karpenter 0.37.0"))).toEqual([
      expect.stringContaining(
        'Karpenter 0.37.0 of the "blueprint" platform set supports Kubernetes 1.23 to 1.30, not 1.32',
      ),
    ]);
    expect(r.warnings.filter((w) => w.includes("extended support")).length).toBe(inExtendedSupport("1.32") ? 1 : 0);
  });

  it("blueprint: 1.33 is refused (no Amazon Linux 2 images)", async () => {
    const r = await plan("blueprint", "1.33");
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain('eks_cluster_version must be 1.32 in the "blueprint" platform set; it is "1.33"');
    expect(r.errors[0]).toContain('move to the "current" platform set');
  });
});
