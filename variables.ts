/**
 * The Terraform input variables of the stack.
 *
 * The thirteen variables of the HCL blueprint keep their names, types, defaults and
 * sensitivity, so existing `*.tfvars` files and `TF_VAR_*` settings keep working. Seven
 * variables are added: `jupyterhub_load_balancer_scheme`, and the security settings
 * (SECURITY_VARIABLES: Cognito sign-up and MFA, S3 grants, the EKS API's public CIDRs), each
 * defaulting to the safe choice except where adoption needs the blueprint's value
 * (`cluster_endpoint_public_access_cidrs`, which warns). Every variable carries validation
 * rules that the blueprint does not have; they only reject values that would fail later
 * (at plan, at apply, or in the running platform), and they never change a plan for
 * values they accept. Values that work but are risky get a warning instead: `check`
 * blocks that read only variables (addVariableChecks). docs/variables.md explains each
 * rule and each warning; its reference table is generated from variableSpecs
 * (npm run docs:variables).
 *
 * Each variable is declared once, in `variableSpecs`, in the order a variables.tf reads:
 * name, type, default, description, sensitivity, then its validation rules and the checks
 * that warn about it. `BlueprintVariables` and the object `declareVariables` returns are
 * derived from that table. Conditions are typed tokens (`Fn.*`, `Op.*`, `conditional`,
 * references of the declared variables); what cdktf has no typed form for (a `for`
 * expression, a literal with a backslash) comes from expressions.ts. Some conditions read
 * other variables, which needs Terraform 1.9 or later (see REQUIRED_TERRAFORM_VERSION).
 */
import { conditional, type Expression, Fn, Op, type TerraformStack, TerraformVariable, Token } from "cdktf";
import {
  everyItem,
  everyPair,
  hclNull,
  indexOf,
  itemsWhere,
  literal,
  lookupOr,
  pairsWhere,
  someItem,
} from "./expressions";
import {
  allowedKubernetesVersions,
  creatableEksVersions,
  EKS_KUBERNETES_VERSIONS,
  EKS_KUBERNETES_VERSIONS_SOURCE,
  EKS_PRICE_PER_CLUSTER_HOUR,
  FACTS_CHECKED,
  minorVersionsIn,
  type PlatformSet,
} from "./versions";

export { REQUIRED_TERRAFORM_VERSION } from "./versions";

export const AUTH_MECHANISMS = ["dummy", "cognito", "oauth"] as const;
export type AuthMechanism = (typeof AUTH_MECHANISMS)[number];

export const LOAD_BALANCER_SCHEMES = ["internal", "internet-facing"] as const;
export type LoadBalancerScheme = (typeof LOAD_BALANCER_SCHEMES)[number];

/** `aws_cognito_user_pool.mfa_configuration` values (Amazon Cognito API, SetUserPoolMfaConfig). */
export const COGNITO_MFA_MODES = ["OFF", "OPTIONAL", "ON"] as const;

/** The variables this project adds for issue 11 ("secure by default"), with their defaults. */
export const SECURITY_VARIABLES = {
  cognito_allow_self_signup: false,
  cognito_mfa: "OPTIONAL",
  notebook_s3_read_buckets: [] as string[],
  cognito_department_bucket: "",
  notebook_s3_read_all: false,
  cluster_endpoint_public_access_cidrs: ["0.0.0.0/0"],
} as const;

/**
 * Amazon EKS service quota "Public endpoint access CIDR ranges per cluster": 40, not adjustable
 * (Amazon EKS User Guide, "View and manage Amazon EKS and Fargate service quotas",
 * https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html, checked 2026-11-27).
 */
export const EKS_PUBLIC_ACCESS_CIDRS_MAX = 40;

/**
 * The longest `name` every derived AWS name accepts. The tightest is the EBS CSI driver
 * IAM role, created with name_prefix "<name>-ebs-csi-driver-" (16 characters after the
 * name); AWS IAM role names are at most 64 characters and Terraform appends a
 * 26-character unique suffix to a prefix, so the prefix may hold 38: 38 - 16 = 22.
 * The other derived names allow more: Karpenter node role prefix "karpenter-<name>-"
 * (27), EKS cluster role prefix "<name>-cluster-" (29), notebook role
 * "<name>-jupyterhub-single-user-sa" (35), EKS itself (100), and outside the `blueprint` set
 * the Cognito roles "<name>-cognito-engineering" and "<name>-cognito-pretoken" and the Lambda
 * function "<name>-pretoken-trigger" (64 each, stacks/jupyterhub/cognito.ts).
 */
export const NAME_MAX_LENGTH = 22;

/** The VPC prefix lengths the subnet layout can carve (see the vpc_cidr rule). */
export const VPC_CIDR_PREFIX_RANGE = { min: 16, max: 23 } as const;

/** Prefix lengths AWS accepts for a VPC (secondary) CIDR block. */
export const SECONDARY_CIDR_PREFIX_RANGE = { min: 16, max: 28 } as const;

/**
 * What each half of the first secondary block must hold. The stack halves the block,
 * `cidrsubnet(block, 1, k)`, into one subnet per availability zone; EKS places its
 * control-plane network interfaces there, the core node group runs there, and with the VPC
 * CNI every pod takes an address of its node's subnet. Checked 2026-11-27. The bound covers
 * what the stack itself always puts there; Karpenter's notebook nodes launch into the same
 * subnets (profiles/node-pools.ts, subnetIndex 2 and 3) and need room beyond it.
 */
export const FIRST_SECONDARY_SUBNET = {
  /** `local.azs` takes the first two zones of the region. */
  availabilityZones: 2,
  /**
   * AWS reserves the first four addresses and the last one of every subnet (Amazon VPC User
   * Guide, "Subnet CIDR blocks").
   */
  reservedByAws: 5,
  /**
   * "The subnets must each have at least six IP addresses for use by Amazon EKS" (Amazon EKS
   * User Guide, "View Amazon EKS networking requirements for VPC and subnets",
   * https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html).
   */
  eksControlPlane: 6,
  /** `aws_efs_mount_target.efs_mt_1` and `efs_mt_2`, one in each half. */
  efsMountTargets: 1,
  /**
   * One interface per zone of the hub's network load balancer (cognito and oauth modes): the
   * load balancer controller may pick these subnets, which carry the internal-elb tag.
   */
  loadBalancerInterfaces: 1,
  /** `core_node_group` (stacks/jupyterhub/eks.ts): max_size 8, spread over the zones by its Auto Scaling group. */
  coreNodeGroupMaxSize: 8,
  coreNodeInstanceType: "m5.xlarge",
  /**
   * An m5.xlarge takes up to 4 network interfaces of 15 IPv4 addresses each (Amazon EC2 User
   * Guide, "Maximum IP addresses per network interface"; 58 pods = 4 x (15 - 1) + 2 in the VPC
   * CNI's eni-max-pods.txt). With its defaults (WARM_ENI_TARGET=1) the VPC CNI attaches a
   * second interface as soon as a pod uses an address of the first, and fills each interface
   * it attaches with secondary addresses, so a busy node holds all 60.
   */
  networkInterfacesPerCoreNode: 4,
  ipv4AddressesPerInterface: 15,
} as const;

/** Addresses each half of the first secondary block needs: 5 + 6 + 1 + 1 + 4 x 4 x 15 = 253. */
export const FIRST_SECONDARY_SUBNET_ADDRESSES =
  FIRST_SECONDARY_SUBNET.reservedByAws +
  FIRST_SECONDARY_SUBNET.eksControlPlane +
  FIRST_SECONDARY_SUBNET.efsMountTargets +
  FIRST_SECONDARY_SUBNET.loadBalancerInterfaces +
  (FIRST_SECONDARY_SUBNET.coreNodeGroupMaxSize / FIRST_SECONDARY_SUBNET.availabilityZones) *
    FIRST_SECONDARY_SUBNET.networkInterfacesPerCoreNode *
    FIRST_SECONDARY_SUBNET.ipv4AddressesPerInterface;

/**
 * The first secondary block's largest prefix: halves of a /23 are /24s (256 addresses >= 253).
 * A /24 block gives /25 halves of 128, less than the 133 that four core nodes take even with
 * only the two interfaces the VPC CNI attaches once a node runs a pod (5 + 6 + 1 + 1 + 4 x 30).
 */
export const FIRST_SECONDARY_CIDR_MAX_PREFIX = 32 - Math.ceil(Math.log2(FIRST_SECONDARY_SUBNET_ADDRESSES)) - 1;

/**
 * Amazon VPC quotas, "IPv4 CIDR blocks per VPC" (quota code L-83CA0A9D): 5 by default, the
 * primary block included, adjustable up to 50. Source:
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (checked 2026-11-27).
 */
export const VPC_IPV4_CIDR_BLOCKS_QUOTA = {
  default: 5,
  maximum: 50,
  quotaCode: "L-83CA0A9D",
  source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
  checked: "2026-11-27",
} as const;

/**
 * Where AWS lets a VPC associate a secondary block whatever its primary block: AWS permits
 * publicly routable blocks and blocks of 100.64.0.0/10 beside any primary block (Amazon VPC
 * User Guide, "IPv4 CIDR block association restrictions",
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html, checked 2026-11-27),
 * and the stack hands EKS the private subnets whose addresses start with "100.".
 */
const SECONDARY_RANGE = "100.0.0.0/8";

const IPV4_CIDR_PATTERN = "^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$";
const DNS_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/** At least two labels, e.g. hub.example.com. */
const DNS_NAME_PATTERN = `^${DNS_LABEL}([.]${DNS_LABEL})+$`;
/** The same, optionally preceded by one wildcard label, e.g. *.example.com. */
const CERT_DOMAIN_PATTERN = `^([*][.])?${DNS_LABEL}([.]${DNS_LABEL})+$`;
/**
 * http(s)://host[:port][/path] with no query or fragment, and no double quote or backslash: the
 * hub's helm values carry the URL in a double-quoted YAML string. (http warns: check.oauth_domain_plain_http.)
 */
const HTTPS_URL_PATTERN = `^https?://${DNS_LABEL}([.]${DNS_LABEL})*(:[0-9]{1,5})?(/[^\\s?#"\\\\]*)?$`;
/** The OpenID Connect endpoints the stack appends to oauth_domain. */
const OAUTH_ENDPOINTS = ["auth", "token", "userinfo"] as const;
const OAUTH_ENDPOINT_SUFFIX_PATTERN = `(?i)/(${OAUTH_ENDPOINTS.join("|")})$`;
const WELL_KNOWN_PATTERN = "(?i)/[.]well-known(/|$)";
/** A double quote, a backslash or a line break: what a YAML double-quoted string cannot hold as it is. */
const QUOTE_BREAKING_PATTERN = '["\\\\\n\r]';

/** Letters, digits and hyphens, 1-63, no hyphen at either end. */
const COGNITO_PREFIX_PATTERN = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
/** Starts with a lowercase letter; lowercase letters, digits and hyphens only. */
const NAME_PATTERN = "^[a-z][a-z0-9-]*$";
/**
 * The shape of region names of every partition: commercial, GovCloud, ISO, China and European
 * Sovereign Cloud. A second rule keeps the commercial ones (REGION_PARTITIONS).
 */
const REGION_PATTERN = "^(eusc-[a-z]{2}|[a-z]{2}(-gov|-iso[a-z]?)?)-[a-z]+-[0-9]{1,2}$";
const CLUSTER_VERSION_PATTERN = "^1[.][0-9]{2}$";

/** Exported for the tests and the docs: the patterns the rules use. */
export const PATTERNS = {
  ipv4Cidr: IPV4_CIDR_PATTERN,
  dnsName: DNS_NAME_PATTERN,
  certificateDomain: CERT_DOMAIN_PATTERN,
  httpsUrl: HTTPS_URL_PATTERN,
  cognitoDomainPrefix: COGNITO_PREFIX_PATTERN,
  name: NAME_PATTERN,
  region: REGION_PATTERN,
  clusterVersion: CLUSTER_VERSION_PATTERN,
} as const;

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;
const RFC6598 = "100.64.0.0/10";

/**
 * IPv4 special-purpose ranges (RFC 6890) whose addresses no host in a VPC can use: "this"
 * network, loopback, link-local (where the instance metadata service and the Amazon DNS
 * server answer, 169.254.169.254 and 169.254.169.253), multicast and reserved.
 */
const NOT_HOST_ADDRESSES = [
  ["0.0.0.0/8", '"this" network'],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local, where the instance metadata service and the Amazon DNS server answer"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
] as const;

/**
 * An S3 bucket name followed by an optional key prefix: "bucket" or "bucket/prefix/". The bucket
 * part allows what S3 ever allowed (legacy us-east-1 names: capitals, underscores, up to 255
 * characters); the prefix is taken literally, so IAM wildcards (* and ?) are refused: in a policy
 * resource they would widen the grant.
 */
export const S3_READ_ENTRY_PATTERN = "^[A-Za-z0-9._-]{3,255}(/[^*?]*)?$";
/** An S3 bucket name as S3 creates them today: 3-63 lowercase letters, digits, dots and hyphens. */
export const S3_BUCKET_PATTERN = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

/**
 * The blueprint's default Cognito domain prefix. It stays the default, so that tfvars files
 * of the dummy and oauth modes keep working unchanged, but cognito mode refuses it.
 */
const BLUEPRINT_COGNITO_DOMAIN = "eks";

/**
 * The partitions other than the commercial one ("aws"), by the shape of their region names:
 * us-gov-west-1, cn-north-1, us-iso-east-1, us-isob-east-1, eu-isoe-west-1, us-isof-south-1,
 * eusc-de-east-1. The stack cannot serve them: it names AWS managed policies by arn:aws: ARNs
 * (SSM_MANAGED_INSTANCE_CORE in stacks/jupyterhub/eks.ts, S3_READ_ONLY_POLICY_ARN in
 * stacks/jupyterhub/s3-access.ts, AWSLambdaBasicExecutionRole in cognito.ts) and builds S3 ARNs
 * as arn:aws:s3::: (the S3 statements in expressions.ts), which are
 * arn:aws-us-gov:, arn:aws-cn:, ... there, and it reads an ECR Public token through the `ecr`
 * provider fixed to us-east-1 (providers.ts), a commercial region.
 */
const REGION_PARTITIONS: readonly (readonly [pattern: string, partition: (region: string) => Expr])[] = [
  ["^[a-z]{2}-gov-", () => "aws-us-gov"],
  ["^cn-", () => "aws-cn"],
  ["^[a-z]{2}-iso-", () => "aws-iso"],
  ["^[a-z]{2}-iso[a-z]-", (region) => Fn.format("aws-iso-%s", [indexOf(Fn.regex("^[a-z]{2}-iso([a-z])-", region), 0)])],
  ["^eusc-", () => "aws-eusc"],
];

/** Why the set allows exactly these versions, for the rule's message and docs/versions.md. */
export function clusterVersionReason(platform: PlatformSet): string {
  const oldestCreatable = creatableEksVersions()[0]?.version;
  const eks =
    `Amazon EKS creates no cluster older than ${oldestCreatable} (checked ` +
    `${FACTS_CHECKED}: older versions are past the ` +
    `end of extended support, and EKS upgrades such control planes by itself)`;
  const images =
    `EKS publishes ${platform.nodeImage.family} node images, which the Karpenter ` +
    `NodePools of this set use, for ${platform.nodeImage.kubernetes.min} to ${platform.nodeImage.kubernetes.max}`;
  if (platform.kubernetes.requireKarpenterSupport) {
    return (
      `${eks}; ${images}; and Karpenter ${platform.karpenter.version} supports ${platform.karpenter.kubernetes.min} ` +
      `to ${platform.karpenter.kubernetes.max}.`
    );
  }
  return (
    `${eks}; ${images}. (Karpenter ${platform.karpenter.version} of this set is supported only up to ` +
    `${platform.karpenter.kubernetes.max}: the plan warns. Set eks_cluster_version to what your control plane runs ` +
    `now (aws eks describe-cluster --name <name> --query cluster.version), and move to the "current" platform set ` +
    `for anything newer: docs/versions.md.)`
  );
}

/** Why the first secondary block must be /23 or larger, with the arithmetic (docs/variables.md). */
export function firstSecondaryBlockReason(): string {
  const n = FIRST_SECONDARY_SUBNET;
  const nodes = n.coreNodeGroupMaxSize / n.availabilityZones;
  const perNode = n.networkInterfacesPerCoreNode * n.ipv4AddressesPerInterface;
  return (
    `The stack halves it, cidrsubnet(block, 1, k), into the ${n.availabilityZones} ` +
    `subnets (one per availability zone) ` +
    `that hold the EKS control-plane network interfaces, the core node group and its pods, and each half needs ` +
    `${FIRST_SECONDARY_SUBNET_ADDRESSES} addresses: ${n.reservedByAws} reserved by ` +
    `AWS, ${n.eksControlPlane} for EKS, ` +
    `${n.efsMountTargets} EFS mount target, ${n.loadBalancerInterfaces} load ` +
    `balancer interface and ${nodes} core nodes ` +
    `(max_size ${n.coreNodeGroupMaxSize} over ${n.availabilityZones} zones) x ${perNode} ` +
    `addresses (${n.coreNodeInstanceType}: ` +
    `${n.networkInterfacesPerCoreNode} network interfaces x ` +
    `${n.ipv4AddressesPerInterface}, which the VPC CNI fills for pods). ` +
    `A /${FIRST_SECONDARY_CIDR_MAX_PREFIX + 1} half holds ${2 ** (32 - FIRST_SECONDARY_CIDR_MAX_PREFIX - 1)}.`
  );
}

// ---------------------------------------------------------------------------------------
// Typed building blocks of the conditions. `Expr` is a typed token (a reference, Fn.*, Op.*)
// or a literal; none of them is HCL source text.
// ---------------------------------------------------------------------------------------

type Expr = Expression;

/** `""` and `0` as right operands of Op.*, which writes a plain falsy operand as `undefined`. */
const EMPTY = literal("");
const ZERO = literal(0);

/** `x` matches the regular expression `pattern` (RE2, as Terraform's regex function reads it). */
function matches(pattern: string, x: Expr): Expr {
  return Fn.can(Fn.regex(/["\\]/.test(pattern) ? Token.asString(literal(pattern)) : pattern, x));
}

/** `x` is one of `values`; false, not an error, for a value of another type or null. */
function isOneOf(values: readonly string[], x: Expr): Expr {
  return Fn.try([Fn.contains([...values], x), false]);
}

/** Every operand holds (Terraform's `&&`, folded left). */
function and(...operands: Expr[]): Expr {
  return operands.reduce((left, right) => Op.and(left, right));
}

/** Some operand holds (Terraform's `||`, folded left). */
function or(...operands: Expr[]): Expr {
  return operands.reduce((left, right) => Op.or(left, right));
}

/** `condition` unless `guard` does not hold: `!guard || condition`. */
function onlyIf(guard: Expr, condition: Expr): Expr {
  return Op.or(Op.not(guard), condition);
}

/** `x` is written a.b.c.d/n and Terraform's CIDR functions accept it. */
function isIpv4Cidr(x: Expr): Expr {
  return Op.and(matches(IPV4_CIDR_PATTERN, x), Fn.can(Fn.cidrhost(x, 0)));
}

/** The prefix length of a CIDR string, as a number (errors for a non-CIDR: wrap in try). */
function prefixOf(x: Expr): Expr {
  return Fn.tonumber(indexOf(Fn.split("/", x), 1));
}

/** `x` has no host bits set: it is the block's own network address. */
function isCanonical(x: Expr): Expr {
  return Fn.try([Op.eq(Fn.cidrsubnet(x, 0, 0), x), false]);
}

/** The CIDR `x` lies entirely inside `block` (both IPv4). */
function isWithin(x: Expr, block: string): Expr {
  const bits = Number(block.split("/")[1]);
  return Fn.try([
    Op.and(Op.gte(prefixOf(x), bits), Op.eq(Fn.cidrsubnet(Fn.format(`%s/${bits}`, [Fn.cidrhost(x, 0)]), 0, 0), block)),
    false,
  ]);
}

/** The CIDR `outer` contains the network address of the CIDR `inner` (both IPv4; errors otherwise). */
function containsAddressOf(outer: Expr, inner: Expr): Expr {
  return Op.eq(
    Fn.cidrsubnet(Fn.format("%s/%s", [Fn.cidrhost(inner, 0), indexOf(Fn.split("/", outer), 1)]), 0, 0),
    Fn.cidrsubnet(outer, 0, 0),
  );
}

/**
 * The IPv4 CIDRs `a` and `b` share an address. Two CIDR blocks overlap exactly when one
 * contains the other's network address; masking that address to the other's prefix with
 * cidrsubnet compares the two as integers. False for anything that is not a CIDR.
 */
function overlaps(a: Expr, b: Expr): Expr {
  return Fn.try([Op.or(containsAddressOf(a, b), containsAddressOf(b, a)), false]);
}

function prefixBetween(x: Expr, min: number, max: number): Expr {
  return Fn.try([Op.and(Op.gte(prefixOf(x), min), Op.lte(prefixOf(x), max)), false]);
}

/** `Fn.try([condition, fallback])`: the fallback where the condition cannot be evaluated. */
function orElse(condition: Expr, fallback: boolean): Expr {
  return Fn.try([condition, fallback]);
}

/**
 * The partition of `region`, as an expression ("aws" for a commercial region). cdktf writes
 * `conditional` as `c ? a : b` without parentheses: use it only as a whole argument (an
 * operand of `==` would be taken into its last branch).
 */
function regionPartition(region: Expr): Expr {
  return REGION_PARTITIONS.reduceRight<Expr>(
    (otherwise, [pattern, partition]) => conditional(matches(pattern, region), partition(region), otherwise),
    "aws",
  );
}

// ---------------------------------------------------------------------------------------
// The declaration table
// ---------------------------------------------------------------------------------------

/** A validation rule: the condition is a typed token, true for an accepted value. */
export interface Rule {
  readonly condition: Expr;
  readonly errorMessage: string;
}

/**
 * A warning on variable values: a Terraform `check` block whose assertion reads only
 * variables. `terraform plan` reports a failed assertion as a warning and carries on; the
 * check adds no resource and nothing to the state. The message starts with the name of the
 * variable it is about, like the validation messages.
 */
export interface ValueCheck {
  /** The block's name: `check.<name>`. */
  readonly name: string;
  /** True when there is nothing to warn about. Must not fail: wrap reads in try(). */
  readonly condition: Expr;
  readonly message: string;
}

/**
 * The declared variables, by Terraform name, for rules and checks that read another variable.
 * (A name is a string: typing it as VariableName would make the table's type refer to itself.)
 */
export type ReadVariable = (name: string) => TerraformVariable;

interface VariableSpec<N extends string> {
  readonly name: N;
  readonly type: "string" | "bool" | "list(string)";
  readonly default: string | boolean | readonly string[];
  readonly description: string;
  readonly sensitive?: boolean;
  /** The variable's validation rules. `self` is the variable; `read` gives the others. */
  readonly validation: (self: TerraformVariable, read: ReadVariable) => Rule[];
  /** The `check` blocks that warn about this variable's value (addValueChecks). */
  readonly checks?: (self: TerraformVariable, read: ReadVariable) => ValueCheck[];
}

/** Keeps the literal type of the name, from which BlueprintVariables is derived. */
function variable<N extends string>(name: N, spec: Omit<VariableSpec<N>, "name">): VariableSpec<N> {
  return { name, ...spec };
}

/** The auth mode is one of `modes` (false for an invalid mode: its own rule reports it). */
function modeIn(read: ReadVariable, modes: readonly AuthMechanism[]): Expr {
  return isOneOf(modes, read("jupyter_hub_auth_mechanism").stringValue);
}

/** `variable` must be neither empty nor only whitespace when the auth mode is one of `modes`. */
function requiredIn(
  self: TerraformVariable,
  read: ReadVariable,
  modes: readonly AuthMechanism[],
  howToFix: string,
): Rule {
  const modeList = modes.map((m) => `"${m}"`).join(" or ");
  return {
    condition: onlyIf(modeIn(read, modes), orElse(Op.neq(Fn.trimspace(self.stringValue), EMPTY), false)),
    errorMessage:
      `${self.friendlyUniqueId} is required when jupyter_hub_auth_mechanism is ${modeList} ` +
      `(it is "${read("jupyter_hub_auth_mechanism").stringValue}") and it is empty or blank. ${howToFix}`,
  };
}

/**
 * A value the hub's helm values carry as a YAML double-quoted string: a double quote, a
 * backslash or a line break in it would corrupt the values (or inject settings).
 */
function plainTextRule(self: TerraformVariable, example: string): Rule {
  const name = self.friendlyUniqueId;
  return {
    condition: orElse(Op.not(matches(QUOTE_BREAKING_PATTERN, self.stringValue)), false),
    errorMessage:
      `${name} must not contain a double quote, a backslash or a line break: it is written into the ` +
      `JupyterHub helm values as a quoted YAML string. Example: -var '${name}=${example}'.`,
  };
}

/** A bool variable given as `null` (in a tfvars file) would fail deep inside a count expression. */
function notNullRule(self: TerraformVariable, example: string): Rule {
  const name = self.friendlyUniqueId;
  return {
    condition: Op.neq(self.booleanValue, hclNull),
    errorMessage:
      `${name} must be true or false, not null: the stack uses it in count and policy expressions, where ` +
      `null fails with an error that names neither the variable nor the fix. Example: -var '${name}=${example}'.`,
  };
}

const MODE_NOTE_COGNITO = '(Checked only when jupyter_hub_auth_mechanism is "cognito", the only mode that uses it.)';

/**
 * Every input variable, in the order of a variables.tf: each declared once, with its rules and
 * the checks that warn about it. Only eks_cluster_version depends on the platform set.
 */
export function variableSpecs(platform: PlatformSet) {
  return [
    variable("name", {
      type: "string",
      default: "jupyterhub-on-eks",
      description:
        `Name of the platform: used as the EKS cluster name, the VPC name and the prefix of derived resource ` +
        `names (IAM roles, security group, secrets, log group). Lowercase letter first, then lowercase letters, ` +
        `digits and hyphens; at most ${NAME_MAX_LENGTH} characters.`,
      validation: (self) => [
        {
          condition: matches(NAME_PATTERN, self.stringValue),
          errorMessage:
            "name must start with a lowercase letter and contain only lowercase letters, digits and hyphens " +
            "(pattern ^[a-z][a-z0-9-]*$). EKS itself also accepts capitals and underscores, but the stack derives " +
            'other names from it: the Kubernetes service account "<name>-jupyterhub-single-user" must be a ' +
            'lowercase DNS-1123 name, and eks-blueprints-addons creates a CloudFormation stack "<name>-<hex>" ' +
            "whose name must start with a letter and has no underscores. Example: -var 'name=jupyterhub-on-eks'.",
        },
        {
          condition: orElse(
            Op.and(Op.gte(Fn.lengthOf(self.stringValue), 1), Op.lte(Fn.lengthOf(self.stringValue), NAME_MAX_LENGTH)),
            false,
          ),
          errorMessage:
            `name must be 1 to ${NAME_MAX_LENGTH} characters long; this value has ` +
            `${Fn.try([Fn.lengthOf(self.stringValue), 0])}. ` +
            'The EBS CSI driver IAM role is created with the name prefix "<name>-ebs-csi-driver-" and AWS allows ' +
            "at most 38 characters in an IAM role name prefix (64 for a role name, minus the 26-character unique " +
            `suffix Terraform appends), which leaves ${NAME_MAX_LENGTH} for the name. ` +
            "Example: -var 'name=jupyterhub-on-eks' (17 characters).",
        },
      ],
    }),

    variable("region", {
      type: "string",
      default: "us-west-2",
      description:
        "AWS region to deploy into, as a region code such as us-west-2 or eu-central-1. Commercial partition only: " +
        "GovCloud, China, ISO and European Sovereign Cloud regions are refused (the stack uses arn:aws: policy ARNs " +
        "and ECR Public in us-east-1).",
      validation: (self) => {
        const region = self.stringValue;
        const partition = regionPartition(region);
        return [
          {
            condition: matches(REGION_PATTERN, region),
            errorMessage:
              "region must be an AWS region code such as us-west-2, eu-central-1, ap-southeast-3, il-central-1, " +
              "me-south-1, ca-west-1 or mx-central-1 (lowercase, no availability-zone letter: us-west-2, not " +
              "us-west-2a or \"US West (Oregon)\"). Example: -var 'region=us-west-2'.",
          },
          {
            // The partition is "aws" exactly when no other partition's pattern matches.
            condition: onlyIf(
              matches(REGION_PATTERN, region),
              orElse(Op.not(Fn.anytrue(REGION_PARTITIONS.map(([pattern]) => matches(pattern, region)))), false),
            ),
            errorMessage:
              `region must be in the commercial AWS partition (aws); region "${region}" is in ` +
              `the ${Fn.try([partition, "?"])} ` +
              "partition, which the stack cannot serve: it attaches AWS managed policies by " +
              "their arn:aws:iam::aws:policy/ " +
              "ARNs (AmazonSSMManagedInstanceCore for the nodes, AWSLambdaBasicExecutionRole " +
              "for the Cognito trigger, " +
              "AmazonS3ReadOnlyAccess with notebook_s3_read_all) and S3 grants by " +
              "arn:aws:s3::: ARNs, which have another " +
              "prefix there, and it reads " +
              "an Amazon ECR Public token through a provider fixed to us-east-1, a commercial " +
              "region that credentials of " +
              "another partition cannot use. GovCloud (us-gov-*), China (cn-*), ISO " +
              "(*-iso*-*) and European Sovereign " +
              "Cloud (eusc-*) regions are therefore refused. Example: -var 'region=us-west-2'.",
          },
        ];
      },
    }),

    variable("eks_cluster_version", {
      type: "string",
      default: platform.kubernetes.default,
      description:
        `Kubernetes version of the EKS cluster, written 1.NN. The "${platform.name}" platform set allows ` +
        `${allowedVersions(platform).join(", ")} (docs/versions.md).`,
      validation: (self) => {
        const version = self.stringValue;
        const allowed = allowedVersions(platform);
        const list =
          allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
        return [
          {
            condition: matches(CLUSTER_VERSION_PATTERN, version),
            errorMessage:
              "eks_cluster_version must be a Kubernetes minor version written 1.NN, without a patch number or a " +
              `leading v: ${platform.kubernetes.default}, not ` +
              `${platform.kubernetes.default}.2, v${platform.kubernetes.default} or 1.3. ` +
              `Example: -var 'eks_cluster_version=${platform.kubernetes.default}'.`,
          },
          {
            condition: onlyIf(matches(CLUSTER_VERSION_PATTERN, version), Fn.contains(allowed, version)),
            errorMessage:
              `eks_cluster_version must be ${list} in the "${platform.name}" platform set; it is "${version}". ` +
              `${clusterVersionReason(platform)} Example: -var 'eks_cluster_version=${platform.kubernetes.default}'.`,
          },
        ];
      },
      // The version's support: added by addClusterVersionChecks, which reads the platform set.
    }),

    variable("vpc_cidr", {
      type: "string",
      default: "10.1.0.0/21",
      description:
        "Primary IPv4 CIDR block of the VPC, /16 to /23, best inside a private RFC 1918 range (other ranges warn; " +
        "100.0.0.0/8 is refused). It holds two private and two public subnets; the " +
        "default 10.1.0.0/21 gives 2,048 addresses.",
      validation: (self) => {
        const cidr = self.stringValue;
        const { min, max } = VPC_CIDR_PREFIX_RANGE;
        const ifCidr = (condition: Expr) => onlyIf(isIpv4Cidr(cidr), condition);
        return [
          {
            condition: isIpv4Cidr(cidr),
            errorMessage:
              "vpc_cidr must be an IPv4 CIDR block written a.b.c.d/n, each of a-d in 0-255 and n the prefix length. " +
              "Example: -var 'vpc_cidr=10.1.0.0/21'.",
          },
          {
            condition: ifCidr(isCanonical(cidr)),
            errorMessage:
              "vpc_cidr must be written in network form: the address must be the first address of the block, with " +
              "no host bits set (no leading zeros either). For this value use " +
              `"${Fn.try([Fn.cidrsubnet(cidr, 0, 0), ""])}". Example: 10.1.0.0/21, not 10.1.3.0/21.`,
          },
          {
            condition: ifCidr(Op.not(overlaps(cidr, SECONDARY_RANGE))),
            errorMessage:
              `vpc_cidr must not lie in ${SECONDARY_RANGE}: the stack hands EKS the private subnets whose addresses ` +
              'start with "100.", the halves of the first secondary_cidr_blocks entry, and would hand it the private ' +
              "subnets of such a vpc_cidr as well. Use a private RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, " +
              "192.168.0.0/16). Example: -var 'vpc_cidr=10.1.0.0/21'.",
          },
          {
            condition: ifCidr(Op.not(Fn.anytrue(NOT_HOST_ADDRESSES.map(([block]) => overlaps(cidr, block))))),
            errorMessage:
              "vpc_cidr must not lie in a special-purpose range whose addresses are not usable by hosts (RFC 6890): " +
              NOT_HOST_ADDRESSES.map(([block, what]) => `${block} (${what})`).join(", ") +
              ". Example: -var 'vpc_cidr=10.1.0.0/21'.",
          },
          {
            condition: ifCidr(prefixBetween(cidr, min, max)),
            errorMessage:
              `vpc_cidr must have a prefix length from /${min} to /${max}. AWS accepts VPC ` +
              `blocks from /16 to /28, and ` +
              "the stack carves two private subnets cidrsubnet(vpc_cidr, 3, k), prefix + 3, and two public subnets " +
              "cidrsubnet(vpc_cidr, 5, k + 8), prefix + 5; AWS subnets cannot be smaller than /28, so the prefix " +
              `can be at most 28 - 5 = ${max}. Example: 10.1.0.0/21 gives /24 private and /26 public subnets.`,
          },
        ];
      },
      checks: (self) => {
        const cidr = self.stringValue;
        const { min, max } = VPC_CIDR_PREFIX_RANGE;
        // Only a value that passes every vpc_cidr rule warns: the others are errors already.
        const refused = or(
          Op.not(isIpv4Cidr(cidr)),
          Op.not(isCanonical(cidr)),
          Op.not(prefixBetween(cidr, min, max)),
          overlaps(cidr, SECONDARY_RANGE),
          Fn.anytrue(NOT_HOST_ADDRESSES.map(([block]) => overlaps(cidr, block))),
        );
        return [
          {
            name: "vpc_cidr_public_range",
            condition: orElse(Op.or(refused, Fn.anytrue(RFC1918.map((block) => isWithin(cidr, block)))), true),
            message:
              `vpc_cidr ${cidr} is outside the private RFC 1918 ranges (${RFC1918.join(", ")}). AWS accepts a ` +
              `publicly routable VPC block (Amazon VPC User Guide, "VPC CIDR blocks"), but ` +
              `the VPC routes it locally: the ` +
              `hosts on the internet that own these addresses become unreachable from the ` +
              `cluster. Unless you own this ` +
              `range, use a private one. Example: -var 'vpc_cidr=10.1.0.0/21'.`,
          },
        ];
      },
    }),

    variable("secondary_cidr_blocks", {
      type: "list(string)",
      default: ["100.64.0.0/16"],
      description:
        "Extra IPv4 CIDR blocks attached to the VPC, inside 100.0.0.0/8 and best inside 100.64.0.0/10 (RFC 6598), " +
        "/16 to /28 each, not overlapping. The first one is split in two for the subnets that EKS, its nodes and the " +
        `pods use, so it must be /${FIRST_SECONDARY_CIDR_MAX_PREFIX} or larger. More ` +
        `than 4 blocks need a raised VPC quota.`,
      validation: (self) => {
        const blocks = self.listValue;
        const first = indexOf(blocks, 0);
        const eachValid = (check: (c: Expr) => Expr) =>
          orElse(
            everyItem(blocks, "c", (c) => Op.or(Op.not(isIpv4Cidr(c)), check(c))),
            false,
          );
        const { min, max } = SECONDARY_CIDR_PREFIX_RANGE;
        const quota = VPC_IPV4_CIDR_BLOCKS_QUOTA;
        const maxBlocks = quota.maximum - 1;
        const overlapping = (i: Expr, a: Expr, j: Expr, b: Expr) => and(Op.lt(i, j), Op.neq(a, b), overlaps(a, b));
        return [
          {
            condition: orElse(Op.gt(Fn.lengthOf(blocks), ZERO), false),
            errorMessage:
              "secondary_cidr_blocks must list at least one CIDR block: the stack halves the first one into the two " +
              "subnets that EKS, its nodes and the pods use. Example: -var " +
              "'secondary_cidr_blocks=[\"100.64.0.0/16\"]'.",
          },
          {
            condition: orElse(
              everyItem(blocks, "c", (c) => Op.and(isIpv4Cidr(c), isCanonical(c))),
              false,
            ),
            errorMessage:
              "secondary_cidr_blocks must hold IPv4 CIDR blocks written a.b.c.d/n in network form (the first address " +
              'of the block, no host bits set). Example: ["100.64.0.0/16"], not ["100.64.1.0/16"] or ["100.64.0.0"].',
          },
          {
            condition: eachValid((c) => isWithin(c, SECONDARY_RANGE)),
            errorMessage:
              `secondary_cidr_blocks must lie inside ${SECONDARY_RANGE}, best in the shared address space ${RFC6598} ` +
              '(RFC 6598). The stack hands EKS the private subnets whose addresses start with "100." (the halves of ' +
              "the first block), and AWS lets a VPC associate a block of 100.0.0.0/8 whatever vpc_cidr is (blocks of " +
              "another RFC 1918 range than vpc_cidr, or of 198.19.0.0/16, it refuses: Amazon " +
              'VPC User Guide, "IPv4 CIDR ' +
              'block association restrictions"). Example: ["100.64.0.0/16"] or ["100.64.0.0/16", "100.65.0.0/16"].',
          },
          {
            condition: eachValid((c) => prefixBetween(c, min, max)),
            errorMessage:
              `secondary_cidr_blocks entries must have a prefix length from /${min} to ` +
              `/${max}, the sizes AWS accepts ` +
              'for a VPC CIDR block. Example: ["100.64.0.0/16"].',
          },
          {
            condition: orElse(
              Op.or(Op.not(isIpv4Cidr(first)), Op.lte(prefixOf(first), FIRST_SECONDARY_CIDR_MAX_PREFIX)),
              true,
            ),
            errorMessage:
              `secondary_cidr_blocks: the first block must be /${FIRST_SECONDARY_CIDR_MAX_PREFIX} ` +
              `or larger (a prefix ` +
              `length of ${FIRST_SECONDARY_CIDR_MAX_PREFIX} or less); it is /${Fn.try([prefixOf(first), "?"])}. ` +
              firstSecondaryBlockReason() +
              ` Example: ["100.64.0.0/16"] (the default) gives two /17 subnets, with room for ` +
              `Karpenter's notebook nodes too.`,
          },
          {
            condition: orElse(Op.eq(Fn.lengthOf(Fn.distinct(blocks)), Fn.lengthOf(blocks)), false),
            errorMessage:
              "secondary_cidr_blocks must not list the same block twice: AWS rejects a second association of a CIDR " +
              'block with a VPC. Example: ["100.64.0.0/16", "100.65.0.0/16"].',
          },
          {
            condition: orElse(
              everyPair(blocks, (i, a, j, b) => or(Op.gte(i, j), Op.eq(a, b), Op.not(overlaps(a, b)))),
              false,
            ),
            errorMessage:
              "secondary_cidr_blocks must not overlap one another: " +
              `${Fn.try([Fn.join(", ", Token.asList(pairsWhere(blocks, (_i, a, _j, b) => Fn.format("%s and %s", [a, b]), overlapping))), ""])}. ` +
              "AWS refuses to associate a block that overlaps one the VPC already has, so the apply would fail after " +
              'the VPC exists. Example: ["100.64.0.0/16", "100.65.0.0/16"], not ["100.64.0.0/16", "100.64.0.0/17"].',
          },
          {
            condition: orElse(Op.lte(Fn.lengthOf(blocks), maxBlocks), false),
            errorMessage:
              `secondary_cidr_blocks can list at most ${maxBlocks} blocks; it lists ` +
              `${Fn.try([Fn.lengthOf(blocks), "?"])}. A VPC has at ` +
              `most ${quota.maximum} IPv4 CIDR blocks, vpc_cidr included, even with the quota ` +
              `"IPv4 CIDR blocks per VPC" ` +
              `raised as far as AWS allows (Amazon VPC quotas, ${quota.source}). Example: ["100.64.0.0/16"].`,
          },
        ];
      },
      checks: (self) => {
        const blocks = self.listValue;
        const quota = VPC_IPV4_CIDR_BLOCKS_QUOTA;
        const outside = (c: Expr) => and(isIpv4Cidr(c), isWithin(c, SECONDARY_RANGE), Op.not(isWithin(c, RFC6598)));
        return [
          {
            name: "secondary_cidr_blocks_public_range",
            condition: orElse(Op.not(someItem(blocks, "c", outside)), true),
            message:
              `secondary_cidr_blocks has blocks outside the shared address space ${RFC6598} (RFC 6598): ` +
              `${Fn.try([Fn.join(", ", Token.asList(itemsWhere(blocks, "c", outside))), ""])}. ` +
              `AWS accepts such blocks (publicly routable ` +
              `addresses; Amazon VPC User Guide, "IPv4 CIDR block association restrictions"), ` +
              `but the VPC routes them ` +
              `locally, so the hosts on the internet that own these addresses become unreachable from the cluster. ` +
              `Unless you own them, use blocks of ${RFC6598}. Example: ["100.64.0.0/16"].`,
          },
          {
            name: "secondary_cidr_blocks_quota",
            condition: orElse(
              Op.or(Op.lte(Fn.lengthOf(blocks), quota.default - 1), Op.gt(Fn.lengthOf(blocks), quota.maximum - 1)),
              true,
            ),
            message:
              `secondary_cidr_blocks lists ${Fn.lengthOf(blocks)} blocks: with vpc_cidr that ` +
              `makes ${Op.add(Fn.lengthOf(blocks), 1)} IPv4 CIDR ` +
              `blocks on the VPC, more than the default quota of ${quota.default} per VPC ` +
              `(Amazon VPC quotas, "IPv4 CIDR ` +
              `blocks per VPC", quota code ${quota.quotaCode}, adjustable up to ` +
              `${quota.maximum}). Unless that quota was ` +
              `raised for this account and region, the apply fails after the VPC exists. Check it with: aws ` +
              `service-quotas get-service-quota --service-code vpc --quota-code ` +
              `${quota.quotaCode}; request an increase ` +
              `first, or list at most ${quota.default - 1} blocks. Example: ["100.64.0.0/16"].`,
          },
        ];
      },
    }),

    variable("jupyter_hub_auth_mechanism", {
      type: "string",
      default: "dummy",
      description:
        'How users sign in to JupyterHub: "dummy" (any user name and password, for trials only), "cognito" ' +
        '(an Amazon Cognito user pool created by the stack) or "oauth" (your own OpenID Connect provider).',
      validation: (self) => [
        {
          condition: isOneOf(AUTH_MECHANISMS, self.stringValue),
          errorMessage:
            'jupyter_hub_auth_mechanism must be one of "dummy" (any user name and password, for trials), ' +
            '"cognito" (an Amazon Cognito user pool the stack creates) or "oauth" (your own OpenID Connect ' +
            "provider), all lowercase. Example: -var 'jupyter_hub_auth_mechanism=cognito'.",
        },
      ],
    }),

    variable("cognito_custom_domain", {
      type: "string",
      default: BLUEPRINT_COGNITO_DOMAIN,
      description:
        "Cognito mode only: prefix of the Cognito hosted sign-in domain, " +
        "https://<prefix>.auth.<region>.amazoncognito.com. Must be unique within the region, so cognito mode " +
        `refuses the default "${BLUEPRINT_COGNITO_DOMAIN}": choose your own, for example acme-jupyterhub.`,
      validation: (self, read) => {
        const prefix = self.stringValue;
        const inCognito = (condition: Expr) => onlyIf(modeIn(read, ["cognito"]), condition);
        return [
          {
            condition: inCognito(matches(COGNITO_PREFIX_PATTERN, prefix)),
            errorMessage:
              "cognito_custom_domain must be a Cognito domain prefix: 1 to 63 lowercase letters, digits and hyphens, " +
              "not starting or ending with a hyphen. It becomes https://<prefix>.auth.<region>.amazoncognito.com and " +
              "must be unique in the region. Example: -var 'cognito_custom_domain=acme-jupyterhub'. " +
              MODE_NOTE_COGNITO,
          },
          {
            condition: inCognito(orElse(Op.not(matches("aws|amazon|cognito", prefix)), false)),
            errorMessage:
              "cognito_custom_domain must not contain the reserved words aws, amazon or " +
              "cognito; Cognito rejects such " +
              "prefixes. Example: -var 'cognito_custom_domain=acme-jupyterhub' instead of 'acme-cognito'.",
          },
          {
            condition: inCognito(orElse(Op.neq(prefix, BLUEPRINT_COGNITO_DOMAIN), false)),
            errorMessage:
              `cognito_custom_domain must not be "${BLUEPRINT_COGNITO_DOMAIN}", the ` +
              `blueprint's default, in cognito mode: a Cognito ` +
              "domain prefix must be unique in its region across all AWS accounts, and a word as short and common as " +
              `"${BLUEPRINT_COGNITO_DOMAIN}" is almost certainly taken, so creating ` +
              `aws_cognito_user_pool_domain.domain would fail ` +
              "after the VPC and the cluster exist, some 20 minutes into the apply. Choose a prefix of your own. " +
              "Example: -var 'cognito_custom_domain=acme-jupyterhub'.",
          },
        ];
      },
    }),

    variable("acm_certificate_domain", {
      type: "string",
      default: "",
      description:
        "Cognito and oauth modes: domain name of an issued ACM certificate in the deployment region that covers " +
        "jupyterhub_domain, for example *.example.com. Unused in dummy mode.",
      validation: (self, read) => [
        requiredIn(
          self,
          read,
          ["cognito", "oauth"],
          "Set it to the domain name of an ISSUED ACM certificate in the deployment region that covers " +
            "jupyterhub_domain. Example: -var 'acm_certificate_domain=*.example.com'.",
        ),
        {
          condition: onlyIf(
            modeIn(read, ["cognito", "oauth"]),
            orElse(
              Op.or(
                Op.eq(self.stringValue, EMPTY),
                Op.and(matches(CERT_DOMAIN_PATTERN, self.stringValue), Op.lte(Fn.lengthOf(self.stringValue), 253)),
              ),
              false,
            ),
          ),
          errorMessage:
            "acm_certificate_domain must be the domain name of an ACM certificate, optionally a wildcard: labels " +
            "of 1 to 63 letters, digits or hyphens (no hyphen at either end), at least two labels, at most 253 " +
            "characters, no scheme, no trailing dot. Example: *.example.com or hub.example.com. " +
            "(Checked only in the cognito and oauth modes, which use it.)",
        },
      ],
    }),

    variable("jupyterhub_domain", {
      type: "string",
      default: "",
      description:
        "Cognito and oauth modes: host name users open in the browser to reach JupyterHub, for example " +
        "hub.example.com (no scheme). Unused in dummy mode.",
      validation: (self, read) => [
        requiredIn(
          self,
          read,
          ["cognito", "oauth"],
          "Set it to the host name users open in the browser (the OAuth callback is " +
            "https://<jupyterhub_domain>/hub/oauth_callback). Example: -var 'jupyterhub_domain=hub.example.com'.",
        ),
        {
          condition: onlyIf(
            modeIn(read, ["cognito", "oauth"]),
            orElse(
              Op.or(
                Op.eq(self.stringValue, EMPTY),
                Op.and(matches(DNS_NAME_PATTERN, self.stringValue), Op.lte(Fn.lengthOf(self.stringValue), 253)),
              ),
              false,
            ),
          ),
          errorMessage:
            "jupyterhub_domain must be a plain DNS host name: labels of 1 to 63 letters, digits or hyphens (no " +
            "hyphen at either end), at least two labels, at most 253 characters; no scheme, port, path, wildcard " +
            "or trailing dot. Example: hub.example.com, not https://hub.example.com/. " +
            "(Checked only in the cognito and oauth modes, which use it.)",
        },
      ],
      /**
       * The hub's load balancer presents the ACM certificate found by its domain name; a browser
       * accepts it for jupyterhub_domain when a name of the certificate covers it. This is a
       * warning, not an error: the stack sees only the certificate's primary domain name, and a
       * certificate for example.com with the subject alternative name *.example.com covers
       * hub.example.com although acm_certificate_domain = "example.com" does not.
       */
      checks: (self, read) => {
        const hub = self.stringValue;
        const cert = read("acm_certificate_domain").stringValue;
        const wellFormed = and(
          Op.neq(hub, EMPTY),
          Op.neq(cert, EMPTY),
          matches(DNS_NAME_PATTERN, hub),
          matches(CERT_DOMAIN_PATTERN, cert),
        );
        // Exactly the name, or a wildcard standing for the first label (one label, not more).
        const covered = Op.or(
          Op.eq(Fn.lower(hub), Fn.lower(cert)),
          Op.eq(Fn.replace(Fn.lower(hub), "/^[^.]+/", "*"), Fn.lower(cert)),
        );
        return [
          {
            name: "jupyterhub_domain_certificate",
            condition: onlyIf(modeIn(read, ["cognito", "oauth"]), orElse(Op.or(Op.not(wellFormed), covered), true)),
            message:
              `jupyterhub_domain "${hub}" is not covered by acm_certificate_domain ` +
              `"${cert}": a certificate name covers itself (in any letter case), and a wildcard ` +
              `*.example.com covers exactly one label more (hub.example.com, not ` +
              `a.hub.example.com or example.com). Unless ` +
              `the certificate lists jupyterhub_domain among its subject alternative names, ` +
              `browsers will refuse the hub's ` +
              `certificate. Example: acm_certificate_domain = "*.example.com" with ` +
              `jupyterhub_domain = "hub.example.com".`,
          },
        ];
      },
    }),

    variable("oauth_domain", {
      type: "string",
      default: "",
      description:
        "Oauth mode: https base URL of the provider's OpenID Connect endpoints, without a trailing slash; the " +
        "stack appends /auth, /token and /userinfo. For example " +
        "https://keycloak.example.com/realms/master/protocol/openid-connect. Plain http is accepted with a warning.",
      validation: (self, read) => {
        const url = self.stringValue;
        // Only the oauth mode reads it (the blueprint also let it replace the Cognito endpoints
        // in cognito mode, which pointed a Cognito client at another provider; see docs/differences.md).
        const inOauth = (condition: Expr) => onlyIf(modeIn(read, ["oauth"]), condition);
        return [
          requiredIn(
            self,
            read,
            ["oauth"],
            "Set it to the base URL of your provider's OpenID Connect endpoints; the stack appends /auth, /token " +
              "and /userinfo. Example: -var " +
              "'oauth_domain=https://keycloak.example.com/realms/master/protocol/openid-connect'.",
          ),
          {
            condition: inOauth(orElse(Op.or(Op.eq(url, EMPTY), matches(HTTPS_URL_PATTERN, url)), false)),
            errorMessage:
              "oauth_domain must be an https URL: https://host[:port][/path] (http:// is accepted with a warning), " +
              "lowercase scheme, with no spaces, double quotes, backslashes, query string or " +
              "fragment: the hub's helm " +
              "values carry it in a quoted YAML string. Example: " +
              "https://keycloak.example.com/realms/master/protocol/openid-connect. " +
              '(Checked only when jupyter_hub_auth_mechanism is "oauth", the only mode that uses it.)',
          },
          {
            condition: inOauth(orElse(Op.not(matches(WELL_KNOWN_PATTERN, url)), false)),
            errorMessage:
              "oauth_domain must be the base URL of the provider's OpenID Connect endpoints, " +
              "not the discovery document " +
              "(.../.well-known/openid-configuration): the stack appends /auth, /token and /userinfo to it. Open the " +
              "document and take its authorization_endpoint without the last path segment; for Keycloak that is " +
              "https://<host>/realms/<realm>/protocol/openid-connect. " +
              "Example: https://keycloak.example.com/realms/master/protocol/openid-connect.",
          },
          {
            condition: inOauth(orElse(Op.not(matches(OAUTH_ENDPOINT_SUFFIX_PATTERN, url)), false)),
            errorMessage:
              "oauth_domain must be the base URL of the provider's OpenID Connect endpoints, " +
              "not one of the endpoints: " +
              "the stack appends /auth, /token and /userinfo to it, which would give " +
              ".../auth/auth or .../userinfo/userinfo. " +
              `For this value use "${Fn.try([Fn.replace(url, `/${OAUTH_ENDPOINT_SUFFIX_PATTERN}/`, ""), ""])}". ` +
              "Example: https://keycloak.example.com/realms/master/protocol/openid-connect.",
          },
          {
            condition: inOauth(orElse(Op.not(Fn.endswith(url, "/")), false)),
            errorMessage:
              "oauth_domain must not end with a slash: the stack appends /auth, /token and /userinfo to it, and a " +
              "trailing slash would give URLs such as .../openid-connect//auth. " +
              "Example: https://keycloak.example.com/realms/master/protocol/openid-connect.",
          },
        ];
      },
      checks: (self, read) => [
        {
          name: "oauth_domain_plain_http",
          condition: onlyIf(modeIn(read, ["oauth"]), orElse(Op.not(Fn.startswith(self.stringValue, "http://")), true)),
          message:
            `oauth_domain ${self.stringValue} is plain http: the hub sends the OAuth client secret to its /token ` +
            "endpoint and receives the users' tokens from it unencrypted, and the browser's sign-in goes to /auth " +
            "unencrypted too, readable and alterable by anyone on the network path. Keep it to a provider inside the " +
            "VPC or a network you trust, and prefer https. " +
            "Example: https://keycloak.example.com/realms/master/protocol/openid-connect.",
        },
      ],
    }),

    variable("oauth_jupyter_client_id", {
      type: "string",
      default: "",
      description:
        "Oauth mode: client ID registered for JupyterHub at the OpenID Connect provider, for example jupyterhub.",
      validation: (self, read) => [
        requiredIn(
          self,
          read,
          ["oauth"],
          "Set it to the client ID registered for JupyterHub at your provider. Example: " +
            "-var 'oauth_jupyter_client_id=jupyterhub'.",
        ),
        plainTextRule(self, "jupyterhub"),
      ],
    }),

    variable("oauth_jupyter_client_secret", {
      type: "string",
      default: "",
      description:
        "Oauth mode: client secret of that client. Sensitive: prefer TF_VAR_oauth_jupyter_client_secret or an " +
        "uncommitted *.tfvars file to a -var on the command line.",
      sensitive: true,
      // Terraform 1.11 prints the values a failing condition read, even for a sensitive
      // variable, so this rule fails only when the value is empty or whitespace, when there is
      // nothing secret to print. The message names no value.
      validation: (self, read) => [
        requiredIn(
          self,
          read,
          ["oauth"],
          "Set it to the client secret issued by your provider, preferably through the environment rather " +
            "than -var (which ends up in the shell history). Example: export " +
            "TF_VAR_oauth_jupyter_client_secret=<secret>.",
        ),
      ],
    }),

    variable("oauth_username_key", {
      type: "string",
      default: "",
      description:
        "Oauth mode: claim of the provider's user info response that holds the user name, for example " +
        "preferred_username.",
      validation: (self, read) => [
        requiredIn(
          self,
          read,
          ["oauth"],
          "Set it to the user-info claim that holds the user name. Example: -var " +
            "'oauth_username_key=preferred_username'.",
        ),
        plainTextRule(self, "preferred_username"),
      ],
    }),

    variable("jupyterhub_load_balancer_scheme", {
      type: "string",
      default: "internal",
      description:
        'Scheme of the network load balancer in front of JupyterHub in the cognito and oauth modes: "internal" ' +
        '(the blueprint\'s choice, reachable only from inside the VPC) or "internet-facing" (reachable from the ' +
        "internet, so a public jupyterhub_domain can point at it).",
      validation: (self) => [
        {
          condition: isOneOf(LOAD_BALANCER_SCHEMES, self.stringValue),
          errorMessage:
            'jupyterhub_load_balancer_scheme must be "internal" (reachable only from inside the VPC and connected ' +
            'networks; the blueprint\'s behaviour) or "internet-facing" (reachable from the internet, needed when ' +
            "jupyterhub_domain is a public name). Example: -var 'jupyterhub_load_balancer_scheme=internet-facing'.",
        },
      ],
    }),

    // --- Security settings (issue 11): Cognito sign-up and MFA, S3 grants, the EKS API's public CIDRs

    variable("cognito_allow_self_signup", {
      type: "bool",
      default: SECURITY_VARIABLES.cognito_allow_self_signup,
      description:
        "Cognito mode: let anyone who reaches the hosted sign-in page create an account (true), or only " +
        "administrators (false, the default: aws cognito-idp admin-create-user). With an internet-facing hub and " +
        "true, anyone on the internet can sign up and start a notebook.",
      validation: (self) => [notNullRule(self, "true")],
      checks: (self, read) => [
        {
          name: "cognito_allow_self_signup_public",
          condition: onlyIf(
            modeIn(read, ["cognito"]),
            orElse(
              Op.not(
                Op.and(
                  self.booleanValue,
                  Op.eq(read("jupyterhub_load_balancer_scheme").stringValue, "internet-facing"),
                ),
              ),
              true,
            ),
          ),
          message:
            "cognito_allow_self_signup is true and jupyterhub_load_balancer_scheme is internet-facing: anyone on the " +
            "internet can create an account on the Cognito sign-in page and start a " +
            "notebook, with the notebooks' AWS " +
            "permissions and the cluster's compute. Keep sign-up to administrators and invite users (aws cognito-idp " +
            "admin-create-user, see docs/security.md). Example: -var 'cognito_allow_self_signup=false'.",
        },
      ],
    }),

    variable("cognito_mfa", {
      type: "string",
      default: SECURITY_VARIABLES.cognito_mfa,
      description:
        "Cognito mode: multi-factor sign-in with an authenticator app (TOTP). OPTIONAL (default): each user may " +
        "add one; ON: every user must; OFF: none.",
      validation: (self, read) => [
        {
          condition: onlyIf(modeIn(read, ["cognito"]), isOneOf(COGNITO_MFA_MODES, self.stringValue)),
          errorMessage:
            `cognito_mfa must be one of ${COGNITO_MFA_MODES.map((m) => `"${m}"`).join(", ")} ` +
            `(in capitals, as Cognito spells ` +
            "them): OPTIONAL lets each user add an authenticator app (TOTP), ON requires " +
            "one from every user, OFF turns " +
            "multi-factor sign-in off. Example: -var 'cognito_mfa=ON'. " +
            MODE_NOTE_COGNITO,
        },
      ],
    }),

    variable("notebook_s3_read_buckets", {
      type: "list(string)",
      default: SECURITY_VARIABLES.notebook_s3_read_buckets,
      description:
        'S3 locations every notebook may read, each "bucket" or "bucket/prefix/" (for example ' +
        '["acme-datasets", "acme-shared/team-a/"]); granted to the notebooks\' IAM role and, in cognito mode, to ' +
        "the Cognito users' role. Default: none.",
      validation: (self) => {
        const isUrlOrArn = (e: Expr) => Op.or(Fn.startswith(Fn.lower(e), "s3://"), Fn.startswith(e, "arn:"));
        return [
          {
            condition: orElse(
              everyItem(self.listValue, "e", (e) =>
                Op.and(Op.not(Fn.startswith(Fn.lower(e), "s3://")), Op.not(Fn.startswith(e, "arn:"))),
              ),
              false,
            ),
            errorMessage:
              "notebook_s3_read_buckets entries are a bucket name, optionally followed by a key prefix, written " +
              "bucket or bucket/prefix/: not an s3:// URL and not an ARN (the stack builds the ARNs). " +
              'Example: -var \'notebook_s3_read_buckets=["acme-datasets", "acme-shared/team-a/"]\'.',
          },
          {
            condition: orElse(
              everyItem(self.listValue, "e", (e) => Op.or(isUrlOrArn(e), matches(S3_READ_ENTRY_PATTERN, e))),
              false,
            ),
            errorMessage:
              "notebook_s3_read_buckets entries must be bucket or bucket/prefix: a bucket name of 3 to 255 letters, " +
              "digits, dots, hyphens or underscores, then optionally a slash and a key prefix " +
              "without * or ? (IAM would " +
              "read them as wildcards and widen the grant; the prefix is matched literally, " +
              "so end it with a slash to " +
              'stop team-a/ from matching team-ab/). Example: ["acme-datasets", "acme-shared/team-a/"].',
          },
        ];
      },
    }),

    variable("cognito_department_bucket", {
      type: "string",
      default: SECURITY_VARIABLES.cognito_department_bucket,
      description:
        "Cognito mode: bucket in which each user may read the prefix named by their department claim " +
        "(<department>/). Empty (default): the stack's own bucket jupyterhub-test-bucket-*, which holds engineering/ " +
        "and legal/.",
      validation: (self, read) => [
        {
          condition: onlyIf(
            modeIn(read, ["cognito"]),
            orElse(Op.or(Op.eq(self.stringValue, EMPTY), matches(S3_BUCKET_PATTERN, self.stringValue)), false),
          ),
          errorMessage:
            "cognito_department_bucket must be empty (the stack's own bucket, aws_s3_bucket.jupyterhub_bucket, which " +
            "holds the engineering/ and legal/ prefixes) or the name of a bucket: 3 to 63 lowercase letters, digits, " +
            "dots and hyphens, starting and ending with a letter or digit, no s3:// and no path (each user reads " +
            "<department>/ in it). Example: -var 'cognito_department_bucket=acme-departments'. " +
            MODE_NOTE_COGNITO,
        },
      ],
    }),

    variable("notebook_s3_read_all", {
      type: "bool",
      default: SECURITY_VARIABLES.notebook_s3_read_all,
      description:
        "Restore the blueprint's account-wide S3 read access (the AWS managed policy AmazonS3ReadOnlyAccess) for the " +
        "notebooks' IAM role and the Cognito users' role. Default false: notebooks read only what " +
        "notebook_s3_read_buckets and cognito_department_bucket grant. A plan with true warns.",
      validation: (self) => [notNullRule(self, "true")],
      checks: (self) => [
        {
          name: "notebook_s3_read_all",
          condition: orElse(Op.not(self.booleanValue), true),
          message:
            "notebook_s3_read_all is true: every notebook (and in cognito mode every Cognito user) can list and read " +
            "every S3 bucket of the account through AmazonS3ReadOnlyAccess, including buckets that hold Terraform " +
            "states, logs and other teams' files; grant what notebooks need instead. " +
            "Example: -var 'notebook_s3_read_buckets=[\"acme-datasets\"]' with notebook_s3_read_all = false.",
        },
      ],
    }),

    variable("cluster_endpoint_public_access_cidrs", {
      type: "list(string)",
      default: SECURITY_VARIABLES.cluster_endpoint_public_access_cidrs,
      description:
        "IPv4 CIDR blocks that may reach the EKS API's public endpoint (terraform, kubectl and the lifecycle scripts " +
        'run from them; nodes use the private endpoint). Default ["0.0.0.0/0"], the blueprint\'s, with a warning: ' +
        `narrow it, for example ["203.0.113.0/24"]; at most ${EKS_PUBLIC_ACCESS_CIDRS_MAX} blocks.`,
      validation: (self) => {
        const cidrs = self.listValue;
        return [
          {
            condition: orElse(Op.gt(Fn.lengthOf(cidrs), ZERO), false),
            errorMessage:
              "cluster_endpoint_public_access_cidrs must list at least one CIDR block: EKS reads an empty list as " +
              "0.0.0.0/0, the whole internet. List the networks that run terraform, kubectl and the lifecycle " +
              "scripts. Example: -var 'cluster_endpoint_public_access_cidrs=[\"203.0.113.0/24\"]'.",
          },
          {
            condition: orElse(
              everyItem(cidrs, "c", (c) => Op.and(isIpv4Cidr(c), isCanonical(c))),
              false,
            ),
            errorMessage:
              "cluster_endpoint_public_access_cidrs must hold IPv4 CIDR blocks in network " +
              "form, a.b.c.d/n with no host " +
              "bits set (a single address is a.b.c.d/32); EKS adds no IPv6 block to an IPv4 cluster. " +
              'Example: ["203.0.113.0/24", "198.51.100.7/32"].',
          },
          {
            condition: orElse(Op.lte(Fn.lengthOf(cidrs), EKS_PUBLIC_ACCESS_CIDRS_MAX), false),
            errorMessage:
              `cluster_endpoint_public_access_cidrs can list at most ${EKS_PUBLIC_ACCESS_CIDRS_MAX} blocks; it lists ` +
              `${Fn.try([Fn.lengthOf(cidrs), "?"])}. That is the Amazon EKS quota "Public ` +
              `endpoint access CIDR ranges per cluster", ` +
              'which cannot be raised: merge neighbouring blocks. Example: ["203.0.113.0/24"].',
          },
        ];
      },
      checks: (self) => [
        {
          name: "cluster_endpoint_public_access_cidrs_open",
          condition: orElse(Op.not(Fn.contains(self.listValue, "0.0.0.0/0")), true),
          message:
            "cluster_endpoint_public_access_cidrs includes 0.0.0.0/0: the EKS API's public " +
            "endpoint accepts connections " +
            "from the whole internet (the blueprint's setting, kept as the default so that " +
            "adopting a deployment changes " +
            "nothing). Every request still needs valid AWS credentials mapped in the " +
            "cluster, but the endpoint is open to " +
            "scans and to any stolen credential. List the networks that run terraform, kubectl and the lifecycle " +
            "scripts; the nodes use the private endpoint. Example: -var " +
            "'cluster_endpoint_public_access_cidrs=[\"203.0.113.0/24\"]'.",
        },
      ],
    }),
  ] as const;
}

function allowedVersions(platform: PlatformSet): string[] {
  const allowed = allowedKubernetesVersions(platform).map((x) => x.version);
  if (allowed.length === 0) {
    throw new Error(`platform set "${platform.name}" allows no EKS version: check versions.ts`);
  }
  return allowed;
}

/** A variable's Terraform name. */
export type VariableName = ReturnType<typeof variableSpecs>[number]["name"];

/** snake_case to camelCase: `eks_cluster_version` -> `eksClusterVersion`. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The declared variables under the camelCase of their Terraform names (`vars.eksClusterVersion`). */
export type BlueprintVariables = { [N in VariableName as CamelCase<N>]: TerraformVariable };

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Declares every input variable directly under `stack`, so each Terraform name is exactly
 * the blueprint's (`var.name`, `var.vpc_cidr`, ...). The rules are added once all variables
 * exist, because some read another variable (the auth mode).
 */
export function declareVariables(stack: TerraformStack, platform: PlatformSet): BlueprintVariables {
  const specs = variableSpecs(platform);
  const declared = new Map<string, TerraformVariable>();
  for (const spec of specs) {
    declared.set(
      spec.name,
      new TerraformVariable(stack, spec.name, {
        type: spec.type,
        default: spec.default,
        description: spec.description,
        ...("sensitive" in spec ? { sensitive: spec.sensitive } : {}),
      }),
    );
  }
  const read = readerOf(stack);
  for (const spec of specs) {
    const self = read(spec.name);
    for (const rule of spec.validation(self, read)) self.addValidation(rule);
  }
  return Object.fromEntries([...declared].map(([name, v]) => [camelCase(name), v])) as BlueprintVariables;
}

/** The variables declared under `stack` by declareVariables, by Terraform name. */
function readerOf(stack: TerraformStack): ReadVariable {
  return (name) => {
    const found = stack.node.tryFindChild(name);
    if (!(found instanceof TerraformVariable)) {
      throw new Error(`variable "${name}" is not declared in stack ${stack.node.id}: call declareVariables first`);
    }
    return found;
  };
}

/**
 * `check` blocks on the chosen Kubernetes version: warnings at plan time (never errors) when it
 * is in EKS extended support on the day of the plan (`plantimestamp()`, so the warning comes
 * on time even when the facts are old), and in the blueprint set when its Karpenter does not
 * support it.
 */
export function addClusterVersionChecks(stack: TerraformStack, platform: PlatformSet): void {
  const version = readerOf(stack)("eks_cluster_version").stringValue;
  const versions = EKS_KUBERNETES_VERSIONS;
  const standardEnd = lookupOr(
    versions.map((x) => [x.version, x.standardSupportEnd]),
    version,
    "",
  );
  const extendedEnd = lookupOr(
    versions.map((x) => [x.version, x.extendedSupportEnd]),
    version,
    "",
  );
  const { standard, extended } = EKS_PRICE_PER_CLUSTER_HOUR;
  const extraPerMonth = Math.round((extended - standard) * 730);
  const asserts = [
    {
      condition: orElse(
        Op.lte(
          Fn.timecmp(Token.asString(Fn.plantimestamp()), Token.asString(Fn.format("%sT23:59:59Z", [standardEnd]))),
          ZERO,
        ),
        true,
      ),
      error_message:
        `Kubernetes ${version} left EKS standard support on ${standardEnd}: the cluster is in extended ` +
        `support, which costs $${extended.toFixed(2)} instead of $${standard.toFixed(2)} ` +
        `per cluster-hour (about $${extraPerMonth} ` +
        `more a month), and ends on ${extendedEnd}, after which EKS upgrades the control plane by itself. ` +
        `Plan an upgrade: docs/versions.md (source: ${EKS_KUBERNETES_VERSIONS_SOURCE.ref}).`,
    },
  ];
  if (!platform.kubernetes.requireKarpenterSupport) {
    const supported = minorVersionsIn(platform.karpenter.kubernetes);
    asserts.push({
      condition: onlyIf(matches(CLUSTER_VERSION_PATTERN, version), Fn.contains(supported, version)),
      error_message:
        `Karpenter ${platform.karpenter.version} of the "${platform.name}" platform set supports Kubernetes ` +
        `${platform.karpenter.kubernetes.min} to ${platform.karpenter.kubernetes.max}, not ${version} ` +
        `(${platform.karpenter.ref}): NodePools may stop launching nodes. Move to the ` +
        `"current" platform set: docs/versions.md.`,
    });
  }
  stack.addOverride("check.eks_cluster_version_support", { assert: asserts });
}

/**
 * The `check` blocks that warn about discouraged but working values (docs/variables.md), each
 * declared beside its variable in variableSpecs. The variables must be declared already.
 */
export function addValueChecks(stack: TerraformStack, platform: PlatformSet): void {
  const read = readerOf(stack);
  for (const spec of variableSpecs(platform)) {
    for (const check of spec.checks?.(read(spec.name), read) ?? []) {
      stack.addOverride(`check.${check.name}`, {
        assert: [{ condition: check.condition, error_message: check.message }],
      });
    }
  }
}

/** Every `check` block on the variables: the EKS version's support and the value warnings. */
export function addVariableChecks(stack: TerraformStack, platform: PlatformSet): void {
  addClusterVersionChecks(stack, platform);
  addValueChecks(stack, platform);
}
