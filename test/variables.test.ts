import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { PLATFORM_SETS } from "../versions";
import {
  AUTH_MECHANISMS,
  AuthMechanism,
  COGNITO_MFA_MODES,
  EKS_PUBLIC_ACCESS_CIDRS_MAX,
  SECURITY_VARIABLES,
  BlueprintVariables,
  FIRST_SECONDARY_CIDR_MAX_PREFIX,
  FIRST_SECONDARY_SUBNET,
  FIRST_SECONDARY_SUBNET_ADDRESSES,
  LOAD_BALANCER_SCHEMES,
  NAME_MAX_LENGTH,
  REQUIRED_TERRAFORM_VERSION,
  addValueChecks,
  declareVariables,
} from "../variables";
import {
  TERRAFORM_INSTALL_HINT,
  TerraformDiagnostic,
  locateTerraform,
  makeTerraformDir,
  parseDiagnostics,
  removeTerraformDir,
  runTerraform,
  terraformEnv,
  terraformVersion,
} from "./helpers/terraform";
import { synthStack } from "./helpers/synth";

interface SynthVariable {
  type: string;
  default: unknown;
  description?: string;
  sensitive?: boolean;
  nullable?: boolean;
  validation?: { condition: string; error_message: string }[];
}

function synth(): { vars: BlueprintVariables; variables: Record<string, SynthVariable>; json: Record<string, unknown> } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "variables-under-test");
  // The blueprint set: its defaults are the blueprint's (but eks_cluster_version, see platforms.test.ts).
  const vars = declareVariables(stack, PLATFORM_SETS.blueprint);
  const json = JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
  return { vars, variables: json.variable as Record<string, SynthVariable>, json };
}

interface SynthCheck {
  assert: { condition: string; error_message: string }[];
}

/** The value checks (warnings), as synthesized. The EKS version's check is tested in platforms.test.ts. */
function synthChecks(): Record<string, SynthCheck> {
  const app = Testing.app();
  const stack = new TerraformStack(app, "checks-under-test");
  addValueChecks(stack);
  return (JSON.parse(Testing.synth(stack)) as { check?: Record<string, SynthCheck> }).check ?? {};
}

/** The variables an expression reads. */
function readsOf(hcl: string): Set<string> {
  return new Set([...hcl.matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]));
}

const CHECKS = synthChecks();
/** For each check: the variables it reads, but the auth mode. */
const CHECK_READS: Record<string, string[]> = Object.fromEntries(
  Object.entries(CHECKS).map(([name, c]) => {
    const read = new Set(c.assert.flatMap((a) => [...readsOf(a.condition + a.error_message)]));
    read.delete("jupyter_hub_auth_mechanism");
    return [name, [...read].sort()];
  }),
);

// The blueprint's thirteen variables (name, type, default, sensitive) plus our additions.
const EXPECTED: Record<string, { type: string; default: unknown; sensitive: boolean; key: keyof BlueprintVariables }> = {
  name: { type: "string", default: "jupyterhub-on-eks", sensitive: false, key: "name" },
  region: { type: "string", default: "us-west-2", sensitive: false, key: "region" },
  // 1.30 cannot be created any more: the blueprint set defaults to 1.32 (docs/versions.md).
  eks_cluster_version: { type: "string", default: "1.32", sensitive: false, key: "eksClusterVersion" },
  vpc_cidr: { type: "string", default: "10.1.0.0/21", sensitive: false, key: "vpcCidr" },
  secondary_cidr_blocks: { type: "list(string)", default: ["100.64.0.0/16"], sensitive: false, key: "secondaryCidrBlocks" },
  jupyter_hub_auth_mechanism: { type: "string", default: "dummy", sensitive: false, key: "jupyterHubAuthMechanism" },
  cognito_custom_domain: { type: "string", default: "eks", sensitive: false, key: "cognitoCustomDomain" },
  acm_certificate_domain: { type: "string", default: "", sensitive: false, key: "acmCertificateDomain" },
  jupyterhub_domain: { type: "string", default: "", sensitive: false, key: "jupyterhubDomain" },
  oauth_domain: { type: "string", default: "", sensitive: false, key: "oauthDomain" },
  oauth_jupyter_client_id: { type: "string", default: "", sensitive: false, key: "oauthJupyterClientId" },
  oauth_jupyter_client_secret: { type: "string", default: "", sensitive: true, key: "oauthJupyterClientSecret" },
  oauth_username_key: { type: "string", default: "", sensitive: false, key: "oauthUsernameKey" },
  jupyterhub_load_balancer_scheme: { type: "string", default: "internal", sensitive: false, key: "jupyterhubLoadBalancerScheme" },
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
  const { vars, variables, json } = synth();

  it("declares exactly the blueprint's thirteen variables plus jupyterhub_load_balancer_scheme and the six security settings", () => {
    expect(Object.keys(variables).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(json)).toEqual(["variable"]);
  });

  it.each(Object.entries(EXPECTED))("%s keeps its type, default and sensitivity", (name, expected) => {
    const v = variables[name];
    expect(v.type).toBe(expected.type);
    expect(v.default).toEqual(expected.default);
    expect(v.sensitive === true).toBe(expected.sensitive);
    expect(v.nullable).toBeUndefined();
  });

  it("returns each variable under its camelCase key, addressed by its exact Terraform name", () => {
    expect(Object.keys(vars).sort()).toEqual(Object.values(EXPECTED).map((e) => e.key).sort());
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
        expect(rule.error_message.startsWith(`${name} `) || rule.error_message.startsWith(`${name}:`), rule.error_message).toBe(
          true,
        );
        expect(rule.error_message).toMatch(/Example|e\.g\./);
      }
    }
  });

  it("makes every rule read only its own variable and the auth mode", () => {
    for (const [name, v] of Object.entries(variables)) {
      for (const rule of v.validation ?? []) {
        const read = new Set([...(rule.condition + rule.error_message).matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]));
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
    expect(Object.fromEntries(Object.keys(SECURITY_VARIABLES).map((k) => [k, EXPECTED[k].default]))).toEqual(SECURITY_VARIABLES);
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
      for (const v of readsOf(condition + message)) expect(Object.keys(EXPECTED), `${name} reads var.${v}`).toContain(v);
      expect(CHECK_READS[name].some((v) => message.startsWith(`${v} `) || message.startsWith(`${v}:`)), message).toBe(true);
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
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBe(fixed + nodesPerHalf * need.networkInterfacesPerCoreNode * need.ipv4AddressesPerInterface);
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBe(5 + 6 + 1 + 1 + 4 * 4 * 15);
    expect(FIRST_SECONDARY_SUBNET_ADDRESSES).toBeLessThanOrEqual(2 ** (32 - (FIRST_SECONDARY_CIDR_MAX_PREFIX + 1)));
    expect(FIRST_SECONDARY_CIDR_MAX_PREFIX).toBe(23);
    // A /24 block: /25 halves of 128 addresses cannot hold four nodes even with the two
    // interfaces (2 x 15 addresses) the VPC CNI attaches as soon as a node runs a pod.
    expect(fixed + nodesPerHalf * 2 * need.ipv4AddressesPerInterface).toBeGreaterThan(2 ** (32 - 25));
  });
});

// ---------------------------------------------------------------------------------------
// The rules, run by the real terraform binary: `terraform plan` on a directory that holds
// only the synthesized variable blocks needs no provider, no module and no network.
// ---------------------------------------------------------------------------------------

type Vars = Record<string, string | string[]>;

interface PlanOutcome {
  code: number;
  stdout: string;
  stderr: string;
  errors: TerraformDiagnostic[];
  warnings: TerraformDiagnostic[];
}

let dir = "";

beforeAll(() => {
  const { variables } = synth();
  const config = {
    terraform: { required_version: REQUIRED_TERRAFORM_VERSION },
    variable: variables,
    ...(Object.keys(CHECKS).length > 0 ? { check: CHECKS } : {}),
  };
  // Pretty-printed, so the source line terraform quotes is just `"<variable>": {`.
  dir = makeTerraformDir({ "main.tf.json": JSON.stringify(config, null, 2) + "\n" });
});

afterAll(() => {
  if (dir) removeTerraformDir(dir);
});

function varArgs(vars: Vars): string[] {
  return Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${Array.isArray(v) ? JSON.stringify(v) : v}`]);
}

async function plan(vars: Vars, options: { json?: boolean; env?: Record<string, string> } = {}): Promise<PlanOutcome> {
  const json = options.json ?? true;
  const args = ["plan", "-input=false", "-lock=false", "-refresh=false", ...(json ? ["-json"] : ["-no-color"]), ...varArgs(vars)];
  const result = await runTerraform(args, { cwd: dir, env: options.env });
  const diagnostics = json ? parseDiagnostics(result.stdout) : [];
  const errors = diagnostics.filter((d) => d.severity === "error");
  const warnings = diagnostics.filter((d) => d.severity === "warning");
  return { ...result, errors, warnings };
}

/** The check a warning comes from: "oauth_domain_plain_http" for `check.oauth_domain_plain_http.assert[0]`. */
function checkOf(d: TerraformDiagnostic): string {
  return /^check\.([A-Za-z0-9_-]+)\./.exec(d.snippetContext ?? "")?.[1] ?? "?";
}

/** The variable a diagnostic points at, read from the quoted source line `"<name>": {`. */
function variableOf(d: TerraformDiagnostic): string {
  const code = d.snippetCode ?? "";
  // `"vpc_cidr": {` in main.tf.json, or `vpc_cidr = "..."` when the value came from a .tfvars file.
  return /^\s*"([^"]+)":/.exec(code)?.[1] ?? /^\s*([A-Za-z0-9_]+)\s*=/.exec(code)?.[1] ?? "?";
}

interface CaseOutcome {
  /** The errors that belong to this case. */
  errors: TerraformDiagnostic[];
  /** The warnings that belong to this case. */
  warnings: TerraformDiagnostic[];
  /** Exit code and error count of the plan that ran this case (possibly with others). */
  planCode: number;
  planErrorCount: number;
  stderr: string;
}

function expectAccepted(outcome: CaseOutcome): void {
  expect(outcome.errors.map((e) => `${variableOf(e)}: ${e.detail}`)).toEqual([]);
  if (outcome.planErrorCount === 0) expect(outcome.planCode, outcome.stderr).toBe(0);
}

/** Each expected [check, fragment] matches one warning, and there are no other warnings. */
function expectWarnings(outcome: CaseOutcome, expected: [check: string, fragment: string][]): void {
  const got = outcome.warnings.map((w) => ({ check: checkOf(w), summary: w.summary, detail: w.detail }));
  for (const w of got) {
    expect(w.summary, w.detail).toBe("Check block assertion failed");
    // Like the validation messages, a warning starts with the variable it is about.
    expect(CHECK_READS[w.check]?.some((v) => w.detail.startsWith(`${v} `) || w.detail.startsWith(`${v}:`)), w.detail).toBe(true);
  }
  expect(got.length, JSON.stringify(got, null, 2)).toBe(expected.length);
  for (const [check, fragment] of expected) {
    expect(
      got.some((w) => w.check === check && w.detail.includes(fragment)),
      `expected a warning from check.${check} containing ${JSON.stringify(fragment)}, got ${JSON.stringify(got, null, 2)}`,
    ).toBe(true);
  }
}

/** Each expected [variable, fragment] matches one error, and there are no other errors. */
function expectRejected(outcome: CaseOutcome, expected: [variable: string, fragment: string][]): void {
  expect(outcome.planCode).toBe(1);
  const got = outcome.errors.map((e) => ({ variable: variableOf(e), detail: e.detail }));
  for (const e of got) {
    expect(e.detail.startsWith(`${e.variable} `) || e.detail.startsWith(`${e.variable}:`), e.detail).toBe(true);
  }
  expect(got.length, JSON.stringify(got, null, 2)).toBe(expected.length);
  for (const [variable, fragment] of expected) {
    expect(
      got.some((e) => e.variable === variable && e.detail.includes(fragment)),
      `expected an error on ${variable} containing ${JSON.stringify(fragment)}, got ${JSON.stringify(got, null, 2)}`,
    ).toBe(true);
  }
}

/**
 * The default cluster_endpoint_public_access_cidrs (0.0.0.0/0) warns in every plan; the cases
 * start from a narrowed list so that a warning belongs to the case that causes it. The case
 * "the defaults, untouched" plans the true defaults.
 */
const NARROW_API: Vars = { cluster_endpoint_public_access_cidrs: ["203.0.113.0/24"] };
const COGNITO: Vars = {
  ...NARROW_API,
  jupyter_hub_auth_mechanism: "cognito",
  cognito_custom_domain: "acme-jupyterhub",
  acm_certificate_domain: "*.example.com",
  jupyterhub_domain: "hub.example.com",
};
const OAUTH: Vars = {
  ...NARROW_API,
  jupyter_hub_auth_mechanism: "oauth",
  acm_certificate_domain: "*.example.com",
  jupyterhub_domain: "hub.example.com",
  oauth_domain: "https://keycloak.example.com/realms/master/protocol/openid-connect",
  oauth_jupyter_client_id: "jupyterhub",
  oauth_jupyter_client_secret: "not-a-real-secret",
  oauth_username_key: "preferred_username",
};

const BASES: Record<AuthMechanism, Vars> = { dummy: NARROW_API, cognito: COGNITO, oauth: OAUTH };

/** `n` non-overlapping secondary blocks: 100.64.0.0/16, then /24s of 100.65.0.0/16. */
function secondaryBlocks(n: number): string[] {
  return ["100.64.0.0/16", ...Array.from({ length: n - 1 }, (_, i) => `100.65.${i}.0/24`)];
}

interface Case {
  /** The complete configuration of this auth mode lies underneath `vars` (default: dummy, all defaults). */
  mode?: "cognito" | "oauth";
  /** The values under test. */
  vars: Vars;
  /** Omitted: the value must be accepted. */
  errors?: [variable: string, fragment: string][];
  /** The `check` blocks that must warn, by name (omitted: none may warn). */
  warnings?: [check: string, fragment: string][];
}

const CASES: Record<string, Case> = {
  // --- defaults and complete configurations ------------------------------------------------
  "the defaults (dummy mode; EKS API narrowed, see NARROW_API)": { vars: {} },
  "a complete cognito configuration": { mode: "cognito", vars: {} },
  "a complete oauth configuration, internet-facing": { mode: "oauth", vars: { jupyterhub_load_balancer_scheme: "internet-facing" } },

  // --- 1. jupyter_hub_auth_mechanism ------------------------------------------------------
  "auth mechanism in capitals": {
    vars: { jupyter_hub_auth_mechanism: "Cognito" },
    errors: [["jupyter_hub_auth_mechanism", 'must be one of "dummy"']],
  },
  "unknown auth mechanism": {
    vars: { jupyter_hub_auth_mechanism: "saml" },
    errors: [["jupyter_hub_auth_mechanism", "-var 'jupyter_hub_auth_mechanism=cognito'"]],
  },

  // --- 2. vpc_cidr -------------------------------------------------------------------------
  "vpc_cidr 172.16.0.0/16": { vars: { vpc_cidr: "172.16.0.0/16" } },
  "vpc_cidr 192.168.0.0/23 (smallest)": { vars: { vpc_cidr: "192.168.0.0/23" } },
  "vpc_cidr 10.0.0.0/16 (largest)": { vars: { vpc_cidr: "10.0.0.0/16" } },
  "vpc_cidr without a prefix": { vars: { vpc_cidr: "10.1.0.0" }, errors: [["vpc_cidr", "IPv4 CIDR block written a.b.c.d/n"]] },
  "vpc_cidr with an octet above 255": { vars: { vpc_cidr: "300.1.0.0/16" }, errors: [["vpc_cidr", "each of a-d in 0-255"]] },
  "vpc_cidr in IPv6": { vars: { vpc_cidr: "fd00::/56" }, errors: [["vpc_cidr", "IPv4 CIDR block"]] },
  "vpc_cidr with host bits set": {
    vars: { vpc_cidr: "10.1.3.0/21" },
    errors: [["vpc_cidr", 'network form: the address must be the first address of the block, with no host bits set (no leading zeros either). For this value use "10.1.0.0/21"']],
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
  "vpc_cidr in the shared address space": { vars: { vpc_cidr: "100.64.0.0/16" }, errors: [["vpc_cidr", "must not lie in 100.0.0.0/8"]] },
  "vpc_cidr in 100.0.0.0/8 outside the shared address space": {
    vars: { vpc_cidr: "100.0.0.0/16" },
    errors: [["vpc_cidr", 'the private subnets whose addresses start with "100."']],
  },
  "vpc_cidr in the link-local range": { vars: { vpc_cidr: "169.254.0.0/16" }, errors: [["vpc_cidr", "169.254.0.0/16 (link-local"]] },
  "vpc_cidr in the loopback range": { vars: { vpc_cidr: "127.0.0.0/16" }, errors: [["vpc_cidr", "not usable by hosts"]] },
  "vpc_cidr in the multicast range": { vars: { vpc_cidr: "224.0.0.0/16" }, errors: [["vpc_cidr", "224.0.0.0/4 (multicast)"]] },
  "vpc_cidr in 0.0.0.0/8": { vars: { vpc_cidr: "0.0.0.0/16" }, errors: [["vpc_cidr", "special-purpose"]] },
  "vpc_cidr in the reserved range 240.0.0.0/4": { vars: { vpc_cidr: "250.0.0.0/16" }, errors: [["vpc_cidr", "special-purpose"]] },
  "vpc_cidr /15 (too large for AWS)": { vars: { vpc_cidr: "10.0.0.0/15" }, errors: [["vpc_cidr", "prefix length from /16 to /23"]] },
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
  "a /23 first secondary block (the smallest: two /24 subnets)": { vars: { secondary_cidr_blocks: ["100.127.254.0/23"] } },
  "a /24 first secondary block (two /25 subnets: too small for the core nodes)": {
    vars: { secondary_cidr_blocks: ["100.64.0.0/24"] },
    errors: [["secondary_cidr_blocks", "the first block must be /23 or larger (a prefix length of 23 or less); it is /24"]],
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
  "four secondary blocks (the default quota: five with vpc_cidr)": { vars: { secondary_cidr_blocks: secondaryBlocks(4) } },
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
  "no secondary block": { vars: { secondary_cidr_blocks: [] }, errors: [["secondary_cidr_blocks", "at least one CIDR block"]] },
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
    warnings: [["secondary_cidr_blocks_public_range", "secondary_cidr_blocks has blocks outside the shared address space 100.64.0.0/10 (RFC 6598): 100.128.0.0/16. AWS"]],
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
    errors: [["name", `must be 1 to ${NAME_MAX_LENGTH} characters long; this value has 23. The EBS CSI driver IAM role`]],
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
    errors: [["eks_cluster_version", "EKS publishes AL2 node images, which the Karpenter NodePools of this set use, for 1.23 to 1.32"]],
  },
  "cluster version with a patch number": {
    vars: { eks_cluster_version: "1.32.2" },
    errors: [["eks_cluster_version", "written 1.NN"]],
  },
  "cluster version with a leading v": { vars: { eks_cluster_version: "v1.32" }, errors: [["eks_cluster_version", "not 1.32.2, v1.32"]] },
  "cluster version 1.3": { vars: { eks_cluster_version: "1.3" }, errors: [["eks_cluster_version", "1.NN"]] },

  // --- 6. region -----------------------------------------------------------------------------
  ...Object.fromEntries(
    ["us-west-2", "eu-central-1", "ap-southeast-3", "il-central-1", "me-south-1", "ca-west-1", "mx-central-1", "af-south-1"].map(
      (r): [string, Case] => [`region ${r}`, { vars: { region: r } }],
    ),
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

  // --- 7. cognito_custom_domain ------------------------------------------------------------------
  "cognito prefix acme-jupyterhub": { mode: "cognito", vars: { cognito_custom_domain: "acme-jupyterhub" } },
  "cognito prefix of 63 characters": { mode: "cognito", vars: { cognito_custom_domain: "a".repeat(63) } },
  "cognito prefix of 64 characters": {
    mode: "cognito", vars: { cognito_custom_domain: "a".repeat(64) },
    errors: [["cognito_custom_domain", "1 to 63 lowercase letters"]],
  },
  "cognito prefix starting with a hyphen": {
    mode: "cognito", vars: { cognito_custom_domain: "-acme" },
    errors: [["cognito_custom_domain", "not starting or ending with a hyphen"]],
  },
  "cognito prefix ending with a hyphen": {
    mode: "cognito", vars: { cognito_custom_domain: "acme-" },
    errors: [["cognito_custom_domain", "Cognito domain prefix"]],
  },
  "cognito prefix with capitals and a dot": {
    mode: "cognito", vars: { cognito_custom_domain: "Acme.hub" },
    errors: [["cognito_custom_domain", "lowercase letters, digits and hyphens"]],
  },
  "cognito prefix containing aws": {
    mode: "cognito", vars: { cognito_custom_domain: "myaws-hub" },
    errors: [["cognito_custom_domain", "reserved words aws, amazon or cognito"]],
  },
  "cognito prefix containing amazon": {
    mode: "cognito", vars: { cognito_custom_domain: "amazon-hub" },
    errors: [["cognito_custom_domain", "reserved words"]],
  },
  "cognito prefix containing cognito": {
    mode: "cognito", vars: { cognito_custom_domain: "acme-cognito" },
    errors: [["cognito_custom_domain", "instead of 'acme-cognito'"]],
  },
  "an invalid cognito prefix in dummy mode (unused, not checked)": { vars: { cognito_custom_domain: "Not_Used.aws" } },
  "the blueprint's default prefix eks in cognito mode": {
    mode: "cognito", vars: { cognito_custom_domain: "eks" },
    errors: [["cognito_custom_domain", 'must not be "eks", the blueprint\'s default, in cognito mode']],
  },
  "the default prefix eks in oauth mode (unused, not checked)": { mode: "oauth", vars: { cognito_custom_domain: "eks" } },

  // --- 8. domains --------------------------------------------------------------------------------
  "certificate domain without a wildcard": { mode: "cognito", vars: { acm_certificate_domain: "hub.example.com" } },
  "certificate domain with one label": {
    mode: "cognito", vars: { acm_certificate_domain: "example" },
    errors: [["acm_certificate_domain", "at least two labels"]],
  },
  "certificate domain *.com": { mode: "cognito", vars: { acm_certificate_domain: "*.com" }, errors: [["acm_certificate_domain", "optionally a wildcard"]] },
  "certificate domain with a scheme": {
    mode: "cognito", vars: { acm_certificate_domain: "https://example.com" },
    errors: [["acm_certificate_domain", "no scheme"]],
  },
  "certificate domain with a label starting with a hyphen": {
    mode: "cognito", vars: { acm_certificate_domain: "-bad.example.com" },
    errors: [["acm_certificate_domain", "no hyphen at either end"]],
  },
  "jupyterhub domain with a scheme and a slash": {
    mode: "cognito", vars: { jupyterhub_domain: "https://hub.example.com/" },
    errors: [["jupyterhub_domain", "not https://hub.example.com/"]],
  },
  "jupyterhub domain as a wildcard": {
    mode: "cognito", vars: { jupyterhub_domain: "*.example.com" },
    errors: [["jupyterhub_domain", "plain DNS host name"]],
  },
  "jupyterhub domain with one label": { mode: "oauth", vars: { jupyterhub_domain: "hub" }, errors: [["jupyterhub_domain", "at least two labels"]] },
  "jupyterhub domain with a trailing dot": {
    mode: "oauth", vars: { jupyterhub_domain: "hub.example.com." },
    errors: [["jupyterhub_domain", "trailing dot"]],
  },
  "jupyterhub domain of 253 characters": {
    mode: "cognito",
    vars: {
      jupyterhub_domain: ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join("."),
      acm_certificate_domain: ["*", "b".repeat(63), "c".repeat(63), "d".repeat(61)].join("."),
    },
  },
  "jupyterhub domain of 254 characters": {
    mode: "cognito", vars: { jupyterhub_domain: ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)].join(".") },
    errors: [["jupyterhub_domain", "at most 253 characters"]],
  },
  "jupyterhub domain with a label of 64 characters": {
    mode: "cognito", vars: { jupyterhub_domain: `${"a".repeat(64)}.example.com` },
    errors: [["jupyterhub_domain", "labels of 1 to 63"]],
  },
  "a certificate domain in other letter case": {
    mode: "cognito", vars: { acm_certificate_domain: "*.EXAMPLE.com", jupyterhub_domain: "Hub.example.COM" },
  },
  "a jupyterhub domain two labels under the wildcard": {
    mode: "cognito", vars: { jupyterhub_domain: "a.hub.example.com" },
    warnings: [
      [
        "jupyterhub_domain_certificate",
        'jupyterhub_domain "a.hub.example.com" is not covered by acm_certificate_domain "*.example.com"',
      ],
    ],
  },
  "a jupyterhub domain equal to the wildcard's parent": {
    mode: "oauth", vars: { jupyterhub_domain: "example.com" },
    warnings: [["jupyterhub_domain_certificate", "not a.hub.example.com or example.com"]],
  },
  "a certificate of another domain": {
    mode: "oauth", vars: { acm_certificate_domain: "hub.example.org" },
    warnings: [["jupyterhub_domain_certificate", "subject alternative names"]],
  },
  "invalid domains in dummy mode (unused, not checked)": {
    vars: { acm_certificate_domain: "not a domain", jupyterhub_domain: "https://x/", oauth_domain: "ftp://x/" },
  },
  "oauth domain with a port and no path": { mode: "oauth", vars: { oauth_domain: "https://idp.example.com:8443" } },
  "oauth domain over http (an internal provider)": {
    mode: "oauth", vars: { oauth_domain: "http://keycloak.example.com/realms/master" },
    warnings: [["oauth_domain_plain_http", "oauth_domain http://keycloak.example.com/realms/master is plain http"]],
  },
  "oauth domain with an upper-case scheme": {
    mode: "oauth", vars: { oauth_domain: "HTTPS://idp.example.com/oidc" },
    errors: [["oauth_domain", "must be an https URL"]],
  },
  "oauth domain with a double quote": {
    mode: "oauth", vars: { oauth_domain: 'https://idp.example.com/oidc"x' },
    errors: [["oauth_domain", "no spaces, double quotes, backslashes"]],
  },
  "oauth domain with a backslash": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/oidc\\x" },
    errors: [["oauth_domain", "a quoted YAML string"]],
  },
  "oauth domain as the discovery document": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/realms/x/.well-known/openid-configuration" },
    errors: [["oauth_domain", "not the discovery document"]],
  },
  "oauth domain ending in /auth": {
    mode: "oauth", vars: { oauth_domain: "https://kc.example.com/realms/master/protocol/openid-connect/auth" },
    errors: [["oauth_domain", 'For this value use "https://kc.example.com/realms/master/protocol/openid-connect"']],
  },
  "oauth domain ending in /token": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/oidc/token" },
    errors: [["oauth_domain", "not one of the endpoints"]],
  },
  "oauth domain ending in /userinfo": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/oidc/userinfo" },
    errors: [["oauth_domain", ".../userinfo/userinfo"]],
  },
  "oauth domain of a legacy Keycloak, with /auth inside the path": {
    mode: "oauth", vars: { oauth_domain: "https://kc.example.com/auth/realms/master/protocol/openid-connect" },
  },
  "oauth domain without a scheme": {
    mode: "oauth", vars: { oauth_domain: "keycloak.example.com/realms/master" },
    errors: [["oauth_domain", "https://host[:port][/path]"]],
  },
  "oauth domain with a query string": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/oidc?realm=x" },
    errors: [["oauth_domain", "query string"]],
  },
  "oauth domain with a trailing slash": {
    mode: "oauth", vars: { oauth_domain: "https://idp.example.com/oidc/" },
    errors: [["oauth_domain", "must not end with a slash"]],
  },
  "an oauth domain in cognito mode, which does not use it": {
    mode: "cognito", vars: { oauth_domain: "http://idp.example.com/" },
  },

  // --- 9. what each auth mode requires ---------------------------------------------------------
  "cognito mode with nothing else set": {
    vars: { jupyter_hub_auth_mechanism: "cognito" },
    errors: [
      ["cognito_custom_domain", "-var 'cognito_custom_domain=acme-jupyterhub'"],
      ["acm_certificate_domain", 'acm_certificate_domain is required when jupyter_hub_auth_mechanism is "cognito" or "oauth" (it is "cognito")'],
      ["jupyterhub_domain", "jupyterhub_domain is required when"],
    ],
  },
  "oauth mode with nothing else set": {
    vars: { jupyter_hub_auth_mechanism: "oauth" },
    errors: [
      ["acm_certificate_domain", '(it is "oauth")'],
      ["jupyterhub_domain", "-var 'jupyterhub_domain=hub.example.com'"],
      ["oauth_domain", 'oauth_domain is required when jupyter_hub_auth_mechanism is "oauth"'],
      ["oauth_jupyter_client_id", "oauth_jupyter_client_id is required"],
      ["oauth_jupyter_client_secret", "export TF_VAR_oauth_jupyter_client_secret="],
      ["oauth_username_key", "oauth_username_key is required"],
    ],
  },
  "oauth mode with a blank client id": {
    mode: "oauth", vars: { oauth_jupyter_client_id: "   " },
    errors: [["oauth_jupyter_client_id", "is required"]],
  },
  "oauth mode with a blank client secret": {
    mode: "oauth", vars: { oauth_jupyter_client_secret: " \t  " },
    errors: [["oauth_jupyter_client_secret", "oauth_jupyter_client_secret is required when"]],
  },
  "cognito mode without the oauth settings": { mode: "cognito", vars: { oauth_jupyter_client_id: "", oauth_username_key: "" } },
  "oauth client id with a double quote": {
    mode: "oauth", vars: { oauth_jupyter_client_id: 'jupyter"hub' },
    errors: [["oauth_jupyter_client_id", "must not contain a double quote, a backslash or a line break"]],
  },
  "oauth username key with a backslash": {
    mode: "oauth", vars: { oauth_username_key: "preferred\\username" },
    errors: [["oauth_username_key", "written into the JupyterHub helm values as a quoted YAML string"]],
  },
  "oauth username key with a line break": {
    mode: "oauth", vars: { oauth_username_key: "name\nhub: {}" },
    errors: [["oauth_username_key", "-var 'oauth_username_key=preferred_username'"]],
  },
  "oauth client id and username key in plain text": {
    mode: "oauth", vars: { oauth_jupyter_client_id: "jupyter-hub_01", oauth_username_key: "preferred_username" },
  },

  // --- 10. jupyterhub_load_balancer_scheme ---------------------------------------------------------
  "load balancer scheme internet-facing": { vars: { jupyterhub_load_balancer_scheme: "internet-facing" } },
  "load balancer scheme internal": { vars: { jupyterhub_load_balancer_scheme: "internal" } },
  "load balancer scheme external": {
    vars: { jupyterhub_load_balancer_scheme: "external" },
    errors: [["jupyterhub_load_balancer_scheme", 'must be "internal"']],
  },
  "load balancer scheme in capitals": {
    vars: { jupyterhub_load_balancer_scheme: "Internet-Facing" },
    errors: [["jupyterhub_load_balancer_scheme", "-var 'jupyterhub_load_balancer_scheme=internet-facing'"]],
  },
  // --- 11. security settings (issue 11) ------------------------------------------------------------
  "the default EKS API CIDRs (0.0.0.0/0) warn": {
    vars: { cluster_endpoint_public_access_cidrs: ["0.0.0.0/0"] },
    warnings: [
      [
        "cluster_endpoint_public_access_cidrs_open",
        "cluster_endpoint_public_access_cidrs includes 0.0.0.0/0: the EKS API's public endpoint accepts connections from the whole internet",
      ],
    ],
  },
  "EKS API open to 0.0.0.0/0 among other blocks": {
    vars: { cluster_endpoint_public_access_cidrs: ["203.0.113.0/24", "0.0.0.0/0"] },
    warnings: [["cluster_endpoint_public_access_cidrs_open", "the nodes use the private endpoint"]],
  },
  "EKS API open to two addresses": { vars: { cluster_endpoint_public_access_cidrs: ["198.51.100.7/32", "203.0.113.9/32"] } },
  [`EKS API open to ${EKS_PUBLIC_ACCESS_CIDRS_MAX} blocks`]: {
    vars: { cluster_endpoint_public_access_cidrs: Array.from({ length: EKS_PUBLIC_ACCESS_CIDRS_MAX }, (_, i) => `203.0.113.${i}/32`) },
  },
  [`EKS API open to ${EKS_PUBLIC_ACCESS_CIDRS_MAX + 1} blocks`]: {
    vars: { cluster_endpoint_public_access_cidrs: Array.from({ length: EKS_PUBLIC_ACCESS_CIDRS_MAX + 1 }, (_, i) => `203.0.113.${i}/32`) },
    errors: [["cluster_endpoint_public_access_cidrs", "can list at most 40 blocks; it lists 41. That is the Amazon EKS quota"]],
  },
  "EKS API CIDRs empty (EKS would read 0.0.0.0/0)": {
    vars: { cluster_endpoint_public_access_cidrs: [] },
    errors: [["cluster_endpoint_public_access_cidrs", "must list at least one CIDR block: EKS reads an empty list as 0.0.0.0/0"]],
  },
  "EKS API CIDR as a bare address": {
    vars: { cluster_endpoint_public_access_cidrs: ["203.0.113.7"] },
    errors: [["cluster_endpoint_public_access_cidrs", "a single address is a.b.c.d/32"]],
  },
  "EKS API CIDR with host bits set": {
    vars: { cluster_endpoint_public_access_cidrs: ["203.0.113.7/24"] },
    errors: [["cluster_endpoint_public_access_cidrs", "network form"]],
  },
  "EKS API CIDR in IPv6": {
    vars: { cluster_endpoint_public_access_cidrs: ["::/0"] },
    errors: [["cluster_endpoint_public_access_cidrs", "EKS adds no IPv6 block to an IPv4 cluster"]],
  },
  "cognito self sign-up behind an internal load balancer": { mode: "cognito", vars: { cognito_allow_self_signup: "true" } },
  "cognito self sign-up on the internet": {
    mode: "cognito",
    vars: { cognito_allow_self_signup: "true", jupyterhub_load_balancer_scheme: "internet-facing" },
    warnings: [
      [
        "cognito_allow_self_signup_public",
        "cognito_allow_self_signup is true and jupyterhub_load_balancer_scheme is internet-facing: anyone on the internet can create an account",
      ],
    ],
  },
  "administrators-only sign-up on the internet (the default)": {
    mode: "cognito",
    vars: { cognito_allow_self_signup: "false", jupyterhub_load_balancer_scheme: "internet-facing" },
  },
  "self sign-up on the internet in oauth mode (unused, no warning)": {
    mode: "oauth",
    vars: { cognito_allow_self_signup: "true", jupyterhub_load_balancer_scheme: "internet-facing" },
  },
  ...Object.fromEntries(
    COGNITO_MFA_MODES.map((m): [string, Case] => [`cognito MFA ${m}`, { mode: "cognito", vars: { cognito_mfa: m } }]),
  ),
  "cognito MFA in lower case": {
    mode: "cognito",
    vars: { cognito_mfa: "optional" },
    errors: [["cognito_mfa", 'must be one of "OFF", "OPTIONAL", "ON" (in capitals, as Cognito spells them)']],
  },
  "cognito MFA REQUIRED (the console's word)": {
    mode: "cognito",
    vars: { cognito_mfa: "REQUIRED" },
    errors: [["cognito_mfa", "-var 'cognito_mfa=ON'"]],
  },
  "an invalid MFA setting in dummy mode (unused, not checked)": { vars: { cognito_mfa: "sometimes" } },
  "notebook S3 reads: a bucket and a prefix": {
    vars: { notebook_s3_read_buckets: ["acme-datasets", "acme-shared/team-a/"] },
  },
  "notebook S3 reads: a legacy bucket name with capitals": { vars: { notebook_s3_read_buckets: ["Legacy_Bucket.2017"] } },
  "notebook S3 reads: an s3:// URL": {
    vars: { notebook_s3_read_buckets: ["s3://acme-datasets"] },
    errors: [["notebook_s3_read_buckets", "not an s3:// URL and not an ARN"]],
  },
  "notebook S3 reads: an ARN": {
    vars: { notebook_s3_read_buckets: ["arn:aws:s3:::acme-datasets"] },
    errors: [["notebook_s3_read_buckets", "the stack builds the ARNs"]],
  },
  "notebook S3 reads: a wildcard in the prefix": {
    vars: { notebook_s3_read_buckets: ["acme-shared/team-*"] },
    errors: [["notebook_s3_read_buckets", "without * or ? (IAM would read them as wildcards and widen the grant"]],
  },
  "notebook S3 reads: a two-letter bucket": {
    vars: { notebook_s3_read_buckets: ["ab"] },
    errors: [["notebook_s3_read_buckets", "a bucket name of 3 to 255"]],
  },
  "notebook S3 reads: a leading slash": {
    vars: { notebook_s3_read_buckets: ["/acme-datasets"] },
    errors: [["notebook_s3_read_buckets", "Example: [\"acme-datasets\", \"acme-shared/team-a/\"]"]],
  },
  "department bucket named": { mode: "cognito", vars: { cognito_department_bucket: "acme-departments" } },
  "department bucket as a URL": {
    mode: "cognito",
    vars: { cognito_department_bucket: "s3://acme-departments" },
    errors: [["cognito_department_bucket", "no s3:// and no path"]],
  },
  "department bucket with a prefix": {
    mode: "cognito",
    vars: { cognito_department_bucket: "acme-departments/engineering" },
    errors: [["cognito_department_bucket", "each user reads <department>/ in it"]],
  },
  "department bucket in dummy mode (unused, not checked)": { vars: { cognito_department_bucket: "Not A Bucket" } },
  "account-wide S3 read access restored": {
    vars: { notebook_s3_read_all: "true" },
    warnings: [["notebook_s3_read_all", "notebook_s3_read_all is true: every notebook (and in cognito mode every Cognito user) can list and read every S3 bucket"]],
  },
  "account-wide S3 read access off (the default)": { vars: { notebook_s3_read_all: "false" } },
};

interface Batch {
  mode: AuthMechanism;
  solo: boolean;
  cases: string[];
  vars: Vars;
  /** Every variable a case of this batch claims. */
  claimed: string[];
}

/**
 * The variables a case claims in its batch: those it sets, and every variable a check reads
 * together with one of them (a check on two variables would otherwise mix two cases).
 */
function claimedBy(c: Case): string[] {
  const keys = new Set(Object.keys(c.vars));
  for (const reads of Object.values(CHECK_READS)) {
    if (reads.some((v) => keys.has(v))) for (const v of reads) keys.add(v);
  }
  return [...keys];
}

/**
 * Packs cases into as few plans as possible. Every rule reads only its own variable and
 * jupyter_hub_auth_mechanism (a synth test above checks this), so cases on the same auth
 * mode that set different variables cannot affect each other, and each error belongs to
 * the case that set the variable it names; each warning belongs to the case that set a
 * variable its check reads (`claimedBy`). Cases that set the auth mode, or nothing at all,
 * run on their own.
 */
function batchCases(cases: Record<string, Case>): Batch[] {
  const batches: Batch[] = [];
  for (const [title, c] of Object.entries(cases)) {
    const keys = claimedBy(c);
    const mode = c.mode ?? "dummy";
    const solo = keys.length === 0 || keys.includes("jupyter_hub_auth_mechanism");
    let batch = solo ? undefined : batches.find((b) => !b.solo && b.mode === mode && keys.every((k) => !b.claimed.includes(k)));
    if (!batch) {
      batch = { mode, solo, cases: [], vars: {}, claimed: [] };
      batches.push(batch);
    }
    batch.cases.push(title);
    Object.assign(batch.vars, c.vars);
    batch.claimed.push(...keys);
  }
  return batches;
}

async function runPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

describe("validation rules, run by terraform plan", () => {
  it(`uses a terraform that satisfies ${REQUIRED_TERRAFORM_VERSION}`, async () => {
    const [major, minor] = (await terraformVersion()).split(".").map(Number);
    expect(major > 1 || (major === 1 && minor >= 9)).toBe(true);
  });

  describe("plan -var ...", () => {
    const outcomes = new Map<string, CaseOutcome>();
    beforeAll(async () => {
      const batches = batchCases(CASES);
      // One terraform process per batch (~35 instead of one per case), two at a time.
      await runPool(batches, 2, async (batch) => {
        const result = await plan({ ...BASES[batch.mode], ...batch.vars });
        const owners = new Map<string, string>();
        for (const title of batch.cases) for (const k of claimedBy(CASES[title])) owners.set(k, title);
        const ownsVariable = (title: string, variable: string) => {
          const owner = owners.get(variable);
          // A solo case owns everything; what nobody owns fails every case of the batch.
          return batch.solo || owner === title || owner === undefined;
        };
        for (const title of batch.cases) {
          const errors = result.errors.filter((e) => ownsVariable(title, variableOf(e)));
          const warnings = result.warnings.filter((w) => {
            const reads = CHECK_READS[checkOf(w)] ?? [];
            return batch.solo || reads.length === 0 || reads.some((v) => ownsVariable(title, v));
          });
          outcomes.set(title, { errors, warnings, planCode: result.code, planErrorCount: result.errors.length, stderr: result.stderr });
        }
      });
    });

    it.each(Object.entries(CASES))("%s", (title, c) => {
      const outcome = outcomes.get(title);
      expect(outcome).toBeDefined();
      if (c.errors) expectRejected(outcome!, c.errors);
      else expectAccepted(outcome!);
      expectWarnings(outcome!, c.warnings ?? []);
    });
  });

  it("reports a missing client secret without printing any secret, and shows the rule in plain output", async () => {
    const outcome = await plan({ ...OAUTH, oauth_jupyter_client_secret: "" }, { json: false });
    expect(outcome.code).toBe(1);
    const text = (outcome.stdout + outcome.stderr).replace(/[\s│]+/g, " ");
    expect(text).toContain("Error: Invalid value for variable");
    expect(text).toContain('"oauth_jupyter_client_secret": {');
    expect(text).toContain(
      'oauth_jupyter_client_secret is required when jupyter_hub_auth_mechanism is "oauth" (it is "oauth") and it is empty or blank.',
    );
    // The only value terraform quotes for the secret is the empty string that failed.
    expect(text).toContain('var.oauth_jupyter_client_secret is ""');
  });

  it("reports a blank client secret, printing only its blanks", async () => {
    const outcome = await plan({ ...OAUTH, oauth_jupyter_client_secret: "   " }, { json: false });
    expect(outcome.code).toBe(1);
    const text = outcome.stdout + outcome.stderr;
    expect(text.replace(/[\s│]+/g, " ")).toContain("oauth_jupyter_client_secret is required when");
    const shown = [...text.matchAll(/var\.oauth_jupyter_client_secret is "([^"]*)"/g)].map((m) => m[1]);
    expect(shown).toEqual(["   "]);
  });

  it("accepts a client secret with blanks around it, without printing it", async () => {
    const secret = "  Zq8-very-secret-value-41 ";
    const outcome = await plan({ ...OAUTH, oauth_jupyter_client_secret: secret });
    expect(outcome.errors).toEqual([]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout + outcome.stderr).not.toContain(secret.trim());
  });

  it.each([
    ["-var", (secret: string) => ({ vars: { oauth_jupyter_client_secret: secret }, env: {} })],
    ["TF_VAR_oauth_jupyter_client_secret", (secret: string) => ({ vars: {}, env: { TF_VAR_oauth_jupyter_client_secret: secret } })],
  ])("never prints a client secret given with %s while other rules fail", async (_how, given) => {
    const secret = "Zq8-very-secret-value-41";
    const { vars, env } = given(secret);
    const base: Vars = { ...OAUTH, oauth_domain: "", jupyterhub_domain: "not a domain" };
    delete base.oauth_jupyter_client_secret;
    for (const json of [true, false]) {
      const outcome = await plan({ ...base, ...vars }, { json, env });
      expect(outcome.code).toBe(1);
      expect(outcome.stdout + outcome.stderr).toContain("oauth_domain is required");
      expect(outcome.stdout + outcome.stderr).toContain("jupyterhub_domain must be a plain DNS host name");
      expect(outcome.stdout + outcome.stderr).not.toContain(secret);
      expect(outcome.stdout + outcome.stderr).not.toContain("oauth_jupyter_client_secret is required");
    }
  });

  it("reads variables from a *.tfvars file the same way", async () => {
    const tfvarsDir = makeTerraformDir({
      "main.tf.json": readFileSync(join(dir, "main.tf.json"), "utf8"),
      "terraform.tfvars": 'name = "Jupyter_Hub"\nvpc_cidr = "10.1.0.0/21"\n',
    });
    try {
      const result = await runTerraform(["plan", "-input=false", "-lock=false", "-json"], { cwd: tfvarsDir });
      const errors = parseDiagnostics(result.stdout).filter((d) => d.severity === "error");
      expect(result.code).toBe(1);
      expect(errors.map((e) => [variableOf(e), e.detail.split(". ")[0]])).toEqual([
        ["name", "name must start with a lowercase letter and contain only lowercase letters, digits and hyphens (pattern ^[a-z][a-z0-9-]*$)"],
      ]);
    } finally {
      removeTerraformDir(tfvarsDir);
    }
  });
});

describe("the security settings' bool variables", () => {
  it("refuse null, which only a *.tfvars file can give (the command line has no null for a bool)", async () => {
    const tfvarsDir = makeTerraformDir({
      "main.tf.json": readFileSync(join(dir, "main.tf.json"), "utf8"),
      "terraform.tfvars": [
        ...Object.entries(COGNITO).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
        "cognito_allow_self_signup = null",
        "notebook_s3_read_all = null",
        "",
      ].join("\n"),
    });
    try {
      const result = await runTerraform(["plan", "-input=false", "-lock=false", "-json"], { cwd: tfvarsDir });
      const diagnostics = parseDiagnostics(result.stdout);
      expect(result.code).toBe(1);
      expect(diagnostics.filter((d) => d.severity === "warning")).toEqual([]);
      expect(diagnostics.filter((d) => d.severity === "error").map((e) => [variableOf(e), e.detail.split(": ")[0]]).sort()).toEqual([
        ["cognito_allow_self_signup", "cognito_allow_self_signup must be true or false, not null"],
        ["notebook_s3_read_all", "notebook_s3_read_all must be true or false, not null"],
      ]);
    } finally {
      removeTerraformDir(tfvarsDir);
    }
  });
});

describe("test helper: terraform", () => {
  it("fails with installation instructions when terraform is not on PATH", () => {
    expect(() => locateTerraform({ PATH: "/nonexistent-dir" })).toThrow(TERRAFORM_INSTALL_HINT);
    expect(TERRAFORM_INSTALL_HINT).toContain("https://developer.hashicorp.com/terraform/install");
    expect(() => locateTerraform({ TERRAFORM_BIN: "/nonexistent-dir/terraform" })).toThrow(
      "TERRAFORM_BIN is set to /nonexistent-dir/terraform, which is not an executable file",
    );
  });

  it("runs terraform without inherited Terraform settings and with checkpoint and input off", () => {
    const env = terraformEnv(
      { TF_VAR_region: "eu-west-1" },
      { PATH: "/usr/bin", HOME: "/home/x", TF_VAR_name: "x", TF_CLI_ARGS_plan: "-destroy", TF_LOG: "DEBUG", TF_WORKSPACE: "w" },
    );
    expect(env.PATH).toBe("/usr/bin");
    expect(env.HOME).toBe("/home/x");
    expect(env.TF_VAR_region).toBe("eu-west-1");
    for (const gone of ["TF_VAR_name", "TF_CLI_ARGS_plan", "TF_LOG", "TF_WORKSPACE"]) expect(env[gone]).toBeUndefined();
    expect(env.TF_IN_AUTOMATION).toBe("1");
    expect(env.CHECKPOINT_DISABLE).toBe("1");
    expect(env.TF_INPUT).toBe("0");
    expect(readFileSync(env.TF_CLI_CONFIG_FILE!, "utf8")).toBe("");
  });

  it("prints no CLI configuration warning when TF_CLI_CONFIG_FILE names a missing file", async () => {
    const missing = join(makeTerraformDir(), "no-such-terraformrc");
    const cwd = makeTerraformDir();
    const previous = process.env.TF_CLI_CONFIG_FILE;
    process.env.TF_CLI_CONFIG_FILE = missing;
    try {
      // Without the helper's environment terraform warns about the missing file ...
      const raw = spawnSync(locateTerraform(), ["version"], { cwd, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      expect(raw.stderr).toContain("Unable to open CLI configuration file");
      // ... with it, it does not.
      const result = await runTerraform(["version"], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Terraform v1\.\d+\.\d+/);
      expect(result.stderr).toBe("");
    } finally {
      if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
      else process.env.TF_CLI_CONFIG_FILE = previous;
      removeTerraformDir(cwd);
      removeTerraformDir(dirname(missing));
    }
  });
});
