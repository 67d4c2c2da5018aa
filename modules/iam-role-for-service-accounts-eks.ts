/**
 * Typed wrapper of the iam-role-for-service-accounts-eks submodule of terraform-aws-modules/iam
 * (IRSA roles: the EBS CSI driver's in the blueprint's addons.tf, the notebooks' in
 * jupyterhub.tf): its inputs and the role ARN and name outputs.
 */

import type { Construct } from "constructs";
import { type ModuleOptions, type ModuleSource, RegistryModule } from "./registry-module";

export interface OidcProvider {
  readonly provider_arn: string;
  readonly namespace_service_accounts: string[];
}

/** The inputs of the IRSA submodule that the blueprint passes (one of role_name / role_name_prefix). */
export interface IrsaInputs {
  readonly role_name?: string;
  readonly role_name_prefix?: string;
  readonly attach_ebs_csi_policy?: boolean;
  readonly role_policy_arns?: Record<string, string>;
  readonly oidc_providers: Record<string, OidcProvider>;
  readonly tags?: Record<string, string>;
}

export class IrsaModule extends RegistryModule<IrsaInputs> {
  constructor(scope: Construct, id: string, spec: ModuleSource, inputs: IrsaInputs, options?: ModuleOptions) {
    if ((inputs.role_name === undefined) === (inputs.role_name_prefix === undefined)) {
      throw new Error(`module.${id}: set exactly one of role_name and role_name_prefix`);
    }
    super(scope, id, spec, inputs, options);
  }

  get iamRoleArn(): string {
    return this.getString("iam_role_arn");
  }

  get iamRoleName(): string {
    return this.getString("iam_role_name");
  }
}
