/**
 * variables.ts, synthesized: the variable blocks (names, types, defaults, sensitivity, rules),
 * the check blocks and the expressions they hold.
 */

import { TerraformStack, Testing } from "cdktf";
import {
  AUTH_MECHANISMS,
  addVariableChecks,
  type BlueprintVariables,
  COGNITO_MFA_MODES,
  declareVariables,
  EKS_PUBLIC_ACCESS_CIDRS_MAX,
  FIRST_SECONDARY_CIDR_MAX_PREFIX,
  FIRST_SECONDARY_SUBNET,
  FIRST_SECONDARY_SUBNET_ADDRESSES,
  LOAD_BALANCER_SCHEMES,
  NAME_MAX_LENGTH,
  REQUIRED_TERRAFORM_VERSION,
  SECURITY_VARIABLES,
} from "../variables";
import { PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";
import { CHECK_READS, CHECKS, readsOf, synthVariables } from "./helpers/variables";

// What the variable and check blocks look like once synthesized; variables-rules-*.test.ts run them.

// The blueprint's thirteen variables (name, type, default, sensitive) plus our additions.
const EXPECTED: Record<string, { type: string; default: unknown; sensitive: boolean; key: keyof BlueprintVariables }> =
  {
    name: { type: "string", default: "jupyterhub-on-eks", sensitive: false, key: "name" },
    region: { type: "string", default: "us-west-2", sensitive: false, key: "region" },
    // 1.30 cannot be created any more: the blueprint set defaults to 1.32 (docs/versions.md).
    eks_cluster_version: { type: "string", default: "1.32", sensitive: false, key: "eksClusterVersion" },
    vpc_cidr: { type: "string", default: "10.1.0.0/21", sensitive: false, key: "vpcCidr" },
    secondary_cidr_blocks: {
      type: "list(string)",
      default: ["100.64.0.0/16"],
      sensitive: false,
      key: "secondaryCidrBlocks",
    },
    jupyter_hub_auth_mechanism: { type: "string", default: "dummy", sensitive: false, key: "jupyterHubAuthMechanism" },
    cognito_custom_domain: { type: "string", default: "eks", sensitive: false, key: "cognitoCustomDomain" },
    acm_certificate_domain: { type: "string", default: "", sensitive: false, key: "acmCertificateDomain" },
    jupyterhub_domain: { type: "string", default: "", sensitive: false, key: "jupyterhubDomain" },
    oauth_domain: { type: "string", default: "", sensitive: false, key: "oauthDomain" },
    oauth_jupyter_client_id: { type: "string", default: "", sensitive: false, key: "oauthJupyterClientId" },
    oauth_jupyter_client_secret: { type: "string", default: "", sensitive: true, key: "oauthJupyterClientSecret" },
    oauth_username_key: { type: "string", default: "", sensitive: false, key: "oauthUsernameKey" },
    jupyterhub_load_balancer_scheme: {
      type: "string",
      default: "internal",
      sensitive: false,
      key: "jupyterhubLoadBalancerScheme",
    },
    // Issue 11, secure by default: closed unless opened, but for the EKS API (adoption keeps it, with a warning).
    cognito_allow_self_signup: { type: "bool", default: false, sensitive: false, key: "cognitoAllowSelfSignup" },
    cognito_mfa: { type: "string", default: "OPTIONAL", sensitive: false, key: "cognitoMfa" },
    notebook_s3_read_buckets: { type: "list(string)", default: [], sensitive: false, key: "notebookS3ReadBuckets" },
    cognito_department_bucket: { type: "string", default: "", sensitive: false, key: "cognitoDepartmentBucket" },
    notebook_s3_read_all: { type: "bool", default: false, sensitive: false, key: "notebookS3ReadAll" },
    cluster_endpoint_public_access_cidrs: {
      type: "list(string)",
      default: ["0.0.0.0/0"],
      sensitive: false,
      key: "clusterEndpointPublicAccessCidrs",
    },
  };

describe("declareVariables: synthesized variable blocks", () => {
  const { vars, variables, json } = synthVariables();

  it(
    "declares exactly the blueprint's thirteen variables plus " +
      "jupyterhub_load_balancer_scheme and the six security settings",
    () => {
      expect(Object.keys(variables).sort()).toEqual(Object.keys(EXPECTED).sort());
      // Nothing but the variables and their value checks.
      expect(Object.keys(json).sort()).toEqual(["check", "variable"]);
    },
  );

  it.each(Object.entries(EXPECTED))("%s keeps its type, default and sensitivity", (name, expected) => {
    const v = variables[name];
    expect(v.type).toBe(expected.type);
    expect(v.default).toEqual(expected.default);
    expect(v.sensitive === true).toBe(expected.sensitive);
    expect(v.nullable).toBeUndefined();
  });

  it("returns each variable under its camelCase key, addressed by its exact Terraform name", () => {
    expect(Object.keys(vars).sort()).toEqual(
      Object.values(EXPECTED)
        .map((e) => e.key)
        .sort(),
    );
    for (const [name, expected] of Object.entries(EXPECTED)) {
      expect(vars[expected.key].friendlyUniqueId).toBe(name);
    }
  });

  it("gives every variable a description of its own", () => {
    const descriptions = Object.values(variables).map((v) => v.description ?? "");
    for (const d of descriptions) expect(d.length).toBeGreaterThan(40);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    expect(variables.jupyter_hub_auth_mechanism.description).toContain('"dummy"');
    expect(variables.jupyter_hub_auth_mechanism.description).toContain('"cognito"');
    expect(variables.jupyter_hub_auth_mechanism.description).toContain('"oauth"');
    expect(variables.name.description).toContain(`at most ${NAME_MAX_LENGTH} characters`);
  });

  it("validates every variable, with ${...} conditions and messages that start with the variable's name", () => {
    for (const [name, v] of Object.entries(variables)) {
      expect(v.validation?.length, name).toBeGreaterThan(0);
      for (const rule of v.validation ?? []) {
        expect(rule.condition.startsWith("${") && rule.condition.endsWith("}"), rule.condition).toBe(true);
        expect(rule.condition).toContain(`var.${name}`);
        expect(
          rule.error_message.startsWith(`${name} `) || rule.error_message.startsWith(`${name}:`),
          rule.error_message,
        ).toBe(true);
        expect(rule.error_message).toMatch(/Example|e\.g\./);
      }
    }
  });

  it("makes every rule read only its own variable and the auth mode", () => {
    for (const [name, v] of Object.entries(variables)) {
      for (const rule of v.validation ?? []) {
        const read = new Set(
          [...(rule.condition + rule.error_message).matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]),
        );
        read.delete(name);
        read.delete("jupyter_hub_auth_mechanism");
        expect([...read], `${name}: ${rule.condition}`).toEqual([]);
      }
    }
  });

  it("never shows the client secret's value in its error message", () => {
    for (const rule of variables.oauth_jupyter_client_secret.validation ?? []) {
      expect(rule.error_message).not.toContain("var.oauth_jupyter_client_secret");
    }
  });

  it("exports the allowed values and the Terraform version the rules need", () => {
    expect(AUTH_MECHANISMS).toEqual(["dummy", "cognito", "oauth"]);
    expect(LOAD_BALANCER_SCHEMES).toEqual(["internal", "internet-facing"]);
    expect(COGNITO_MFA_MODES).toEqual(["OFF", "OPTIONAL", "ON"]);
    expect(EKS_PUBLIC_ACCESS_CIDRS_MAX).toBe(40);
    expect(Object.fromEntries(Object.keys(SECURITY_VARIABLES).map((k) => [k, EXPECTED[k].default]))).toEqual(
      SECURITY_VARIABLES,
    );
    expect(REQUIRED_TERRAFORM_VERSION).toBe(">= 1.9.0");
    // 38 (IAM role name prefix limit) - 16 (length of "-ebs-csi-driver-").
    expect(NAME_MAX_LENGTH).toBe(38 - "-ebs-csi-driver-".length);
    expect(NAME_MAX_LENGTH).toBe(22);
  });
});

// The value checks: warnings at plan time, for values that work but are discouraged.
const EXPECTED_CHECKS = [
  "cluster_endpoint_public_access_cidrs_open",
  "cognito_allow_self_signup_public",
  "jupyterhub_domain_certificate",
  "notebook_s3_read_all",
  "oauth_domain_plain_http",
  "secondary_cidr_blocks_public_range",
  "secondary_cidr_blocks_quota",
  "vpc_cidr_public_range",
];

describe("addValueChecks: synthesized check blocks", () => {
  it("adds exactly the expected checks, each one assertion that reads only variables", () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...EXPECTED_CHECKS].sort());
    for (const [name, check] of Object.entries(CHECKS)) {
      expect(check.assert.length, name).toBe(1);
      const [{ condition, error_message: message }] = check.assert;
      expect(condition.startsWith("${") && condition.endsWith("}"), condition).toBe(true);
      // Nothing but variables: no resource, data source or local, so the check changes no plan.
      expect(condition + message).not.toMatch(/\b(local|data|module|resource|each|count)\./);
      for (const v of readsOf(condition + message))
        expect(Object.keys(EXPECTED), `${name} reads var.${v}`).toContain(v);
      expect(
        CHECK_READS[name].some((v) => message.startsWith(`${v} `) || message.startsWith(`${v}:`)),
        message,
      ).toBe(true);
      expect(message).toMatch(/Example|e\.g\./);
    }
  });

  it("are added to the stack beside the EKS version check", () => {
    const json = synthStack({ platform: PLATFORM_SETS.blueprint });
    expect(Object.keys(json.check ?? {}).sort()).toEqual(["eks_cluster_version_support", ...EXPECTED_CHECKS].sort());
  });
});

describe("the smallest first secondary block", () => {
  const stack = synthStack({ platform: PLATFORM_SETS.blueprint });
  const need = FIRST_SECONDARY_SUBNET;

  it("counts what the stack puts into the two halves of the first block", () => {
    // Two zones: the block is halved, one subnet per zone.
    expect(stack.locals.azs).toBe("${slice(data.aws_availability_zones.available.names, 0, 2)}");
    expect(need.availabilityZones).toBe(2);
    expect(stack.locals.secondary_ip_range_private_subnets).toBe(
      "${[for k, v in local.azs : cidrsubnet(element(var.secondary_cidr_blocks, 0), 1, k)]}",
    );
    // The control plane and the core node group use exactly those ("100.") subnets.
    const core = stack.module.eks.eks_managed_node_groups.core_node_group;
    expect(stack.module.eks.subnet_ids).toContain('substr(cidr_block, 0, 4) == "100."');
    expect(core.subnet_ids).toBe(stack.module.eks.subnet_ids);
    expect(core.max_size).toBe(need.coreNodeGroupMaxSize);
    expect(core.instance_types).toEqual([need.coreNodeInstanceType]);
    // One EFS mount target in each half (private subnets 2 and 3 are the secondary-range ones).
    const mountTargets = Object.values(stack.resource.aws_efs_mount_target).map((m) => m.subnet_id);
    expect(mountTargets.sort()).toEqual(["${module.vpc.private_subnets[2]}", "${module.vpc.private_subnets[3]}"]);
    expect(need.efsMountTargets).toBe(mountTargets.length / need.availabilityZones);
  });

  it("is /23: each /24 half holds the 253 addresses, a /25 half not even with two interfaces per node", () => {
    const nodesPerHalf = need.coreNodeGroupMaxSize / need.availabilityZones;
    const fixed = need.reservedByAws + need.eksControlPlane + need.efsMountTargets + need.loadBalancerInterfaces;
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBe(
      fixed + nodesPerHalf * need.networkInterfacesPerCoreNode * need.ipv4AddressesPerInterface,
    );
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBe(5 + 6 + 1 + 1 + 4 * 4 * 15);
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBeLessThanOrEqual(2 ** (32 - (FIRST_SECONDARY_CIDR_MAX_PREFIX + 1)));
    expect(FIRST_SECONDARY_CIDR_MAX_PREFIX).toBe(23);
    // A /24 block: /25 halves of 128 addresses cannot hold four nodes even with the two
    // interfaces (2 x 15 addresses) the VPC CNI attaches as soon as a node runs a pod.
    expect(fixed + nodesPerHalf * 2 * need.ipv4AddressesPerInterface).toBeGreaterThan(2 ** (32 - 25));
  });
});

describe("the synthesized expressions", () => {
  it("hold no `undefined`: cdktf writes a falsy Op.* operand so (expressions.ts literal)", () => {
    // blueprint has the Karpenter check of eks_cluster_version_support, current does not.
    for (const platform of [PLATFORM_SETS.blueprint, PLATFORM_SETS.current]) {
      const app = Testing.app();
      const stack = new TerraformStack(app, `expressions-${platform.name}`);
      declareVariables(stack, platform);
      addVariableChecks(stack, platform);
      const text = Testing.synth(stack);
      expect(text, platform.name).not.toMatch(/\bundefined\b/);
      expect(text, platform.name).not.toContain("[object Object]");
    }
  });
});
