/**
 * Mirrors the blueprint's outputs.tf (`configure_kubectl`) and adds the outputs the lifecycle
 * scripts read (cluster name and ARN, region) and the user pool id that inviting a Cognito user
 * takes.
 */

import { TerraformOutput, type TerraformStack } from "cdktf";
import type { EksModule } from "../../modules/eks";
import type { CognitoResources } from "./cognito";
import type { StackContext } from "./context";
import { firstInstanceOrEmpty } from "./count";

/**
 * outputs.tf: the blueprint's `configure_kubectl`, and the cluster's identity for the
 * lifecycle scripts. cleanup.sh reads `cluster_arn` (name, region and account in one value)
 * from the state with `terraform output -json`, so it never acts on a guessed cluster; a
 * state written by the blueprint has only `configure_kubectl`, which the scripts read then.
 * In cognito mode, the user pool's id, which inviting a user takes (only administrators create
 * users by default); empty in the other modes.
 */
export function addOutputs(
  stack: TerraformStack,
  { vars, locals }: StackContext,
  eks: EksModule,
  cognito: CognitoResources,
): void {
  new TerraformOutput(stack, "configure_kubectl", {
    description:
      "Configure kubectl: make sure you're logged in with the correct AWS profile and " +
      "run the following command to update your kubeconfig",
    value: `aws eks --region ${vars.region.stringValue} update-kubeconfig --name ${vars.name.stringValue}`,
  });
  new TerraformOutput(stack, "cluster_name", {
    description: "Name of the EKS cluster.",
    value: eks.clusterName,
  });
  new TerraformOutput(stack, "cluster_arn", {
    description: "ARN of the EKS cluster: partition, region, account and name (read by scripts/cleanup.sh).",
    value: eks.clusterArn,
  });
  // The construct id `region` is taken by the variable; the output keeps the plain name.
  const region = new TerraformOutput(stack, "region_output", {
    description: "AWS region of the deployment.",
    value: locals.region.asString,
  });
  region.overrideLogicalId("region");
  new TerraformOutput(stack, "cognito_user_pool_id", {
    description:
      "Cognito mode: id of the user pool; invite users with aws cognito-idp " +
      "admin-create-user --user-pool-id <id> (docs/security.md). Empty in the other " +
      "modes.",
    value: firstInstanceOrEmpty(cognito.pool, "id"),
  });
}
