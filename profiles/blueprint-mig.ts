/**
 * The blueprint's MIG notebook profile, kept as data outside the shipped catalog: the tests
 * and docs/profiles.md use it to show why it cannot schedule.
 */

import { gpuJupyterImage, nvidiaGpuToleration, userNodeToleration } from "./notebooks";
import type { NotebookProfile } from "./types";

/**
 * The blueprint's MIG profile, kept out of the shipped catalog because it can never schedule:
 * it selects nodes labelled `provisioner: cluster-autoscaler`, which no NodePool or node group
 * carries, and requests `nvidia.com/mig-1g.5gb`, which no node advertises (nothing enables MIG
 * on the p4d nodes). validateCatalog rejects a catalog that contains it. docs/profiles.md says
 * what a team must provide before adding a MIG profile back.
 *
 * In the blueprint's profile lists it sits between "Data Science (GPU + Time-Slicing - G5)" and
 * "Data Science (GPU - P4d.24xlarge)".
 */
export const blueprintMigProfile: NotebookProfile = {
  displayName: "Data Science (GPU + MIG on P4d.24xlarge)",
  description: "GPU MIG with P4d instances | nvidia.com/mig-1g.5gb: 1 | Cluster Autoscaler",
  modes: ["dummy", "cognito", "oauth"],
  image: gpuJupyterImage,
  nodeSelector: {
    provisioner: "cluster-autoscaler",
    "node.kubernetes.io/instance-type": "p4d.24xlarge",
    "hub.jupyter.org/node-purpose": "user",
  },
  tolerations: [nvidiaGpuToleration, userNodeToleration],
  cpuGuarantee: 2,
  memGuarantee: "10G",
  cpuLimit: 2,
  memLimit: "10G",
  extraResourceGuarantees: { "nvidia.com/mig-1g.5gb": 1 },
  cmd: { value: "start-singleuser.sh", placement: "kubespawner_override" },
};
