/**
 * Mirrors the blueprint's versions.tf and the provider half of its main.tf: required_version
 * and required_providers, the aws providers (one for ECR Public in us-east-1), the shared
 * locals and availability zones, and the kubernetes and helm providers of the cluster.
 */

import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Fn, type TerraformStack } from "cdktf";
import type { EksModule } from "../../modules/eks";
import type { BlueprintVariables } from "../../variables";
import type { PlatformSet } from "../../versions";
import { defineLocal, type Locals } from "./context";

export interface AwsProviders {
  readonly aws: AwsProvider;
  /** ECR Public authenticates only in us-east-1. */
  readonly ecr: AwsProvider;
}

/** versions.tf, the `aws` providers and the main.tf locals and data sources that need no cluster. */
export function addAwsProviders(
  stack: TerraformStack,
  platform: PlatformSet,
  vars: BlueprintVariables,
): { providers: AwsProviders; locals: Locals } {
  // The prebuilt bindings pin exact versions (aws 5.100.0, helm 2.17.0, ...); the set's
  // ranges (the blueprint's) are written instead, so that an existing
  // `.terraform.lock.hcl` of an HCL deployment stays valid.
  stack.addOverride("terraform.required_version", platform.terraform.requiredVersion);
  for (const [name, constraint] of Object.entries(platform.providers)) {
    stack.addOverride(`terraform.required_providers.${name}`, constraint);
  }

  const name = defineLocal(stack, "name", vars.name.stringValue);
  const region = defineLocal(stack, "region", vars.region.stringValue);

  const aws = new AwsProvider(stack, "aws", { region: region.asString });
  const ecr = new AwsProvider(stack, "ecr", { alias: "ecr", region: "us-east-1" });
  // Declared so that their required_providers entries exist; neither takes configuration.
  new RandomProvider(stack, "random");
  new ArchiveProvider(stack, "archive");

  const available = new DataAwsAvailabilityZones(stack, "available", {});
  const azs = defineLocal(stack, "azs", Fn.slice(available.names, 0, 2));
  const tags = defineLocal(stack, "tags", {
    Blueprint: name.asString,
    GithubRepo: "github.com/awslabs/data-on-eks",
  });

  return { providers: { aws, ecr }, locals: { name, region, azs, tags } };
}

/**
 * The kubernetes and helm providers, configured from the cluster's outputs and a token of
 * `data.aws_eks_cluster_auth.this` (no exec plugin, as in the blueprint: it works in
 * Terraform Cloud and other runners without the AWS CLI).
 */
export function addClusterProviders(stack: TerraformStack, eks: EksModule): void {
  const auth = new DataAwsEksClusterAuth(stack, "this", { name: eks.clusterName });
  const connection = {
    host: eks.clusterEndpoint,
    clusterCaCertificate: Fn.base64decode(eks.clusterCertificateAuthorityData),
    token: auth.token,
  };
  new KubernetesProvider(stack, "kubernetes", connection);
  new HelmProvider(stack, "helm", { kubernetes: connection });
}
