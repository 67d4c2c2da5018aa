/**
 * The blueprint's "Data Science (GPU + MIG on P4d.24xlarge)" profile as its values files write
 * it (helm/jupyterhub/jupyterhub-values-*.yaml at a32d9f2): the one profile the stack leaves
 * out (docs/differences.md row 7). Its image differs per auth mode, as in the blueprint.
 */
export function blueprintMigProfileValues(image: string) {
  return {
    display_name: "Data Science (GPU + MIG on P4d.24xlarge)",
    description: "GPU MIG with P4d instances | nvidia.com/mig-1g.5gb: 1 | Cluster Autoscaler",
    kubespawner_override: {
      image,
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
}
