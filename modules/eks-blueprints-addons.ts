/**
 * Typed wrapper of aws-ia/eks-blueprints-addons/aws, called by the blueprint's addons.tf
 * (`module.eks_blueprints_addons`) and jupyterhub.tf (`module.efs_config`): its inputs, the
 * helm release settings and IAM policy statements it takes, and the Karpenter node role output.
 */

import type { Construct } from "constructs";
import { type ModuleOptions, type ModuleSource, RegistryModule } from "./registry-module";

/** A `{ name, value }` pair of a helm release's `set` / `set_sensitive`. */
export interface HelmSet {
  readonly name: string;
  readonly value: string;
}

/** One statement of an add-on's `policy_statements` (aws-ia/eks-blueprints-addon 1.1.x). */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: { readonly test: string; readonly variable: string; readonly values: string[] }[];
}

/** The helm release settings the stack passes to an add-on (a subset of the module's schema). */
export interface AddonHelmConfig {
  readonly name?: string;
  readonly description?: string;
  readonly namespace?: string;
  readonly create_namespace?: boolean;
  readonly chart?: string;
  readonly chart_version?: string;
  readonly timeout?: string;
  readonly create_role?: boolean;
  readonly values?: string[];
  readonly set?: HelmSet[];
  readonly set_sensitive?: HelmSet[];
  readonly repository_username?: string;
  readonly repository_password?: string;
  /** Extra statements for the add-on's IAM policy (IRSA add-ons such as Karpenter). */
  readonly policy_statements?: PolicyStatement[];
  /** cluster-autoscaler only: the image tag, instead of the module's own map. */
  readonly image_tag_override?: string;
  /** Skip the chart's `crds/` directory: a boolean, or an expression that gives one. */
  readonly skip_crds?: boolean | string;
}

export interface EksAddon {
  readonly service_account_role_arn?: string;
  /** The newest add-on version for the cluster's Kubernetes version (true), or EKS's default one. */
  readonly most_recent?: boolean;
}

/** The inputs of aws-ia/eks-blueprints-addons/aws v1 that the blueprint passes (both calls). */
export interface EksBlueprintsAddonsInputs {
  readonly cluster_name: string;
  readonly cluster_endpoint: string;
  readonly cluster_version: string;
  readonly oidc_provider_arn: string;
  readonly eks_addons?: Record<string, EksAddon>;
  readonly enable_metrics_server?: boolean;
  readonly metrics_server?: AddonHelmConfig;
  readonly enable_cluster_autoscaler?: boolean;
  readonly cluster_autoscaler?: AddonHelmConfig;
  readonly enable_karpenter?: boolean;
  readonly karpenter_enable_spot_termination?: boolean;
  readonly karpenter_node?: { readonly iam_role_additional_policies: Record<string, string> };
  readonly karpenter?: AddonHelmConfig;
  readonly enable_aws_load_balancer_controller?: boolean;
  readonly aws_load_balancer_controller?: AddonHelmConfig;
  readonly enable_kube_prometheus_stack?: boolean;
  readonly kube_prometheus_stack?: AddonHelmConfig;
  readonly enable_aws_for_fluentbit?: boolean;
  readonly aws_for_fluentbit_cw_log_group?: {
    readonly use_name_prefix: boolean;
    readonly name: string;
    readonly retention_in_days: number;
  };
  readonly aws_for_fluentbit?: AddonHelmConfig;
  readonly helm_releases?: Record<string, AddonHelmConfig>;
  readonly tags?: Record<string, string>;
}

export class EksBlueprintsAddonsModule extends RegistryModule<EksBlueprintsAddonsInputs> {
  constructor(
    scope: Construct,
    id: string,
    spec: ModuleSource,
    inputs: EksBlueprintsAddonsInputs,
    options?: ModuleOptions,
  ) {
    super(scope, id, spec, inputs, options);
  }

  /** `module.<name>.karpenter.node_iam_role_arn` */
  get karpenterNodeIamRoleArn(): string {
    return this.outputPath("karpenter", "node_iam_role_arn");
  }
}
