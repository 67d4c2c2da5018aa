/**
 * The notebook profiles JupyterHub offers, in the order of its spawner form.
 *
 * To add a profile, append one object to `notebookProfiles` (see docs/profiles.md); the
 * profile list of every auth mode it names and the checks in validate.ts pick it up.
 */

import { NOTEBOOK_IMAGES } from "../versions";
import type { ImageRef, NotebookProfile, Toleration } from "./types";

/** Tolerates the taint that reserves the user NodePools for notebooks. */
export const userNodeToleration: Toleration = {
  key: "hub.jupyter.org/dedicated",
  operator: "Equal",
  value: "user",
  effect: "NoSchedule",
};

/** Tolerates the taint of the GPU NodePools. */
export const nvidiaGpuToleration: Toleration = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

/** Tolerates the taints of the Neuron (Inferentia and Trainium) NodePools. */
export const neuronTolerations: readonly Toleration[] = [
  { key: "aws.amazon.com/neuroncore", operator: "Exists", effect: "NoSchedule" },
  { key: "aws.amazon.com/neuron", operator: "Exists", effect: "NoSchedule" },
  userNodeToleration,
];

/** The GPU notebook image; the blueprint's cognito values pin an older build. */
export const gpuJupyterImage: ImageRef = {
  image: NOTEBOOK_IMAGES.gpuJupyter,
  byMode: { cognito: NOTEBOOK_IMAGES.gpuJupyterCognito },
};

const neuronImages = {
  pytorch: NOTEBOOK_IMAGES.neuronPytorch,
  tensorflow: NOTEBOOK_IMAGES.neuronTensorflow,
} as const;

/**
 * The profiles this project ships: the blueprint's, without its MIG profile (docs/profiles.md).
 * Tests check these are present with the blueprint's values; profiles a team appends to
 * `notebookProfiles` are theirs and keep the tests green.
 */
export const SHIPPED_PROFILE_NAMES: readonly string[] = [
  "Elyra (CPU)",
  "Data Engineering (CPU)",
  "Trainium (trn1)",
  "Inferentia (inf2)",
  "Data Science (GPU + Time-Slicing - G5)",
  "Data Science (GPU - P4d.24xlarge)",
];

/** The shipped profiles of a catalog (see SHIPPED_PROFILE_NAMES), in the catalog's order. */
export function shippedProfiles(profiles: readonly NotebookProfile[]): NotebookProfile[] {
  return profiles.filter((p) => SHIPPED_PROFILE_NAMES.includes(p.displayName));
}

export const notebookProfiles: readonly NotebookProfile[] = [
  {
    displayName: "Elyra (CPU)",
    description: "Elyra Notebooks | Karpenter Autoscaling",
    // The blueprint's cognito values do not offer Elyra.
    modes: ["dummy", "oauth"],
    image: NOTEBOOK_IMAGES.elyra,
    nodeSelector: { NodePool: "default" },
    cpuGuarantee: 2,
    memGuarantee: "8G",
    cpuLimit: 4,
    memLimit: "8G",
    cmd: { value: null, placement: "profile" },
  },
  {
    displayName: "Data Engineering (CPU)",
    description: "PySpark Notebooks | Karpenter AutoScaling",
    modes: ["dummy", "cognito", "oauth"],
    imageOptions: {
      displayName: "Image",
      choices: [
        {
          key: "pyspark350",
          displayName: "PySpark 3.5.0 + Python 3.11",
          default: true,
          image: NOTEBOOK_IMAGES.pyspark350,
        },
        { key: "pyspark341", displayName: "PySpark 3.4.1 + Python 3.11", image: NOTEBOOK_IMAGES.pyspark341 },
      ],
    },
    nodeSelector: { NodePool: "default" },
    cpuGuarantee: 2,
    memGuarantee: "8G",
    cpuLimit: 4,
    memLimit: "8G",
    cmd: { value: null, placement: "profile" },
  },
  {
    displayName: "Trainium (trn1)",
    description: "Trainium | Karpenter AutoScaling",
    modes: ["dummy", "cognito", "oauth"],
    imageOptions: {
      displayName: "Image",
      choices: [
        {
          key: "pytorch1131",
          displayName: "PyTorch 1.13.1 + torch-neuronx",
          default: true,
          image: neuronImages.pytorch,
        },
        { key: "tflow2101", displayName: "Tensorflow 2.10.1 + tensorflow-neuronx", image: neuronImages.tensorflow },
      ],
    },
    nodeSelector: { NodePool: "trainium", "hub.jupyter.org/node-purpose": "user" },
    tolerations: neuronTolerations,
    cpuGuarantee: 2,
    memGuarantee: "10G",
    cpuLimit: 2,
    memLimit: "10G",
    extraResourceLimits: { "aws.amazon.com/neuron": "1" },
    cmd: { value: "start-singleuser.sh", placement: "kubespawner_override" },
  },
  {
    displayName: "Inferentia (inf2)",
    description: "Inferentia | Karpenter AutoScaling",
    modes: ["dummy", "cognito", "oauth"],
    imageOptions: {
      displayName: "Image",
      choices: [
        { key: "pytorch1131", displayName: "PyTorch + torch-neuronx", default: true, image: neuronImages.pytorch },
        { key: "tflow2101", displayName: "Tensorflow + tensorflow-neuronx", image: neuronImages.tensorflow },
      ],
    },
    nodeSelector: { NodePool: "inferentia", "hub.jupyter.org/node-purpose": "user" },
    tolerations: neuronTolerations,
    cpuGuarantee: 20,
    memGuarantee: "100G",
    cpuLimit: 20,
    memLimit: "100G",
    extraResourceLimits: { "aws.amazon.com/neuron": "1" },
    cmd: { value: null, placement: "kubespawner_override" },
  },
  {
    displayName: "Data Science (GPU + Time-Slicing - G5)",
    description:
      "GPU Time-Slicing with Single GPU VMs (G5 2x, 4x, 8x, 16x) | nvidia.com/gpu: 1 | Karpenter AutoScaling",
    modes: ["dummy", "cognito", "oauth"],
    default: true,
    image: gpuJupyterImage,
    nodeSelector: { NodePool: "gpu-ts", "hub.jupyter.org/node-purpose": "user" },
    tolerations: [nvidiaGpuToleration, userNodeToleration],
    cpuGuarantee: 2,
    memGuarantee: "4G",
    cpuLimit: 2,
    memLimit: "4G",
    extraResourceLimits: { "nvidia.com/gpu": "1" },
    cmd: { value: "start-singleuser.sh", placement: "kubespawner_override" },
  },
  {
    displayName: "Data Science (GPU - P4d.24xlarge)",
    description: "GPU with P4d instances | Karpenter Autoscaler",
    modes: ["dummy", "cognito", "oauth"],
    image: gpuJupyterImage,
    nodeSelector: { NodePool: "gpu-mig", "hub.jupyter.org/node-purpose": "user" },
    tolerations: [nvidiaGpuToleration, userNodeToleration],
    cpuGuarantee: 2,
    memGuarantee: "10G",
    cpuLimit: 2,
    memLimit: "10G",
    extraResourceLimits: { "nvidia.com/gpu": "8" },
    cmd: { value: "start-singleuser.sh", placement: "kubespawner_override" },
  },
];
