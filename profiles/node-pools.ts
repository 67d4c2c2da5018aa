/**
 * The Karpenter NodePools of the blueprint (module.eks_data_addons,
 * `karpenter_resources_helm_config`) and the cluster's managed node group (module.eks).
 */

import type { NodeGroup, NodePool, Taint } from "./types";

/** Keeps notebook pods alone on their nodes (z2jh's dedicated user nodes). */
const dedicatedToUsers: Taint = { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" };

/** The blueprint taints GPU nodes with the literal value "Exists"; profiles tolerate any value. */
const nvidiaGpuTaint: Taint = { key: "nvidia.com/gpu", value: "Exists", effect: "NoSchedule" };

const neuronTaints: readonly Taint[] = [
  { key: "aws.amazon.com/neuroncore", value: "true", effect: "NoSchedule" },
  { key: "aws.amazon.com/neuron", value: "true", effect: "NoSchedule" },
  dedicatedToUsers,
];

/** What every blueprint NodePool shares: limits, disruption and weight. */
const poolDefaults = {
  limits: { cpu: 1000 },
  disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "60s", expireAfter: "720h" },
  weight: 100,
  instanceStorePolicy: "RAID0",
} as const satisfies Partial<NodePool>;

/** Labels of a user-notebook pool; `NodePool` is what profiles select on. */
function userPoolLabels(nodePoolLabel: string) {
  return { type: "karpenter", NodePool: nodePoolLabel, "hub.jupyter.org/node-purpose": "user" } as const;
}

export const nodePools: readonly NodePool[] = [
  {
    name: "gpu-ts",
    releaseKey: "karpenter-resources-ts",
    labels: userPoolLabels("gpu-ts"),
    taints: [dedicatedToUsers, nvidiaGpuTaint],
    instanceFamilies: ["g5"],
    instanceSizes: ["2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge"],
    subnetIndex: 2,
    // Time-sliced by the NVIDIA device plugin's default config (4 replicas per GPU).
    offers: ["nvidia.com/gpu"],
    ...poolDefaults,
  },
  {
    name: "gpu-mig",
    releaseKey: "karpenter-resources-mig",
    labels: userPoolLabels("gpu-mig"),
    taints: [dedicatedToUsers, nvidiaGpuTaint],
    instanceFamilies: ["p4d"],
    instanceSizes: ["24xlarge"],
    subnetIndex: 2,
    // Nothing enables MIG on these nodes, so they advertise whole GPUs only.
    offers: ["nvidia.com/gpu"],
    ...poolDefaults,
  },
  {
    name: "inferentia",
    releaseKey: "karpenter-resources-inf",
    labels: userPoolLabels("inferentia"),
    taints: neuronTaints,
    instanceFamilies: ["inf2"],
    instanceSizes: ["8xlarge", "24xlarge"],
    subnetIndex: 2,
    offers: ["aws.amazon.com/neuron", "aws.amazon.com/neuroncore"],
    ...poolDefaults,
  },
  {
    name: "trainium",
    releaseKey: "karpenter-resources-trn",
    labels: userPoolLabels("trainium"),
    taints: neuronTaints,
    instanceFamilies: ["trn1"],
    instanceSizes: ["32xlarge"],
    subnetIndex: 2,
    offers: ["aws.amazon.com/neuron", "aws.amazon.com/neuroncore"],
    ...poolDefaults,
  },
  {
    name: "x86-cpu-karpenter",
    releaseKey: "x86-cpu-karpenter",
    labels: userPoolLabels("default"),
    taints: [],
    instanceFamilies: ["m5"],
    instanceSizes: ["xlarge", "2xlarge", "4xlarge", "8xlarge"],
    subnetIndex: 3,
    offers: [],
    ...poolDefaults,
  },
];

/** The core managed node group (module.eks `eks_managed_node_groups.core_node_group`). */
export const managedNodeGroups: readonly NodeGroup[] = [
  {
    key: "core_node_group",
    name: "jupyterhub-node-group",
    instanceTypes: ["m5.xlarge"],
    labels: { WorkerType: "ON_DEMAND", NodeGroupType: "core" },
    taints: [],
    offers: [],
  },
];
