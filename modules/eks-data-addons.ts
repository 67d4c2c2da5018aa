/**
 * Typed wrapper of aws-ia/eks-data-addons/aws, the `module.eks_data_addons` of the blueprint's
 * addons.tf: the inputs it passes (device plugins, JupyterHub, Kubecost, Karpenter resources).
 */

import type { Construct } from "constructs";
import type { AddonHelmConfig } from "./eks-blueprints-addons";
import { type ModuleOptions, type ModuleSource, RegistryModule } from "./registry-module";

/** The inputs of aws-ia/eks-data-addons/aws 1.33.0 that the blueprint passes. */
export interface EksDataAddonsInputs {
  readonly oidc_provider_arn: string;
  readonly enable_aws_neuron_device_plugin: boolean;
  readonly enable_nvidia_device_plugin: boolean;
  readonly nvidia_device_plugin_helm_config: AddonHelmConfig & { readonly version: string };
  readonly enable_jupyterhub: boolean;
  readonly jupyterhub_helm_config: AddonHelmConfig & { readonly version: string };
  readonly enable_kubecost: boolean;
  readonly kubecost_helm_config: AddonHelmConfig;
  readonly enable_karpenter_resources: boolean;
  readonly karpenter_resources_helm_config: Record<string, AddonHelmConfig>;
}

export class EksDataAddonsModule extends RegistryModule<EksDataAddonsInputs> {
  constructor(scope: Construct, id: string, spec: ModuleSource, inputs: EksDataAddonsInputs, options?: ModuleOptions) {
    super(scope, id, spec, inputs, options);
  }
}
