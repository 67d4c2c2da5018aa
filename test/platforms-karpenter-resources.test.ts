/**
 * The Karpenter NodePools and EC2NodeClasses the platform sets render, against the
 * karpenter.sh/v1 and karpenter.k8s.aws/v1 schemas, and the notebook profiles scheduling on them.
 */

import { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import { NodePool as KarpenterNodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import { parse as parseYaml } from "yaml";
import {
  managedNodeGroups,
  NOTEBOOK_POOL_BUDGETS,
  nodePools,
  notebookProfiles,
  tolerates,
  USER_POD_NODE_LABELS,
  validateCatalog,
} from "../profiles";
import { AUTH_MECHANISMS } from "../variables";
import { type PLATFORM_NAMES, PLATFORM_SETS } from "../versions";
import { renderKarpenterResources } from "./helpers/karpenter-resources-chart";
import { synthStack, type TerraformJson } from "./helpers/synth";
import { substitute } from "./helpers/template";

/**
 * Validates a model against its schema (throws on the first invalid object). The models'
 * base class is ESM-only, which this CommonJS project's type resolution does not follow.
 */
const validate = (model: unknown): void => (model as { validate(): void }).validate();

const synth = (name: (typeof PLATFORM_NAMES)[number]): TerraformJson => synthStack({ platform: PLATFORM_SETS[name] });
const current = synth("current");
const blueprint = synth("blueprint");

/** Plausible values for the interpolations of the NodePool values, so that ids pass the CRD patterns. */
function resolveRef(expr: string): string {
  if (expr.includes("private_subnets")) return "subnet-0123456789abcdef0";
  if (expr.includes("node_iam_role_arn")) return "karpenter-jupyterhub-on-eks-2026112701000000000001";
  if (expr.includes("cluster_name")) return "jupyterhub-on-eks";
  throw new Error(`unexpected interpolation in NodePool values: ${expr}`);
}

function renderedPools(json: TerraformJson) {
  const config = json.module.eks_data_addons.karpenter_resources_helm_config as Record<string, { values: string[] }>;
  return Object.entries(config).map(([releaseKey, release]) => {
    const values = parseYaml(substitute(release.values[0], resolveRef)) as Record<string, any>;
    return { releaseKey, values, ...renderKarpenterResources(values) };
  });
}

describe("Karpenter resources of the current set", () => {
  const pools = renderedPools(current);

  it("are one release per NodePool of the catalog", () => {
    expect(pools.map((p) => p.releaseKey).sort()).toEqual(nodePools.map((p) => p.releaseKey).sort());
  });

  it.each(pools.map((p) => [p.releaseKey, p] as const))(
    "%s: a valid karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass",
    (_key, p) => {
      expect(() => validate(new KarpenterNodePool(p.nodePool as never))).not.toThrow();
      expect(() => validate(new EC2NodeClass(p.ec2NodeClass as never))).not.toThrow();
      const nc = p.ec2NodeClass!.spec;
      // AL2023 for every Kubernetes version; Karpenter picks the NVIDIA or Neuron variant per instance type.
      expect(nc.amiSelectorTerms).toEqual([{ alias: "al2023@latest" }]);
      expect(nc.amiFamily).toBeUndefined();
      expect(nc.role).toBe("karpenter-jupyterhub-on-eks-2026112701000000000001");
      const np = p.nodePool!.spec;
      expect(np.template.spec.expireAfter).toBe("720h");
      expect(np.disruption).toEqual({
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "60s",
        budgets: NOTEBOOK_POOL_BUDGETS,
      });
      expect(np.template.spec.nodeClassRef).toEqual({
        name: p.values.name,
        group: "karpenter.k8s.aws",
        kind: "EC2NodeClass",
      });
    },
  );

  it("would be caught by the schema if broken (the check can fail)", () => {
    const p = pools[0];
    const broken = structuredClone(p.nodePool!) as any;
    broken.spec.disruption.consolidationPolicy = "WhenUnderutilized"; // v1beta1 only
    expect(() => validate(new KarpenterNodePool(broken))).toThrow(/consolidationPolicy/);
    const noImage = structuredClone(p.ec2NodeClass!) as any;
    delete noImage.spec.amiSelectorTerms;
    expect(() => validate(new EC2NodeClass(noImage))).toThrow(/amiSelectorTerms/);
  });

  it("the blueprint set keeps the blueprint's v1beta1 values: no AMI selector, expireAfter under disruption", () => {
    const config = blueprint.module.eks_data_addons.karpenter_resources_helm_config as Record<
      string,
      { values: string[] }
    >;
    for (const release of Object.values(config)) {
      const values = parseYaml(substitute(release.values[0], resolveRef)) as Record<string, any>;
      expect(values.ec2NodeClass.amiSelectorTerms).toBeUndefined();
      expect(values.nodePool.disruption).toEqual({
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "60s",
        expireAfter: "720h",
      });
      expect(values.nodePool.expireAfter).toBeUndefined();
    }
  });
});

describe("every notebook profile schedules on a pool of each set", () => {
  it("holds for the catalog", () => {
    expect(validateCatalog({ profiles: notebookProfiles, nodePools, nodeGroups: managedNodeGroups })).toEqual([]);
  });

  it.each(["current", "blueprint"] as const)(
    "%s: a rendered NodePool carries the profile's labels and only taints it tolerates",
    (name) => {
      const json = synth(name);
      const config = json.module.eks_data_addons.karpenter_resources_helm_config as Record<
        string,
        { values: string[] }
      >;
      const rendered = Object.values(config).map((release) => {
        const values = parseYaml(substitute(release.values[0], resolveRef)) as Record<string, any>;
        // Both chart versions render the same template labels and taints.
        return renderKarpenterResources(values).nodePool!.spec.template;
      });
      for (const mode of AUTH_MECHANISMS) {
        for (const profile of notebookProfiles.filter((p) => p.modes.includes(mode))) {
          const wanted = { ...USER_POD_NODE_LABELS, ...profile.nodeSelector };
          const onPool = rendered.some(
            (t) =>
              Object.entries(wanted).every(([k, v]) => t.metadata.labels[k] === v) &&
              ((t.spec.taints ?? []) as any[])
                .filter((taint) => taint.effect !== "PreferNoSchedule")
                .every((taint) => (profile.tolerations ?? []).some((tol) => tolerates(tol, taint))),
          );
          const onGroup = managedNodeGroups.some((g) => Object.entries(wanted).every(([k, v]) => g.labels[k] === v));
          expect(onPool || onGroup, `${name}/${mode}: ${profile.displayName}`).toBe(true);
        }
      }
    },
  );
});
