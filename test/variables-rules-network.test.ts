/**
 * The variables' validation rules for the network, the name, the EKS version and the region,
 * run case by case by `terraform plan`.
 */

import { NAME_MAX_LENGTH } from "../variables";
import { type Case, describeCases } from "./helpers/variables";

// The network and naming rules (vpc_cidr, secondary_cidr_blocks, name, eks_cluster_version, region),
// run by the real terraform binary: `terraform plan` on a directory that holds only the
// synthesized variable and check blocks (test/helpers/variables.ts).

/** `n` non-overlapping secondary blocks: 100.64.0.0/16, then /24s of 100.65.0.0/16. */
function secondaryBlocks(n: number): string[] {
  return ["100.64.0.0/16", ...Array.from({ length: n - 1 }, (_, i) => `100.65.${i}.0/24`)];
}

const CASES: Record<string, Case> = {
  // --- 2. vpc_cidr -------------------------------------------------------------------------
  "vpc_cidr 172.16.0.0/16": { vars: { vpc_cidr: "172.16.0.0/16" } },
  "vpc_cidr 192.168.0.0/23 (smallest)": { vars: { vpc_cidr: "192.168.0.0/23" } },
  "vpc_cidr 10.0.0.0/16 (largest)": { vars: { vpc_cidr: "10.0.0.0/16" } },
  "vpc_cidr without a prefix": {
    vars: { vpc_cidr: "10.1.0.0" },
    errors: [["vpc_cidr", "IPv4 CIDR block written a.b.c.d/n"]],
  },
  "vpc_cidr with an octet above 255": {
    vars: { vpc_cidr: "300.1.0.0/16" },
    errors: [["vpc_cidr", "each of a-d in 0-255"]],
  },
  "vpc_cidr in IPv6": { vars: { vpc_cidr: "fd00::/56" }, errors: [["vpc_cidr", "IPv4 CIDR block"]] },
  "vpc_cidr with host bits set": {
    vars: { vpc_cidr: "10.1.3.0/21" },
    errors: [
      [
        "vpc_cidr",
        "network form: the address must be the first address of the block, with no host " +
          'bits set (no leading zeros either). For this value use "10.1.0.0/21"',
      ],
    ],
  },
  "vpc_cidr with a public range": {
    vars: { vpc_cidr: "8.8.0.0/16" },
    warnings: [["vpc_cidr_public_range", "vpc_cidr 8.8.0.0/16 is outside the private RFC 1918 ranges"]],
  },
  "vpc_cidr just outside 172.16.0.0/12": {
    vars: { vpc_cidr: "172.32.0.0/16" },
    warnings: [["vpc_cidr_public_range", "AWS accepts a publicly routable VPC block"]],
  },
  "vpc_cidr 198.19.0.0/16 (a primary range AWS documents)": {
    vars: { vpc_cidr: "198.19.0.0/16" },
    warnings: [["vpc_cidr_public_range", "Example: -var 'vpc_cidr=10.1.0.0/21'"]],
  },
  "vpc_cidr in the shared address space": {
    vars: { vpc_cidr: "100.64.0.0/16" },
    errors: [["vpc_cidr", "must not lie in 100.0.0.0/8"]],
  },
  "vpc_cidr in 100.0.0.0/8 outside the shared address space": {
    vars: { vpc_cidr: "100.0.0.0/16" },
    errors: [["vpc_cidr", 'the private subnets whose addresses start with "100."']],
  },
  "vpc_cidr in the link-local range": {
    vars: { vpc_cidr: "169.254.0.0/16" },
    errors: [["vpc_cidr", "169.254.0.0/16 (link-local"]],
  },
  "vpc_cidr in the loopback range": {
    vars: { vpc_cidr: "127.0.0.0/16" },
    errors: [["vpc_cidr", "not usable by hosts"]],
  },
  "vpc_cidr in the multicast range": {
    vars: { vpc_cidr: "224.0.0.0/16" },
    errors: [["vpc_cidr", "224.0.0.0/4 (multicast)"]],
  },
  "vpc_cidr in 0.0.0.0/8": { vars: { vpc_cidr: "0.0.0.0/16" }, errors: [["vpc_cidr", "special-purpose"]] },
  "vpc_cidr in the reserved range 240.0.0.0/4": {
    vars: { vpc_cidr: "250.0.0.0/16" },
    errors: [["vpc_cidr", "special-purpose"]],
  },
  "vpc_cidr /15 (too large for AWS)": {
    vars: { vpc_cidr: "10.0.0.0/15" },
    errors: [["vpc_cidr", "prefix length from /16 to /23"]],
  },
  "vpc_cidr /24 (public subnets would be /29)": {
    vars: { vpc_cidr: "10.1.0.0/24" },
    errors: [["vpc_cidr", "so the prefix can be at most 28 - 5 = 23"]],
  },
  "vpc_cidr /7 (two rules fail)": {
    vars: { vpc_cidr: "100.0.0.0/7" },
    errors: [
      ["vpc_cidr", "100.0.0.0/8"],
      ["vpc_cidr", "/16 to /23"],
    ],
  },
  "vpc_cidr /15 outside RFC 1918 (refused for its size, no warning)": {
    vars: { vpc_cidr: "8.8.0.0/15" },
    errors: [["vpc_cidr", "/16 to /23"]],
  },

  // --- 3. secondary_cidr_blocks -------------------------------------------------------------
  "two secondary blocks": { vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.65.0.0/16"] } },
  "a /23 first secondary block (the smallest: two /24 subnets)": {
    vars: { secondary_cidr_blocks: ["100.127.254.0/23"] },
  },
  "a /24 first secondary block (two /25 subnets: too small for the core nodes)": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/24"] },
    errors: [
      ["secondary_cidr_blocks", "the first block must be /23 or larger (a prefix length of 23 or less); it is /24"],
    ],
  },
  "a /27 first secondary block (two /28 subnets)": {
    vars: { secondary_cidr_blocks: ["100.127.255.224/27"] },
    errors: [["secondary_cidr_blocks", "each half needs 253 addresses"]],
  },
  "a /28 second secondary block": { vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.65.0.0/28"] } },
  "two adjacent secondary blocks": { vars: { secondary_cidr_blocks: ["100.64.0.0/17", "100.64.128.0/17"] } },
  "a secondary block inside the first one": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.64.0.0/17"] },
    errors: [["secondary_cidr_blocks", "must not overlap one another: 100.64.0.0/16 and 100.64.0.0/17"]],
  },
  "a secondary block inside a later one": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.66.128.0/20", "100.66.0.0/16"] },
    errors: [["secondary_cidr_blocks", "overlap one another: 100.66.128.0/20 and 100.66.0.0/16. AWS refuses"]],
  },
  "four secondary blocks (the default quota: five with vpc_cidr)": {
    vars: { secondary_cidr_blocks: secondaryBlocks(4) },
  },
  "five secondary blocks (above the default quota)": {
    vars: { secondary_cidr_blocks: secondaryBlocks(5) },
    warnings: [["secondary_cidr_blocks_quota", "secondary_cidr_blocks lists 5 blocks: with vpc_cidr that makes 6"]],
  },
  "49 secondary blocks (the highest quota allows 50 with vpc_cidr)": {
    vars: { secondary_cidr_blocks: secondaryBlocks(49) },
    warnings: [["secondary_cidr_blocks_quota", "adjustable up to 50"]],
  },
  "50 secondary blocks (beyond any quota)": {
    vars: { secondary_cidr_blocks: secondaryBlocks(50) },
    errors: [["secondary_cidr_blocks", "can list at most 49 blocks; it lists 50"]],
  },
  "no secondary block": {
    vars: { secondary_cidr_blocks: [] },
    errors: [["secondary_cidr_blocks", "at least one CIDR block"]],
  },
  "a secondary block without a prefix": {
    vars: { secondary_cidr_blocks: ["100.64.0.0"] },
    errors: [["secondary_cidr_blocks", "IPv4 CIDR blocks written a.b.c.d/n in network form"]],
  },
  "a secondary block with host bits set": {
    vars: { secondary_cidr_blocks: ["100.64.1.0/16"] },
    errors: [["secondary_cidr_blocks", "network form"]],
  },
  "a secondary block in RFC 1918": {
    vars: { secondary_cidr_blocks: ["10.2.0.0/16"] },
    errors: [["secondary_cidr_blocks", "must lie inside 100.0.0.0/8"]],
  },
  "a public secondary block outside 100.0.0.0/8": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/16", "101.0.0.0/16"] },
    errors: [["secondary_cidr_blocks", "whatever vpc_cidr is"]],
  },
  "a secondary block just outside 100.64.0.0/10": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.128.0.0/16"] },
    warnings: [
      [
        "secondary_cidr_blocks_public_range",
        "secondary_cidr_blocks has blocks outside the shared address space " +
          "100.64.0.0/10 (RFC 6598): 100.128.0.0/16. AWS",
      ],
    ],
  },
  "a first secondary block in 100.0.0.0/8 below 100.64.0.0/10": {
    vars: { secondary_cidr_blocks: ["100.0.0.0/16"] },
    warnings: [["secondary_cidr_blocks_public_range", "(RFC 6598): 100.0.0.0/16. AWS accepts such blocks"]],
  },
  "a /15 secondary block": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/15"] },
    errors: [["secondary_cidr_blocks", "prefix length from /16 to /28"]],
  },
  "a /28 first secondary block (its halves would be /29)": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/28"] },
    errors: [["secondary_cidr_blocks", "the first block must be /23 or larger"]],
  },
  "the same secondary block twice": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/16", "100.64.0.0/16"] },
    errors: [["secondary_cidr_blocks", "must not list the same block twice"]],
  },

  // --- 4. name ------------------------------------------------------------------------------
  "a one-letter name": { vars: { name: "a" } },
  [`a ${NAME_MAX_LENGTH}-character name`]: { vars: { name: "abcdefghij-klmnopqrstu" } },
  [`a ${NAME_MAX_LENGTH + 1}-character name`]: {
    vars: { name: "abcdefghij-klmnopqrstuv" },
    errors: [
      ["name", `must be 1 to ${NAME_MAX_LENGTH} characters long; this value has 23. The EBS CSI driver IAM role`],
    ],
  },
  "a name with capitals": { vars: { name: "JupyterHub" }, errors: [["name", "must start with a lowercase letter"]] },
  "a name with an underscore": { vars: { name: "jupyter_hub" }, errors: [["name", "CloudFormation stack"]] },
  "a name starting with a digit": { vars: { name: "1hub" }, errors: [["name", "^[a-z][a-z0-9-]*$"]] },
  "an empty name": {
    vars: { name: "" },
    errors: [
      ["name", "lowercase letters, digits and hyphens"],
      ["name", "this value has 0"],
    ],
  },

  // --- 5. eks_cluster_version ----------------------------------------------------------------
  "cluster version 1.32": { vars: { eks_cluster_version: "1.32" } },
  "cluster version 1.31, past extended support": {
    vars: { eks_cluster_version: "1.31" },
    errors: [["eks_cluster_version", 'must be 1.32 in the "blueprint" platform set; it is "1.31"']],
  },
  "cluster version 1.33, no AL2 images": {
    vars: { eks_cluster_version: "1.33" },
    errors: [
      [
        "eks_cluster_version",
        "EKS publishes AL2 node images, which the Karpenter NodePools of this set use, for 1.23 to 1.32",
      ],
    ],
  },
  "cluster version with a patch number": {
    vars: { eks_cluster_version: "1.32.2" },
    errors: [["eks_cluster_version", "written 1.NN"]],
  },
  "cluster version with a leading v": {
    vars: { eks_cluster_version: "v1.32" },
    errors: [["eks_cluster_version", "not 1.32.2, v1.32"]],
  },
  "cluster version 1.3": { vars: { eks_cluster_version: "1.3" }, errors: [["eks_cluster_version", "1.NN"]] },

  // --- 6. region -----------------------------------------------------------------------------
  ...Object.fromEntries(
    [
      "us-west-2",
      "eu-central-1",
      "ap-southeast-3",
      "il-central-1",
      "me-south-1",
      "ca-west-1",
      "mx-central-1",
      "af-south-1",
    ].map((r): [string, Case] => [`region ${r}`, { vars: { region: r } }]),
  ),
  ...Object.fromEntries(
    [
      ["us-gov-west-1", "aws-us-gov"],
      ["cn-north-1", "aws-cn"],
      ["cn-northwest-1", "aws-cn"],
      ["us-iso-east-1", "aws-iso"],
      ["us-isob-east-1", "aws-iso-b"],
      ["eu-isoe-west-1", "aws-iso-e"],
      ["us-isof-south-1", "aws-iso-f"],
      ["eusc-de-east-1", "aws-eusc"],
    ].map(([r, partition]): [string, Case] => [
      `region ${r} (partition ${partition})`,
      { vars: { region: r }, errors: [["region", `region "${r}" is in the ${partition} partition`]] },
    ]),
  ),
  "region with an availability-zone letter": { vars: { region: "us-west-2a" }, errors: [["region", "not us-west-2a"]] },
  "region in capitals": { vars: { region: "US-WEST-2" }, errors: [["region", "AWS region code such as us-west-2"]] },
  "region as a display name": { vars: { region: "Oregon" }, errors: [["region", "-var 'region=us-west-2'"]] },
};

describeCases("network and naming rules, run by terraform plan", CASES);
