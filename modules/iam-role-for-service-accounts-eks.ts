import { Construct } from "constructs";
import { ModuleOptions, ModuleSource, RegistryModule } from "./registry-module";

/**
 * terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks, pinned to the
 * 5.x line: 6.0 removed this submodule, so an unpinned call (as the blueprint's notebook
 * IRSA module was) no longer initializes.
 */
export const IRSA_MODULE: ModuleSource = {
  source: "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
  version: "~> 5.20",
};

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
  constructor(scope: Construct, id: string, inputs: IrsaInputs, options?: ModuleOptions) {
    if ((inputs.role_name === undefined) === (inputs.role_name_prefix === undefined)) {
      throw new Error(`module.${id}: set exactly one of role_name and role_name_prefix`);
    }
    super(scope, id, IRSA_MODULE, inputs, options);
  }

  get iamRoleArn(): string {
    return this.getString("iam_role_arn");
  }
}
