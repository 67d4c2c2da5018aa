/**
 * Typed wrapper of terraform-aws-modules/vpc/aws, the module the blueprint's vpc.tf calls:
 * the inputs the blueprint passes and the outputs the stack reads (VPC id, secondary CIDR
 * blocks, private subnets).
 */

import { Token } from "cdktf";
import type { Construct } from "constructs";
import { subnetIdsWithCidrPrefix } from "../expressions";
import { type ModuleOptions, type ModuleSource, RegistryModule } from "./registry-module";

/** The inputs of terraform-aws-modules/vpc/aws v5 that the blueprint passes. */
export interface VpcInputs {
  readonly name: string;
  readonly cidr: string;
  readonly azs: string[];
  readonly secondary_cidr_blocks: string[];
  readonly private_subnets: string[];
  readonly public_subnets: string[];
  readonly enable_nat_gateway: boolean;
  readonly single_nat_gateway: boolean;
  readonly public_subnet_tags: Record<string, string | number>;
  readonly private_subnet_tags: Record<string, string | number>;
  readonly tags: Record<string, string>;
}

export class VpcModule extends RegistryModule<VpcInputs> {
  constructor(scope: Construct, id: string, spec: ModuleSource, inputs: VpcInputs, options?: ModuleOptions) {
    super(scope, id, spec, inputs, options);
  }

  get vpcId(): string {
    return this.getString("vpc_id");
  }

  get vpcSecondaryCidrBlocks(): string[] {
    return this.getList("vpc_secondary_cidr_blocks");
  }

  /** `module.vpc.private_subnets[index]`: [AZ1 10.x, AZ2 10.x, AZ1 100.x, AZ2 100.x]. */
  privateSubnet(index: number): string {
    if (!Number.isInteger(index) || index < 0) {
      throw new Error(`privateSubnet(${index}): the index must be a whole number >= 0`);
    }
    return this.outputPath("private_subnets", index);
  }

  /**
   * The subnet ids of the private subnets whose CIDR starts with "100." (the secondary
   * range): the only subnets the EKS control plane ENIs and the nodes use.
   */
  get secondaryRangePrivateSubnetIds(): string[] {
    return subnetIdsWithCidrPrefix(
      Token.asString(this.getList("private_subnets")),
      Token.asString(this.getList("private_subnets_cidr_blocks")),
      "100.",
    );
  }
}
