/**
 * The Karpenter NodePools (karpenter_resources_helm_config) and the managed node groups of the catalog.
 */
import { parse } from "yaml";
import { toHelmValues } from "../helm/render";
import {
  managedNodeGroups,
  type NodePool,
  type NodePoolRefs,
  nodePools,
  renderKarpenterResourcesHelmConfig,
  renderNodePoolValues,
} from "../profiles";

const fakeRefs: NodePoolRefs = {
  clusterName: "jupyterhub-on-eks",
  karpenterRole: "karpenter-jupyterhub-on-eks-20240101",
  privateSubnetId: (index) => `subnet-private-${index}`,
};

function expectedPoolValues(
  name: string,
  subnet: number,
  nodePoolLabel: string,
  taints: readonly Record<string, string>[] | undefined,
  family: string,
  sizes: readonly string[],
): Record<string, unknown> {
  return {
    name,
    clusterName: "jupyterhub-on-eks",
    ec2NodeClass: {
      karpenterRole: "karpenter-jupyterhub-on-eks-20240101",
      subnetSelectorTerms: { id: `subnet-private-${subnet}` },
      securityGroupSelectorTerms: { tags: { Name: "jupyterhub-on-eks-node" } },
      instanceStorePolicy: "RAID0",
    },
    nodePool: {
      labels: [{ type: "karpenter" }, { NodePool: nodePoolLabel }, { "hub.jupyter.org/node-purpose": "user" }],
      ...(taints === undefined ? {} : { taints }),
      requirements: [
        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [family] },
        { key: "karpenter.k8s.aws/instance-size", operator: "In", values: sizes },
      ],
      limits: { cpu: 1000 },
      disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "60s", expireAfter: "720h" },
      weight: 100,
    },
  };
}

const gpuTaints = [
  { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" },
  { key: "nvidia.com/gpu", value: "Exists", effect: "NoSchedule" },
];
const neuronTaints = [
  { key: "aws.amazon.com/neuroncore", value: "true", effect: "NoSchedule" },
  { key: "aws.amazon.com/neuron", value: "true", effect: "NoSchedule" },
  { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" },
];

const BLUEPRINT_POOL_VALUES: Record<string, Record<string, unknown>> = {
  "karpenter-resources-ts": expectedPoolValues("gpu-ts", 2, "gpu-ts", gpuTaints, "g5", [
    "2xlarge",
    "4xlarge",
    "8xlarge",
    "16xlarge",
    "24xlarge",
  ]),
  "karpenter-resources-mig": expectedPoolValues("gpu-mig", 2, "gpu-mig", gpuTaints, "p4d", ["24xlarge"]),
  "karpenter-resources-inf": expectedPoolValues("inferentia", 2, "inferentia", neuronTaints, "inf2", [
    "8xlarge",
    "24xlarge",
  ]),
  "karpenter-resources-trn": expectedPoolValues("trainium", 2, "trainium", neuronTaints, "trn1", ["32xlarge"]),
  "x86-cpu-karpenter": expectedPoolValues("x86-cpu-karpenter", 3, "default", undefined, "m5", [
    "xlarge",
    "2xlarge",
    "4xlarge",
    "8xlarge",
  ]),
};

describe("renderNodePoolValues", () => {
  it("ships the blueprint's five pools under their exact release keys", () => {
    expect(nodePools.map((p) => [p.releaseKey, p.name, p.subnetIndex])).toEqual([
      ["karpenter-resources-ts", "gpu-ts", 2],
      ["karpenter-resources-mig", "gpu-mig", 2],
      ["karpenter-resources-inf", "inferentia", 2],
      ["karpenter-resources-trn", "trainium", 2],
      ["x86-cpu-karpenter", "x86-cpu-karpenter", 3],
    ]);
  });

  it.each(Object.keys(BLUEPRINT_POOL_VALUES))("renders the values of release %s", (releaseKey) => {
    const pool = nodePools.find((p) => p.releaseKey === releaseKey) as NodePool;
    expect(renderNodePoolValues(pool, fakeRefs)).toStrictEqual(BLUEPRINT_POOL_VALUES[releaseKey]);
  });

  it("places reference strings as given, cdktf tokens included", () => {
    const asked: number[] = [];
    const tokens: NodePoolRefs = {
      clusterName: "${TfToken[TOKEN.7]}",
      karpenterRole: "${TfToken[TOKEN.8]}",
      privateSubnetId: (index) => {
        asked.push(index);
        return `\${TfToken[TOKEN.${20 + index}]}`;
      },
    };
    const values = renderNodePoolValues(nodePools[4]!, tokens) as { ec2NodeClass: Record<string, unknown> };
    expect(asked).toEqual([3]);
    expect(values.ec2NodeClass).toStrictEqual({
      karpenterRole: "${TfToken[TOKEN.8]}",
      subnetSelectorTerms: { id: "${TfToken[TOKEN.23]}" },
      securityGroupSelectorTerms: { tags: { Name: "${TfToken[TOKEN.7]}-node" } },
      instanceStorePolicy: "RAID0",
    });
  });

  it("renders karpenter_resources_helm_config as one values document per release, under the exact keys", () => {
    const config = renderKarpenterResourcesHelmConfig(nodePools, fakeRefs, toHelmValues);
    expect(Object.keys(config)).toEqual([
      "karpenter-resources-ts",
      "karpenter-resources-mig",
      "karpenter-resources-inf",
      "karpenter-resources-trn",
      "x86-cpu-karpenter",
    ]);
    for (const [key, { values }] of Object.entries(config)) {
      expect(values).toHaveLength(1);
      // Through the project's helm values renderer the document still reads back as the blueprint's.
      expect(parse(values[0]!)).toStrictEqual(BLUEPRINT_POOL_VALUES[key]);
    }
  });

  it("refuses two pools with the same release key", () => {
    const twice = [nodePools[0]!, { ...nodePools[1]!, releaseKey: "karpenter-resources-ts" }];
    expect(() => renderKarpenterResourcesHelmConfig(twice, fakeRefs, toHelmValues)).toThrow(
      'NodePool release key "karpenter-resources-ts" is used more than once',
    );
  });
});

describe("managedNodeGroups", () => {
  it("describes the core node group's labels and taints", () => {
    expect(managedNodeGroups).toStrictEqual([
      {
        key: "core_node_group",
        name: "jupyterhub-node-group",
        instanceTypes: ["m5.xlarge"],
        labels: { WorkerType: "ON_DEMAND", NodeGroupType: "core" },
        taints: [],
        offers: [],
      },
    ]);
  });
});
