/**
 * The synthesized stack of the blueprint platform set (test/helpers/blueprint-stack.ts):
 * versions.tf, the providers, the locals, the backend and the outputs.
 */

import { data, json } from "./helpers/blueprint-stack";
import { plain, synthStack } from "./helpers/synth";

describe("versions.tf and providers", () => {
  it("keeps the blueprint's provider constraints and needs Terraform 1.9", () => {
    expect(json.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: "~> 5.95" },
      kubernetes: { source: "hashicorp/kubernetes", version: ">= 2.10" },
      helm: { source: "hashicorp/helm", version: "~> 2.17" },
      random: { source: "hashicorp/random", version: ">= 3.1.0" },
      archive: { source: "hashicorp/archive", version: "2.4.0" },
    });
    expect(json.terraform.required_version).toBe(">= 1.9.0");
  });

  it("configures aws, aws.ecr, kubernetes and helm like main.tf (token, no exec plugin)", () => {
    const cluster = {
      host: "${module.eks.cluster_endpoint}",
      cluster_ca_certificate: "${base64decode(module.eks.cluster_certificate_authority_data)}",
      token: "${data.aws_eks_cluster_auth.this.token}",
    };
    expect(json.provider.aws).toEqual([{ region: "${local.region}" }, { alias: "ecr", region: "us-east-1" }]);
    expect(json.provider.kubernetes).toEqual([cluster]);
    expect(json.provider.helm).toEqual([{ kubernetes: cluster }]);
    expect(data("aws_eks_cluster_auth", "this")).toEqual({ name: "${module.eks.cluster_name}" });
    expect(data("aws_availability_zones", "available")).toEqual({});
  });

  it("has main.tf's and vpc.tf's locals", () => {
    const { jupyterhub_values: _values, ...locals } = json.locals;
    expect(locals).toEqual({
      name: "${var.name}",
      region: "${var.region}",
      azs: "${slice(data.aws_availability_zones.available.names, 0, 2)}",
      tags: { Blueprint: "${local.name}", GithubRepo: "github.com/awslabs/data-on-eks" },
      private_subnets: "${[for k, v in local.azs : cidrsubnet(var.vpc_cidr, 3, k)]}",
      public_subnets: "${[for k, v in local.azs : cidrsubnet(var.vpc_cidr, 5, k + 8)]}",
      secondary_ip_range_private_subnets:
        "${[for k, v in local.azs : cidrsubnet(element(var.secondary_cidr_blocks, 0), 1, k)]}",
      cognito_custom_domain: "${var.cognito_custom_domain}",
      notebook_s3_read_grants:
        '${[for e in var.notebook_s3_read_buckets : { bucket = regex("^([^/]+)/?(.*)$", ' +
        'e)[0], prefix = regex("^([^/]+)/?(.*)$", e)[1] }]}',
    });
  });

  it("keeps the state next to the project, outside cdktf.out", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.tfstate" } });
    const s3 = synthStack({
      backend: {
        type: "s3",
        bucket: "b",
        key: "jupyterhub/terraform.tfstate",
        region: "eu-west-1",
        encrypt: true,
        useLockfile: true,
      },
    });
    expect(s3.terraform.backend).toEqual({
      s3: { bucket: "b", key: "jupyterhub/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    // S3-native locking is generally available from Terraform 1.11; the local stack keeps 1.9.
    expect(s3.terraform.required_version).toBe(">= 1.11.0");
    const dynamo = synthStack({
      backend: {
        type: "s3",
        bucket: "b",
        key: "k",
        region: "eu-west-1",
        encrypt: false,
        useLockfile: false,
        dynamodbTable: "locks",
      },
    });
    expect(dynamo.terraform.backend).toEqual({
      s3: { bucket: "b", key: "k", region: "eu-west-1", encrypt: false, dynamodb_table: "locks" },
    });
    expect(dynamo.terraform.required_version).toBe(">= 1.9.0");
  });

  it(
    "outputs configure_kubectl, the cluster's identity for the lifecycle scripts, " +
      "and the user pool to invite users to",
    () => {
      expect(plain(json.output)).toEqual({
        configure_kubectl: {
          description:
            "Configure kubectl: make sure you're logged in with the correct AWS profile and " +
            "run the following command to update your kubeconfig",
          value: "aws eks --region ${var.region} update-kubeconfig --name ${var.name}",
        },
        cluster_name: { description: "Name of the EKS cluster.", value: "${module.eks.cluster_name}" },
        cluster_arn: {
          description: "ARN of the EKS cluster: partition, region, account and name (read by scripts/cleanup.sh).",
          value: "${module.eks.cluster_arn}",
        },
        region: { description: "AWS region of the deployment.", value: "${local.region}" },
        cognito_user_pool_id: {
          description:
            "Cognito mode: id of the user pool; invite users with aws cognito-idp " +
            "admin-create-user --user-pool-id <id> (docs/security.md). Empty in the other " +
            "modes.",
          value: '${try(aws_cognito_user_pool.pool[0].id, "")}',
        },
      });
    },
  );
});
