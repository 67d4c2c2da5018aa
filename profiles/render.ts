/**
 * Renders the catalog into the shapes the blueprint's YAML has: JupyterHub profileList entries
 * (snake_case KubeSpawner keys) and the values of one `karpenter-resources` helm release.
 * Keys whose data is absent are left out, never rendered as undefined or null (the only null
 * is `cmd: null`, which is data).
 */

import type { AuthMechanism } from "../variables";
import type { ImageChoice, ImageRef, NodePool, NotebookProfile, Taint, Toleration } from "./types";

type Plain = Record<string, unknown>;

/** The image of `ref` in `mode`. */
export function resolveImage(ref: ImageRef, mode: AuthMechanism): string {
  return typeof ref === "string" ? ref : (ref.byMode[mode] ?? ref.image);
}

function renderToleration(t: Toleration): Plain {
  const out: Plain = {};
  if (t.key !== undefined) out.key = t.key;
  out.operator = t.operator;
  if (t.value !== undefined) out.value = t.value;
  if (t.effect !== undefined) out.effect = t.effect;
  return out;
}

function renderTaint(t: Taint): Plain {
  const out: Plain = { key: t.key };
  if (t.value !== undefined) out.value = t.value;
  out.effect = t.effect;
  return out;
}

function renderChoice(choice: ImageChoice, mode: AuthMechanism): Plain {
  const out: Plain = { display_name: choice.displayName };
  if (choice.default) out.default = true;
  out.kubespawner_override = { image: resolveImage(choice.image, mode) };
  return out;
}

function renderOverride(profile: NotebookProfile, mode: AuthMechanism): Plain {
  const out: Plain = {};
  if (profile.image !== undefined) out.image = resolveImage(profile.image, mode);
  out.node_selector = { ...profile.nodeSelector };
  if (profile.tolerations !== undefined && profile.tolerations.length > 0) {
    out.tolerations = profile.tolerations.map(renderToleration);
  }
  out.cpu_guarantee = profile.cpuGuarantee;
  out.mem_guarantee = profile.memGuarantee;
  out.cpu_limit = profile.cpuLimit;
  out.mem_limit = profile.memLimit;
  if (profile.extraResourceLimits !== undefined) out.extra_resource_limits = { ...profile.extraResourceLimits };
  if (profile.extraResourceGuarantees !== undefined) {
    out.extra_resource_guarantees = { ...profile.extraResourceGuarantees };
  }
  if (profile.cmd?.placement === "kubespawner_override") out.cmd = profile.cmd.value;
  if (profile.sudo) Object.assign(out, SUDO_OVERRIDE);
  return out;
}

/**
 * The KubeSpawner settings of a profile with `sudo`: start as root (uid and gid 0) with
 * privilege escalation, and GRANT_SUDO for the Jupyter Docker Stacks start script, which grants
 * the image's user passwordless sudo and then runs the notebook as that user. KubeSpawner merges
 * an `environment` override into the global environment instead of replacing it.
 */
export const SUDO_OVERRIDE = {
  uid: 0,
  gid: 0,
  allow_privilege_escalation: true,
  environment: { GRANT_SUDO: "yes" },
} as const;

function renderProfile(profile: NotebookProfile, mode: AuthMechanism): Plain {
  const out: Plain = { display_name: profile.displayName };
  if (profile.default) out.default = true;
  out.description = profile.description;
  if (profile.imageOptions !== undefined) {
    const choices: Plain = {};
    for (const choice of profile.imageOptions.choices) choices[choice.key] = renderChoice(choice, mode);
    out.profile_options = { image: { display_name: profile.imageOptions.displayName, choices } };
  }
  out.kubespawner_override = renderOverride(profile, mode);
  if (profile.cmd?.placement === "profile") out.cmd = profile.cmd.value;
  return out;
}

/**
 * JupyterHub's `singleuser.profileList` for one auth mode: the profiles offered in `mode`, in
 * catalog order, each shaped like the blueprint's YAML entry.
 */
export function renderProfileList(
  profiles: readonly NotebookProfile[],
  mode: AuthMechanism,
): Record<string, unknown>[] {
  return profiles.filter((p) => p.modes.includes(mode)).map((p) => renderProfile(p, mode));
}

/** What a NodePool's values refer to in the rest of the stack (plain strings or cdktf tokens). */
export interface NodePoolRefs {
  clusterName: string;
  /** The Karpenter node role's name (the blueprint splits it off the role ARN). */
  karpenterRole: string;
  /** module.vpc.private_subnets[index]. */
  privateSubnetId(index: number): string;
}

/**
 * The `karpenter-resources` chart the values are for:
 * - `v1beta1`: eks-data-addons 1.33.0 (the blueprint). The chart's default `amiFamily: AL2`
 *   stands; `expireAfter` belongs to `disruption`.
 * - `v1`: eks-data-addons 1.34.0 and later (karpenter.sh/v1, karpenter.k8s.aws/v1). The image
 *   comes from `amiSelectorTerms` (an alias such as `al2023@latest`, replacing the chart's
 *   Bottlerocket default); `expireAfter` belongs to the NodePool template.
 */
export type KarpenterResourcesTarget =
  | { readonly api: "v1beta1" }
  | { readonly api: "v1"; readonly amiSelectorAlias: string };

export const BLUEPRINT_KARPENTER_RESOURCES: KarpenterResourcesTarget = { api: "v1beta1" };

/**
 * The disruption budgets of a v1 NodePool: at most 10% of the nodes at a time (the chart's
 * default), and none for drift. A new AMI release or a changed NodePool marks every node as
 * drifted; notebook nodes are then replaced only once they are empty (consolidation) or expire,
 * never under a running notebook.
 */
export const NOTEBOOK_POOL_BUDGETS = [{ nodes: "10%" }, { nodes: "0", reasons: ["Drifted"] }] as const;

/** The values object of the `karpenter-resources` release that installs `pool`. */
export function renderNodePoolValues(
  pool: NodePool,
  refs: NodePoolRefs,
  target: KarpenterResourcesTarget = BLUEPRINT_KARPENTER_RESOURCES,
): Record<string, unknown> {
  const ec2NodeClass: Plain = {};
  if (target.api === "v1") ec2NodeClass.amiSelectorTerms = [{ alias: target.amiSelectorAlias }];
  Object.assign(ec2NodeClass, {
    karpenterRole: refs.karpenterRole,
    subnetSelectorTerms: { id: refs.privateSubnetId(pool.subnetIndex) },
    securityGroupSelectorTerms: { tags: { Name: `${refs.clusterName}-node` } },
  });
  if (pool.instanceStorePolicy !== undefined) ec2NodeClass.instanceStorePolicy = pool.instanceStorePolicy;

  const nodePool: Plain = {
    labels: Object.entries(pool.labels).map(([key, value]) => ({ [key]: value })),
  };
  if (pool.taints.length > 0) nodePool.taints = pool.taints.map(renderTaint);
  nodePool.requirements = [
    { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...pool.instanceFamilies] },
    { key: "karpenter.k8s.aws/instance-size", operator: "In", values: [...pool.instanceSizes] },
  ];
  nodePool.limits = { ...pool.limits };
  if (target.api === "v1") {
    const { expireAfter, consolidationPolicy, consolidateAfter } = pool.disruption;
    nodePool.expireAfter = expireAfter;
    nodePool.disruption = {
      // v1 renamed WhenUnderutilized; WhenEmpty keeps its name.
      consolidationPolicy:
        consolidationPolicy === "WhenUnderutilized" ? "WhenEmptyOrUnderutilized" : consolidationPolicy,
      consolidateAfter,
      budgets: structuredClone(NOTEBOOK_POOL_BUDGETS),
    };
  } else {
    nodePool.disruption = { ...pool.disruption };
  }
  nodePool.weight = pool.weight;

  return { name: pool.name, clusterName: refs.clusterName, ec2NodeClass, nodePool };
}

/**
 * The eks-data-addons `karpenter_resources_helm_config` input: one release per NodePool, keyed
 * by its release key, whose single values document is `toValues` of renderNodePoolValues.
 * Pass the project's helm values renderer (helm/render.ts `toHelmValues`), so the YAML and its
 * Terraform escaping are done in one place.
 */
export function renderKarpenterResourcesHelmConfig(
  pools: readonly NodePool[],
  refs: NodePoolRefs,
  toValues: (values: Record<string, unknown>) => string,
  target: KarpenterResourcesTarget = BLUEPRINT_KARPENTER_RESOURCES,
): Record<string, { values: string[] }> {
  const config: Record<string, { values: string[] }> = {};
  for (const pool of pools) {
    if (config[pool.releaseKey] !== undefined) {
      throw new Error(`NodePool release key "${pool.releaseKey}" is used more than once`);
    }
    config[pool.releaseKey] = { values: [toValues(renderNodePoolValues(pool, refs, target))] };
  }
  return config;
}
