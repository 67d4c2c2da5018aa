/**
 * The notebook profiles as JupyterHub's singleuser.profileList: the blueprint's lists, value for value.
 */
import { parse } from "yaml";
import { blueprintMigProfile, exampleProfile, notebookProfiles, renderProfileList } from "../profiles";
import { blueprintMigProfileValues } from "./helpers/blueprint-mig-profile";

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
    description:
      "GPU Time-Slicing with Single GPU VMs (G5 2x, 4x, 8x, 16x) | nvidia.com/gpu: 1 | Karpenter AutoScaling",
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
  JSON.stringify(DUMMY_AND_OAUTH_PROFILE_LIST.filter((p) => p.display_name !== "Elyra (CPU)"))
    .split(GPU_IMAGE)
    .join(COGNITO_GPU_IMAGE),
);

/** The blueprint's MIG entry as the dummy and oauth values files have it. */
const BLUEPRINT_MIG_ENTRY = blueprintMigProfileValues("cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only");

describe("renderProfileList", () => {
  it.each([
    ["dummy", DUMMY_AND_OAUTH_PROFILE_LIST],
    ["oauth", DUMMY_AND_OAUTH_PROFILE_LIST],
    ["cognito", COGNITO_PROFILE_LIST],
  ] as const)(
    "renders every profile of the blueprint's %s list (minus the MIG profile) with its values, in its order",
    (mode, expected) => {
      // A subset, not the whole catalog: profiles a team adds (README, "Add a notebook profile")
      // may come anywhere; the blueprint's own must all be there, unchanged and in their order.
      const rendered = renderProfileList(notebookProfiles, mode);
      const names = rendered.map((p) => p.display_name);
      const positions = expected.map((entry) => names.indexOf(entry.display_name));
      expect(
        positions.filter((i) => i < 0),
        "missing blueprint profiles",
      ).toEqual([]);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expected.forEach((entry, i) => {
        expect(rendered[positions[i]!]).toStrictEqual(entry);
      });
    },
  );

  it("reproduces the blueprint's full list when the MIG profile is put back in its place", () => {
    const withMig = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
    withMig.splice(
      withMig.findIndex((p) => p.displayName === "Data Science (GPU - P4d.24xlarge)"),
      0,
      blueprintMigProfile,
    );
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
