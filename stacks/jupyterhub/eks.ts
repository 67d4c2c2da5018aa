/**
 * Mirrors the `module.eks` call of the blueprint's main.tf: the EKS cluster, its security group
 * rules, the Karpenter node role in aws-auth and the core managed node group.
 */

import { Fn, type TerraformStack, Token } from "cdktf";
import { EksModule } from "../../modules/eks";
import type { VpcModule } from "../../modules/vpc";
import { type StackContext, tagsOf } from "./context";

export const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

export interface EksDependencies {
  readonly vpc: VpcModule;
  /**
   * The Karpenter node role, an output of `module.eks_blueprints_addons`, which itself reads
   * the cluster's outputs: pass a lazy value, resolved at synthesis.
   */
  readonly karpenterNodeIamRoleArn: string;
}

/** main.tf's `module.eks`: the control plane, its security group rules and the core node group. */
export function addEks(
  stack: TerraformStack,
  { platform, vars, locals }: StackContext,
  deps: EksDependencies,
): EksModule {
  const secondaryRangeSubnets = deps.vpc.secondaryRangePrivateSubnetIds;
  return new EksModule(stack, "eks", platform.modules.eks, {
    cluster_name: locals.name.asString,
    cluster_version: vars.eksClusterVersion.stringValue,
    // Public API endpoint, as in the blueprint, open to the CIDRs the team lists (default
    // 0.0.0.0/0 with a warning: check.cluster_endpoint_public_access_cidrs_open).
    cluster_endpoint_public_access: true,
    cluster_endpoint_public_access_cidrs: vars.clusterEndpointPublicAccessCidrs.listValue,
    vpc_id: deps.vpc.vpcId,
    subnet_ids: secondaryRangeSubnets,
    manage_aws_auth_configmap: true,
    aws_auth_roles: [
      {
        rolearn: deps.karpenterNodeIamRoleArn,
        username: "system:node:{{EC2PrivateDNSName}}",
        groups: ["system:bootstrappers", "system:nodes"],
      },
    ],
    cluster_security_group_additional_rules: {
      ingress_nodes_ephemeral_ports_tcp: {
        description: "Nodes on ephemeral ports",
        protocol: "tcp",
        from_port: 1025,
        to_port: 65535,
        type: "ingress",
        source_node_security_group: true,
      },
    },
    node_security_group_additional_rules: {
      ingress_self_all: {
        description: "Node to node all ports/protocols",
        protocol: "-1",
        from_port: 0,
        to_port: 0,
        type: "ingress",
        self: true,
      },
      ingress_cluster_to_node_all_traffic: {
        description: "Cluster API to Nodegroup all traffic",
        protocol: "-1",
        from_port: 0,
        to_port: 0,
        type: "ingress",
        source_cluster_security_group: true,
      },
    },
    eks_managed_node_group_defaults: {
      iam_role_additional_policies: { AmazonSSMManagedInstanceCore: SSM_MANAGED_INSTANCE_CORE },
    },
    eks_managed_node_groups: {
      core_node_group: {
        name: "jupyterhub-node-group",
        description: "EKS Core node group for hosting critical add-ons",
        subnet_ids: secondaryRangeSubnets,
        min_size: 4,
        max_size: 8,
        desired_size: 4,
        instance_types: ["m5.xlarge"],
        // Unset in the blueprint; set (AL2023) from upgrade-3 on, which replaces the group.
        ...(platform.coreNodeGroup.amiType ? { ami_type: platform.coreNodeGroup.amiType } : {}),
        ebs_optimized: true,
        block_device_mappings: {
          xvda: { device_name: "/dev/xvda", ebs: { volume_size: 100, volume_type: "gp3" } },
        },
        labels: { WorkerType: "ON_DEMAND", NodeGroupType: "core" },
        tags: mergeTags(tagsOf(locals), {
          Name: "core-node-grp",
          "karpenter.sh/discovery": locals.name.asString,
        }),
      },
    },
  });
}

/** `merge(local.tags, {...})`, as an expression so the tags stay a plan-time value. */
function mergeTags(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  return Token.asStringMap(Fn.merge([base, extra]));
}
