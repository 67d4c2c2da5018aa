import { TerraformOutput, TerraformStack } from "cdktf";
import { StackContext } from "./context";

/** outputs.tf */
export function addOutputs(stack: TerraformStack, { vars }: StackContext): void {
  new TerraformOutput(stack, "configure_kubectl", {
    description:
      "Configure kubectl: make sure you're logged in with the correct AWS profile and run the following command to update your kubeconfig",
    value: `aws eks --region ${vars.region.stringValue} update-kubeconfig --name ${vars.name.stringValue}`,
  });
}
