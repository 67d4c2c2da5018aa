/**
 * Typed wrapper of terraform-aws-modules/eks/aws, the module the blueprint's main.tf calls as
 * `module.eks`: the inputs it passes (node groups, security group rules, aws-auth roles) and
 * the cluster outputs the stack reads.
 */

import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { type ModuleOptions, type ModuleSource, RegistryModule } from "./registry-module";

/** One rule of `cluster_security_group_additional_rules` / `node_security_group_additional_rules`. */
export interface SecurityGroupRule {
  readonly description: string;
  readonly protocol: string;
  readonly from_port: number;
  readonly to_port: number;
  readonly type: "ingress" | "egress";
  readonly self?: boolean;
  readonly source_node_security_group?: boolean;
  readonly source_cluster_security_group?: boolean;
}

export interface AwsAuthRole {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: string[];
}

export interface EbsBlockDevice {
  readonly device_name: string;
  readonly ebs: { readonly volume_size: number; readonly volume_type: string };
}

export interface EksManagedNodeGroup {
  readonly name: string;
  readonly description: string;
  readonly subnet_ids: string[];
  readonly min_size: number;
  readonly max_size: number;
  readonly desired_size: number;
  readonly instance_types: string[];
  /** EKS AMI type (AL2_x86_64, AL2023_x86_64_STANDARD, ...); changing it replaces the node group. */
  readonly ami_type?: string;
  readonly ebs_optimized: boolean;
  readonly block_device_mappings: Record<string, EbsBlockDevice>;
  readonly labels: Record<string, string>;
  readonly taints?: Record<string, { key: string; value?: string; effect: string }>;
  readonly tags: Record<string, string>;
}

/** The inputs of terraform-aws-modules/eks/aws v19 that the blueprint passes. */
export interface EksInputs {
  readonly cluster_name: string;
  readonly cluster_version: string;
  readonly cluster_endpoint_public_access: boolean;
  /** Not passed by the blueprint (the module's default is ["0.0.0.0/0"]). */
  readonly cluster_endpoint_public_access_cidrs?: string[];
  readonly vpc_id: string;
  readonly subnet_ids: string[];
  readonly manage_aws_auth_configmap: boolean;
  readonly aws_auth_roles: AwsAuthRole[];
  readonly cluster_security_group_additional_rules: Record<string, SecurityGroupRule>;
  readonly node_security_group_additional_rules: Record<string, SecurityGroupRule>;
  readonly eks_managed_node_group_defaults: {
    readonly iam_role_additional_policies: Record<string, string>;
  };
  readonly eks_managed_node_groups: Record<string, EksManagedNodeGroup>;
}

export class EksModule extends RegistryModule<EksInputs> {
  constructor(scope: Construct, id: string, spec: ModuleSource, inputs: EksInputs, options?: ModuleOptions) {
    super(scope, id, spec, inputs, options);
  }

  get clusterName(): string {
    return this.getString("cluster_name");
  }

  get clusterArn(): string {
    return this.getString("cluster_arn");
  }

  get clusterEndpoint(): string {
    return this.getString("cluster_endpoint");
  }

  get clusterVersion(): string {
    return this.getString("cluster_version");
  }

  get clusterCertificateAuthorityData(): string {
    return this.getString("cluster_certificate_authority_data");
  }

  get oidcProviderArn(): string {
    return this.getString("oidc_provider_arn");
  }

  /** `module.eks.cluster_name` as a `depends_on` entry: the cluster itself, not the whole module. */
  get clusterNameDependency(): ITerraformDependable {
    return this.outputDependency("cluster_name");
  }

  /** The output the blueprint's gp2/gp3 storage class resources depend on. */
  get eksClusterIdDependency(): ITerraformDependable {
    return this.outputDependency("eks_cluster_id");
  }
}
