/**
 * Mirrors the blueprint's vpc.tf: the subnet CIDR locals and `module.vpc`.
 */

import { Fn, type TerraformStack, Token } from "cdktf";
import { firstElement, subnetCidrsPerAz } from "../../expressions";
import { VpcModule } from "../../modules/vpc";
import { defineLocal, type StackContext, tagsOf } from "./context";

/**
 * vpc.tf: two AZs; per AZ one RFC 1918 private subnet (`cidrsubnet(vpc_cidr, 3, k)`), one
 * public subnet (`cidrsubnet(vpc_cidr, 5, k + 8)`) and one private subnet of the secondary
 * range (`cidrsubnet(secondary_cidr_blocks[0], 1, k)`) for the control plane ENIs, nodes and
 * pods; one NAT gateway.
 */
export function addVpc(stack: TerraformStack, { platform, vars, locals }: StackContext): VpcModule {
  const azs = locals.azs.asString;
  const privateSubnets = defineLocal(stack, "private_subnets", subnetCidrsPerAz(azs, vars.vpcCidr.stringValue, 3));
  const publicSubnets = defineLocal(stack, "public_subnets", subnetCidrsPerAz(azs, vars.vpcCidr.stringValue, 5, 8));
  const secondaryRangePrivateSubnets = defineLocal(
    stack,
    "secondary_ip_range_private_subnets",
    subnetCidrsPerAz(azs, firstElement(vars.secondaryCidrBlocks.stringValue), 1),
  );

  return new VpcModule(stack, "vpc", platform.modules.vpc, {
    name: locals.name.asString,
    cidr: vars.vpcCidr.stringValue,
    azs: locals.azs.asList,
    secondary_cidr_blocks: vars.secondaryCidrBlocks.listValue,
    private_subnets: Token.asList(Fn.concat([privateSubnets.asList, secondaryRangePrivateSubnets.asList])),
    public_subnets: publicSubnets.asList,
    enable_nat_gateway: true,
    single_nat_gateway: true,
    public_subnet_tags: { "kubernetes.io/role/elb": 1 },
    private_subnet_tags: {
      "kubernetes.io/role/internal-elb": 1,
      "karpenter.sh/discovery": locals.name.asString,
    },
    tags: tagsOf(locals),
  });
}
