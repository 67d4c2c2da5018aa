import { parse } from "yaml";
import { toHelmValues } from "../helm/render";
import {
  assertValidCatalog,
  blueprintMigProfile,
  exampleProfile,
  managedNodeGroups,
  nodePools,
  notebookProfiles,
  shippedProfiles,
  SHIPPED_PROFILE_NAMES,
  renderKarpenterResourcesHelmConfig,
  renderNodePoolValues,
  renderProfileList,
  tolerates,
  validateCatalog,
  type Catalog,
  type ImageChoiceProfile,
  type NodePool,
  type NodePoolRefs,
  type NotebookProfile,
} from "../profiles";

// The expected values below are the facts of the blueprint (data-on-eks ai-ml/jupyterhub,
// helm/jupyterhub/jupyterhub-values-*.yaml `singleuser.profileList` and addons.tf
// `karpenter_resources_helm_config`), written out as the objects their YAML parses to.
// The dummy and oauth values files have identical profile lists; cognito leaves out Elyra and
// pins older GPU images. The MIG profile is left out of the shipped catalog (see
// docs/profiles.md), so it is expected only where the test puts it back.

const DUMMY_AND_OAUTH_PROFILE_LIST: readonly Record<string, unknown>[] = [
  {
    display_name: "Elyra (CPU)",
    description: "Elyra Notebooks | Karpenter Autoscaling",
    kubespawner_override: {
      image: "public.ecr.aws/data-on-eks/elyra-jupyter:3.15.0",
      node_selector: { NodePool: "default" },
      cpu_guarantee: 2,
      mem_guarantee: "8G",
      cpu_limit: 4,
      mem_limit: "8G",
    },
    cmd: null,
  },
  {
    display_name: "Data Engineering (CPU)",
    description: "PySpark Notebooks | Karpenter AutoScaling",
    profile_options: {
      image: {
        display_name: "Image",
        choices: {
          pyspark350: {
            display_name: "PySpark 3.5.0 + Python 3.11",
            default: true,
            kubespawner_override: { image: "jupyter/pyspark-notebook:spark-3.5.0" },
          },
          pyspark341: {
            display_name: "PySpark 3.4.1 + Python 3.11",
            kubespawner_override: { image: "jupyter/pyspark-notebook:spark-3.4.1" },
          },
        },
      },
    },
    kubespawner_override: {
      node_selector: { NodePool: "default" },
      cpu_guarantee: 2,
      mem_guarantee: "8G",
      cpu_limit: 4,
      mem_limit: "8G",
    },
    cmd: null,
  },
  {
    display_name: "Trainium (trn1)",
    description: "Trainium | Karpenter AutoScaling",
    profile_options: {
      image: {
        display_name: "Image",
        choices: {
          pytorch1131: {
            display_name: "PyTorch 1.13.1 + torch-neuronx",
            default: true,
            kubespawner_override: { image: "public.ecr.aws/data-on-eks/pytorch-neuronx:latest" },
          },
          tflow2101: {
            display_name: "Tensorflow 2.10.1 + tensorflow-neuronx",
            kubespawner_override: { image: "public.ecr.aws/data-on-eks/tensorflow-neuronx:latest" },
          },
        },
      },
    },
    kubespawner_override: {
      node_selector: { NodePool: "trainium", "hub.jupyter.org/node-purpose": "user" },
      tolerations: [
        { key: "aws.amazon.com/neuroncore", operator: "Exists", effect: "NoSchedule" },
        { key: "aws.amazon.com/neuron", operator: "Exists", effect: "NoSchedule" },
        { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      ],
      cpu_guarantee: 2,
      mem_guarantee: "10G",
      cpu_limit: 2,
      mem_limit: "10G",
      extra_resource_limits: { "aws.amazon.com/neuron": "1" },
      cmd: "start-singleuser.sh",
    },
  },
  {
    display_name: "Inferentia (inf2)",
    description: "Inferentia | Karpenter AutoScaling",
    profile_options: {
      image: {
        display_name: "Image",
        choices: {
          pytorch1131: {
            display_name: "PyTorch + torch-neuronx",
            default: true,
            kubespawner_override: { image: "public.ecr.aws/data-on-eks/pytorch-neuronx:latest" },
          },
          tflow2101: {
            display_name: "Tensorflow + tensorflow-neuronx",
            kubespawner_override: { image: "public.ecr.aws/data-on-eks/tensorflow-neuronx:latest" },
          },
        },
      },
    },
    kubespawner_override: {
      node_selector: { NodePool: "inferentia", "hub.jupyter.org/node-purpose": "user" },
      tolerations: [
        { key: "aws.amazon.com/neuroncore", operator: "Exists", effect: "NoSchedule" },
        { key: "aws.amazon.com/neuron", operator: "Exists", effect: "NoSchedule" },
        { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      ],
      cpu_guarantee: 20,
      mem_guarantee: "100G",
      cpu_limit: 20,
      mem_limit: "100G",
      extra_resource_limits: { "aws.amazon.com/neuron": "1" },
      cmd: null,
    },
  },
  {
    display_name: "Data Science (GPU + Time-Slicing - G5)",
    default: true,
    description: "GPU Time-Slicing with Single GPU VMs (G5 2x, 4x, 8x, 16x) | nvidia.com/gpu: 1 | Karpenter AutoScaling",
    kubespawner_override: {
      image: "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only",
      node_selector: { NodePool: "gpu-ts", "hub.jupyter.org/node-purpose": "user" },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      ],
      extra_resource_limits: { "nvidia.com/gpu": "1" },
      cpu_limit: 2,
      mem_limit: "4G",
      cpu_guarantee: 2,
      mem_guarantee: "4G",
      cmd: "start-singleuser.sh",
    },
  },
  {
    display_name: "Data Science (GPU - P4d.24xlarge)",
    description: "GPU with P4d instances | Karpenter Autoscaler",
    kubespawner_override: {
      image: "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only",
      node_selector: { NodePool: "gpu-mig", "hub.jupyter.org/node-purpose": "user" },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
      ],
      extra_resource_limits: { "nvidia.com/gpu": "8" },
      cpu_guarantee: 2,
      mem_guarantee: "10G",
      cpu_limit: 2,
      mem_limit: "10G",
      cmd: "start-singleuser.sh",
    },
  },
];

/**
 * The blueprint's cognito values file differs from the other two in exactly two ways: no
 * Elyra profile, and the older GPU image in the three GPU profiles.
 */
const GPU_IMAGE = "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only";
const COGNITO_GPU_IMAGE = "cschranz/gpu-jupyter:v1.5_cuda-11.6_ubuntu-20.04_python-only";
const COGNITO_PROFILE_LIST: readonly Record<string, unknown>[] = JSON.parse(
  JSON.stringify(DUMMY_AND_OAUTH_PROFILE_LIST.filter((p) => p.display_name !== "Elyra (CPU)")).split(GPU_IMAGE).join(COGNITO_GPU_IMAGE),
);

/** The blueprint's MIG entry as the dummy and oauth values files have it. */
const BLUEPRINT_MIG_ENTRY = {
  display_name: "Data Science (GPU + MIG on P4d.24xlarge)",
  description: "GPU MIG with P4d instances | nvidia.com/mig-1g.5gb: 1 | Cluster Autoscaler",
  kubespawner_override: {
    image: "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only",
    node_selector: {
      provisioner: "cluster-autoscaler",
      "node.kubernetes.io/instance-type": "p4d.24xlarge",
      "hub.jupyter.org/node-purpose": "user",
    },
    tolerations: [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
    ],
    extra_resource_guarantees: { "nvidia.com/mig-1g.5gb": 1 },
    cpu_guarantee: 2,
    mem_guarantee: "10G",
    cpu_limit: 2,
    mem_limit: "10G",
    cmd: "start-singleuser.sh",
  },
};

// The shipped profiles: the checks below name them; a team's own profiles are tested by the
// catalog's validation at synthesis, not by these golden values.
const shippedCatalog = shippedProfiles(notebookProfiles);
const shipped: Catalog = { profiles: shippedCatalog, nodePools, nodeGroups: managedNodeGroups };

function profile(displayName: string): NotebookProfile {
  const found = notebookProfiles.find((p) => p.displayName === displayName);
  if (found === undefined) throw new Error(`no profile ${displayName}`);
  return found;
}

/** The shipped catalog with one profile replaced. */
function withProfile(displayName: string, change: (p: NotebookProfile) => NotebookProfile): Catalog {
  return {
    ...shipped,
    profiles: shippedCatalog.map((p) => (p.displayName === displayName ? change(p) : p)),
  };
}

const GPU_TS = "Data Science (GPU + Time-Slicing - G5)";
const DATA_ENG = "Data Engineering (CPU)";
const dataEngineering = profile(DATA_ENG) as ImageChoiceProfile;
const dataEngineeringChoices = dataEngineering.imageOptions.choices;

describe("renderProfileList", () => {
  it.each([
    ["dummy", DUMMY_AND_OAUTH_PROFILE_LIST],
    ["oauth", DUMMY_AND_OAUTH_PROFILE_LIST],
    ["cognito", COGNITO_PROFILE_LIST],
  ] as const)("renders every profile of the blueprint's %s list (minus the MIG profile) with its values, in its order", (mode, expected) => {
    // A subset, not the whole catalog: profiles a team adds (README, "Add a notebook profile")
    // may come anywhere; the blueprint's own must all be there, unchanged and in their order.
    const rendered = renderProfileList(notebookProfiles, mode);
    const names = rendered.map((p) => p.display_name);
    const positions = expected.map((entry) => names.indexOf(entry.display_name));
    expect(positions.filter((i) => i < 0), "missing blueprint profiles").toEqual([]);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expected.forEach((entry, i) => {
      expect(rendered[positions[i]!]).toStrictEqual(entry);
    });
  });

  it("reproduces the blueprint's full list when the MIG profile is put back in its place", () => {
    const withMig = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
    withMig.splice(withMig.findIndex((p) => p.displayName === "Data Science (GPU - P4d.24xlarge)"), 0, blueprintMigProfile);
    const expected = [...DUMMY_AND_OAUTH_PROFILE_LIST];
    expected.splice(5, 0, BLUEPRINT_MIG_ENTRY);
    expect(renderProfileList(withMig, "dummy")).toStrictEqual(expected);
    const cognito = renderProfileList(withMig, "cognito");
    expect(cognito[4]).toStrictEqual({
      ...BLUEPRINT_MIG_ENTRY,
      kubespawner_override: {
        ...BLUEPRINT_MIG_ENTRY.kubespawner_override,
        image: "cschranz/gpu-jupyter:v1.5_cuda-11.6_ubuntu-20.04_python-only",
      },
    });
  });

  it("keeps quantities' types through YAML: limits are strings, guarantees and CPUs numbers", () => {
    const yaml = JSON.stringify(renderProfileList(notebookProfiles, "dummy"));
    const list = parse(yaml) as { kubespawner_override: Record<string, unknown> }[];
    expect(list[2]!.kubespawner_override.extra_resource_limits).toStrictEqual({ "aws.amazon.com/neuron": "1" });
    expect(list[2]!.kubespawner_override.cpu_guarantee).toBe(2);
    const mig = renderProfileList([blueprintMigProfile], "oauth")[0]!;
    expect((mig.kubespawner_override as Record<string, unknown>).extra_resource_guarantees).toStrictEqual({
      "nvidia.com/mig-1g.5gb": 1,
    });
  });

  it("puts cmd where the blueprint does: beside kubespawner_override or inside it", () => {
    const [elyra, , trainium, inferentia] = renderProfileList(notebookProfiles, "dummy");
    expect(elyra).toHaveProperty("cmd", null);
    expect(elyra!.kubespawner_override).not.toHaveProperty("cmd");
    expect(trainium).not.toHaveProperty("cmd");
    expect(trainium!.kubespawner_override).toHaveProperty("cmd", "start-singleuser.sh");
    expect(inferentia!.kubespawner_override).toHaveProperty("cmd", null);
  });
});

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

describe("tolerates (Kubernetes semantics)", () => {
  const gpuTaint = { key: "nvidia.com/gpu", value: "Exists", effect: "NoSchedule" } as const;
  it("matches Exists on the key whatever the value", () => {
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, gpuTaint)).toBe(true);
    expect(tolerates({ key: "nvidia.com/gpux", operator: "Exists" }, gpuTaint)).toBe(false);
  });
  it("lets an empty-key Exists tolerate every taint", () => {
    expect(tolerates({ operator: "Exists" }, gpuTaint)).toBe(true);
    expect(tolerates({ key: "", operator: "Exists" }, { key: "a", effect: "NoExecute" })).toBe(true);
  });
  it("matches Equal on key and value", () => {
    const dedicated = { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" } as const;
    expect(tolerates({ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user" }, dedicated)).toBe(true);
    expect(tolerates({ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "core" }, dedicated)).toBe(false);
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Equal", value: "true" }, gpuTaint)).toBe(false);
  });
  it("requires the effect to match when one is given", () => {
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }, gpuTaint)).toBe(false);
  });
});

describe("validateCatalog", () => {
  it("accepts the shipped catalog", () => {
    expect(validateCatalog(shipped)).toEqual([]);
    expect(() => assertValidCatalog(shipped)).not.toThrow();
  });

  it("rejects the blueprint's MIG profile: nothing carries its labels and nothing offers MIG slices", () => {
    const errors = validateCatalog({ ...shipped, profiles: [...notebookProfiles, blueprintMigProfile] });
    expect(errors).toEqual([
      'Profile "Data Science (GPU + MIG on P4d.24xlarge)": no NodePool or node group has the labels its pod needs ' +
        "(provisioner=cluster-autoscaler, node.kubernetes.io/instance-type=p4d.24xlarge, hub.jupyter.org/node-purpose=user). " +
        'Closest: NodePool "gpu-mig" lacks provisioner=cluster-autoscaler. ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
      'Profile "Data Science (GPU + MIG on P4d.24xlarge)": requests nvidia.com/mig-1g.5gb, which no NodePool or node group ' +
        "offers. Add a NodePool whose nodes advertise nvidia.com/mig-1g.5gb (and list it in its offers), or remove the request.",
    ]);
  });

  it("rejects a node selector naming a NodePool label nobody carries", () => {
    const errors = validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, nodeSelector: { NodePool: "cpu" } })));
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": no NodePool or node group has the labels its pod needs (NodePool=cpu plus ' +
        "hub.jupyter.org/node-purpose=user, which the hub requires of every notebook pod). " +
        'Closest: NodePool "gpu-ts" lacks NodePool=cpu (has gpu-ts); NodePool "gpu-mig" lacks NodePool=cpu (has gpu-mig); ' +
        'NodePool "inferentia" lacks NodePool=cpu (has inferentia); NodePool "trainium" lacks NodePool=cpu (has trainium); ' +
        'NodePool "x86-cpu-karpenter" lacks NodePool=cpu (has default). ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
    ]);
  });

  it("counts the hub's node-purpose requirement: the core node group cannot host notebooks", () => {
    const onCore = withProfile(DATA_ENG, (p) => ({ ...p, nodeSelector: { NodeGroupType: "core" } }));
    expect(validateCatalog(onCore)).toEqual([
      'Profile "Data Engineering (CPU)": no NodePool or node group has the labels its pod needs (NodeGroupType=core plus ' +
        "hub.jupyter.org/node-purpose=user, which the hub requires of every notebook pod). " +
        'Closest: node group "core_node_group" lacks hub.jupyter.org/node-purpose=user. ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
    ]);
    // Without that hub setting the same profile schedules on the core node group.
    expect(validateCatalog(onCore, { userPodNodeLabels: {} })).toEqual([]);
  });

  it("matches the well-known labels Karpenter puts on its nodes", () => {
    const byInstanceType = withProfile(GPU_TS, (p) => ({
      ...p,
      nodeSelector: { "node.kubernetes.io/instance-type": "g5.4xlarge", "hub.jupyter.org/node-purpose": "user" },
    }));
    expect(validateCatalog(byInstanceType)).toEqual([]);
    const wrongSize = withProfile(GPU_TS, (p) => ({
      ...p,
      nodeSelector: { "node.kubernetes.io/instance-type": "g5.xlarge", "hub.jupyter.org/node-purpose": "user" },
    }));
    expect(validateCatalog(wrongSize)[0]).toContain("no NodePool or node group has the labels its pod needs");
  });

  it("rejects a profile that does not tolerate its NodePool's taints", () => {
    const errors = validateCatalog(
      withProfile(GPU_TS, (p) => ({ ...p, tolerations: p.tolerations?.filter((t) => t.key !== "nvidia.com/gpu") })),
    );
    expect(errors).toEqual([
      'Profile "Data Science (GPU + Time-Slicing - G5)": does not tolerate the taints of the nodes its node selector ' +
        'matches: NodePool "gpu-ts" has nvidia.com/gpu=Exists:NoSchedule. Add a toleration for each of these taints.',
    ]);
  });

  it("requires tolerating NoSchedule and NoExecute taints, not PreferNoSchedule ones", () => {
    const x86With = (effect: "PreferNoSchedule" | "NoExecute"): Catalog => ({
      ...shipped,
      nodePools: nodePools.map((p) => (p.name === "x86-cpu-karpenter" ? { ...p, taints: [{ key: "spot", effect }] } : p)),
    });
    expect(validateCatalog(x86With("PreferNoSchedule"))).toEqual([]);
    expect(validateCatalog(x86With("NoExecute"))).toEqual(
      ["Elyra (CPU)", "Data Engineering (CPU)"].map(
        (name) =>
          `Profile "${name}": does not tolerate the taints of the nodes its node selector matches: ` +
          'NodePool "x86-cpu-karpenter" has spot:NoExecute. Add a toleration for each of these taints.',
      ),
    );
  });

  it("accepts an empty-key Exists toleration for every taint", () => {
    expect(validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, tolerations: [{ operator: "Exists" }] })))).toEqual([]);
  });

  it("rejects a GPU profile that does not request the GPU its NodePool offers", () => {
    const errors = validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, extraResourceLimits: undefined })));
    expect(errors).toEqual([
      'Profile "Data Science (GPU + Time-Slicing - G5)": lands on NodePool "gpu-ts", which offers nvidia.com/gpu, ' +
        'but requests none of it. Request one in extraResourceLimits (e.g. {"nvidia.com/gpu": "1"}), ' +
        "or select a NodePool without devices.",
    ]);
  });

  it("rejects a profile requesting a device its NodePool does not offer", () => {
    const errors = validateCatalog(
      withProfile(DATA_ENG, (p) => ({ ...p, extraResourceLimits: { "nvidia.com/gpu": "1" } })),
    );
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": requests nvidia.com/gpu, but NodePool "x86-cpu-karpenter", where it lands, ' +
        'does not offer it; nvidia.com/gpu is offered by NodePool "gpu-ts", NodePool "gpu-mig". ' +
        "Point nodeSelector and tolerations at one of those.",
    ]);
  });

  it("rejects an auth mode without a default profile", () => {
    const errors = validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, default: false })));
    expect(errors).toEqual(
      ["dummy", "cognito", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": needs exactly one default profile, found 0. ` +
          `Set default: true on exactly one profile offered in "${mode}".`,
      ),
    );
  });

  it("rejects an auth mode with two default profiles", () => {
    const errors = validateCatalog(withProfile("Elyra (CPU)", (p) => ({ ...p, default: true })));
    expect(errors).toEqual(
      ["dummy", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": needs exactly one default profile, found 2 ` +
          `("Elyra (CPU)", "Data Science (GPU + Time-Slicing - G5)"). ` +
          `Set default: true on exactly one profile offered in "${mode}".`,
      ),
    );
  });

  it("rejects a display name used twice in one auth mode, not across modes", () => {
    const renamed = withProfile("Elyra (CPU)", (p) => ({ ...p, displayName: DATA_ENG }));
    expect(validateCatalog(renamed)).toEqual(
      ["dummy", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": display name "Data Engineering (CPU)" is used by 2 profiles. ` +
          `Give each profile offered in "${mode}" its own displayName.`,
      ),
    );
    // The same name in disjoint modes is two separate forms, so it is fine.
    const disjoint = withProfile(DATA_ENG, (p) => ({ ...p, modes: ["cognito"] }));
    const copy: NotebookProfile = { ...dataEngineering, modes: ["dummy", "oauth"] };
    expect(validateCatalog({ ...disjoint, profiles: [...disjoint.profiles, copy] })).toEqual([]);
  });

  it("rejects image choices without exactly one default", () => {
    const none = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, default: false })) },
    }));
    expect(validateCatalog(none)).toEqual([
      'Profile "Data Engineering (CPU)": image choices need exactly one default, found 0. Set default: true on exactly one choice.',
    ]);
    const two = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, default: true })) },
    }));
    expect(validateCatalog(two)).toEqual([
      'Profile "Data Engineering (CPU)": image choices need exactly one default, found 2 ("pyspark350", "pyspark341"). ' +
        "Set default: true on exactly one choice.",
    ]);
  });

  it("rejects duplicate image choice keys", () => {
    const dup = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, key: "pyspark" })) },
    }));
    expect(validateCatalog(dup)).toEqual([
      'Profile "Data Engineering (CPU)": image choice keys "pyspark" are used more than once. Give each choice its own key.',
    ]);
  });

  it("rejects guarantees above limits", () => {
    const errors = validateCatalog(
      withProfile(DATA_ENG, (p) => ({ ...p, cpuGuarantee: 5, memGuarantee: "9G", memLimit: "8G" })),
    );
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": cpuGuarantee 5 exceeds cpuLimit 4. Lower the guarantee or raise the limit.',
      'Profile "Data Engineering (CPU)": memGuarantee 9G exceeds memLimit 8G. Lower the guarantee or raise the limit.',
    ]);
    // Units are compared, not strings: 900M is less than 1G.
    expect(validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, memGuarantee: "900M", memLimit: "1G" })))).toEqual([]);
  });

  it("rejects a profile offered in no auth mode", () => {
    expect(validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, modes: [] })))).toEqual([
      'Profile "Data Engineering (CPU)": is offered in no auth mode. List at least one of "dummy", "cognito", "oauth" in modes.',
    ]);
  });

  it("rejects two NodePools with the same name or release key", () => {
    const pools = [...nodePools, { ...nodePools[4]!, labels: { NodePool: "spare" } }];
    expect(validateCatalog({ ...shipped, nodePools: pools })).toEqual([
      'NodePool name "x86-cpu-karpenter" is used more than once. Give each NodePool its own name.',
      'NodePool releaseKey "x86-cpu-karpenter" is used more than once. Give each NodePool its own releaseKey.',
    ]);
  });

  it("assertValidCatalog throws listing every error", () => {
    const broken = { ...shipped, profiles: [...notebookProfiles, blueprintMigProfile] };
    expect(() => assertValidCatalog(broken)).toThrow(
      new Error(`The profile catalog is invalid:\n${validateCatalog(broken).map((e) => `- ${e}`).join("\n")}`),
    );
  });
});

describe("adding a profile", () => {
  it("leaves the shipped profiles in the catalog, each once; a team's own come on top", () => {
    expect(shippedProfiles(notebookProfiles).map((p) => p.displayName)).toEqual(SHIPPED_PROFILE_NAMES);
    const withOwn = [...notebookProfiles, { ...exampleProfile, displayName: "Team profile" }];
    expect(shippedProfiles(withOwn).map((p) => p.displayName)).toEqual(SHIPPED_PROFILE_NAMES);
    expect(validateCatalog({ ...shipped, profiles: withOwn })).toEqual([]);
  });

  // The shipped catalog without the README's example (a user who followed the README has it
  // already), then the example appended once.
  const base = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
  const extended: Catalog = { ...shipped, profiles: [...base, exampleProfile] };

  it("keeps the catalog valid with one more object", () => {
    expect(validateCatalog(extended)).toEqual([]);
  });

  it.each(["dummy", "cognito", "oauth"] as const)("appears at the end of the %s list", (mode) => {
    const before = renderProfileList(base, mode);
    const after = renderProfileList(extended.profiles, mode);
    expect(after.slice(0, -1)).toStrictEqual(before);
    expect(after[after.length - 1]).toStrictEqual({
      display_name: "Data Science (CPU)",
      description: "SciPy Notebooks | Karpenter AutoScaling",
      kubespawner_override: {
        image: "quay.io/jupyter/scipy-notebook:2025-03-14",
        node_selector: { NodePool: "default", "hub.jupyter.org/node-purpose": "user" },
        cpu_guarantee: 1,
        mem_guarantee: "4G",
        cpu_limit: 2,
        mem_limit: "4G",
      },
    });
  });
});
