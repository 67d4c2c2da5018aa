/**
 * The variables' validation rules for auth, domains, load balancer and security settings, run
 * case by case by `terraform plan`.
 */

import { COGNITO_MFA_MODES, EKS_PUBLIC_ACCESS_CIDRS_MAX, REQUIRED_TERRAFORM_VERSION } from "../variables";
import { terraformVersion } from "./helpers/terraform";
import { type Case, describeCases } from "./helpers/variables";

// The auth mode and what each mode requires, the domains, the load balancer and the security
// settings, run by the real terraform binary (test/helpers/variables.ts).

it(`uses a terraform that satisfies ${REQUIRED_TERRAFORM_VERSION}`, async () => {
  const [major, minor] = (await terraformVersion()).split(".").map(Number);
  expect(major > 1 || (major === 1 && minor >= 9)).toBe(true);
});

const CASES: Record<string, Case> = {
  // --- defaults and complete configurations ------------------------------------------------
  "the defaults (dummy mode; EKS API narrowed, see NARROW_API)": { vars: {} },
  "a complete cognito configuration": { mode: "cognito", vars: {} },
  "a complete oauth configuration, internet-facing": {
    mode: "oauth",
    vars: { jupyterhub_load_balancer_scheme: "internet-facing" },
  },

  // --- 1. jupyter_hub_auth_mechanism ------------------------------------------------------
  "auth mechanism in capitals": {
    vars: { jupyter_hub_auth_mechanism: "Cognito" },
    errors: [["jupyter_hub_auth_mechanism", 'must be one of "dummy"']],
  },
  "unknown auth mechanism": {
    vars: { jupyter_hub_auth_mechanism: "saml" },
    errors: [["jupyter_hub_auth_mechanism", "-var 'jupyter_hub_auth_mechanism=cognito'"]],
  },

  // --- 7. cognito_custom_domain ------------------------------------------------------------------
  "cognito prefix acme-jupyterhub": { mode: "cognito", vars: { cognito_custom_domain: "acme-jupyterhub" } },
  "cognito prefix of 63 characters": { mode: "cognito", vars: { cognito_custom_domain: "a".repeat(63) } },
  "cognito prefix of 64 characters": {
    mode: "cognito",
    vars: { cognito_custom_domain: "a".repeat(64) },
    errors: [["cognito_custom_domain", "1 to 63 lowercase letters"]],
  },
  "cognito prefix starting with a hyphen": {
    mode: "cognito",
    vars: { cognito_custom_domain: "-acme" },
    errors: [["cognito_custom_domain", "not starting or ending with a hyphen"]],
  },
  "cognito prefix ending with a hyphen": {
    mode: "cognito",
    vars: { cognito_custom_domain: "acme-" },
    errors: [["cognito_custom_domain", "Cognito domain prefix"]],
  },
  "cognito prefix with capitals and a dot": {
    mode: "cognito",
    vars: { cognito_custom_domain: "Acme.hub" },
    errors: [["cognito_custom_domain", "lowercase letters, digits and hyphens"]],
  },
  "cognito prefix containing aws": {
    mode: "cognito",
    vars: { cognito_custom_domain: "myaws-hub" },
    errors: [["cognito_custom_domain", "reserved words aws, amazon or cognito"]],
  },
  "cognito prefix containing amazon": {
    mode: "cognito",
    vars: { cognito_custom_domain: "amazon-hub" },
    errors: [["cognito_custom_domain", "reserved words"]],
  },
  "cognito prefix containing cognito": {
    mode: "cognito",
    vars: { cognito_custom_domain: "acme-cognito" },
    errors: [["cognito_custom_domain", "instead of 'acme-cognito'"]],
  },
  "an invalid cognito prefix in dummy mode (unused, not checked)": { vars: { cognito_custom_domain: "Not_Used.aws" } },
  "the blueprint's default prefix eks in cognito mode": {
    mode: "cognito",
    vars: { cognito_custom_domain: "eks" },
    errors: [["cognito_custom_domain", 'must not be "eks", the blueprint\'s default, in cognito mode']],
  },
  "the default prefix eks in oauth mode (unused, not checked)": {
    mode: "oauth",
    vars: { cognito_custom_domain: "eks" },
  },

  // --- 8. domains --------------------------------------------------------------------------------
  "certificate domain without a wildcard": { mode: "cognito", vars: { acm_certificate_domain: "hub.example.com" } },
  "certificate domain with one label": {
    mode: "cognito",
    vars: { acm_certificate_domain: "example" },
    errors: [["acm_certificate_domain", "at least two labels"]],
  },
  "certificate domain *.com": {
    mode: "cognito",
    vars: { acm_certificate_domain: "*.com" },
    errors: [["acm_certificate_domain", "optionally a wildcard"]],
  },
  "certificate domain with a scheme": {
    mode: "cognito",
    vars: { acm_certificate_domain: "https://example.com" },
    errors: [["acm_certificate_domain", "no scheme"]],
  },
  "certificate domain with a label starting with a hyphen": {
    mode: "cognito",
    vars: { acm_certificate_domain: "-bad.example.com" },
    errors: [["acm_certificate_domain", "no hyphen at either end"]],
  },
  "jupyterhub domain with a scheme and a slash": {
    mode: "cognito",
    vars: { jupyterhub_domain: "https://hub.example.com/" },
    errors: [["jupyterhub_domain", "not https://hub.example.com/"]],
  },
  "jupyterhub domain as a wildcard": {
    mode: "cognito",
    vars: { jupyterhub_domain: "*.example.com" },
    errors: [["jupyterhub_domain", "plain DNS host name"]],
  },
  "jupyterhub domain with one label": {
    mode: "oauth",
    vars: { jupyterhub_domain: "hub" },
    errors: [["jupyterhub_domain", "at least two labels"]],
  },
  "jupyterhub domain with a trailing dot": {
    mode: "oauth",
    vars: { jupyterhub_domain: "hub.example.com." },
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
    mode: "cognito",
    vars: { jupyterhub_domain: ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)].join(".") },
    errors: [["jupyterhub_domain", "at most 253 characters"]],
  },
  "jupyterhub domain with a label of 64 characters": {
    mode: "cognito",
    vars: { jupyterhub_domain: `${"a".repeat(64)}.example.com` },
    errors: [["jupyterhub_domain", "labels of 1 to 63"]],
  },
  "a certificate domain in other letter case": {
    mode: "cognito",
    vars: { acm_certificate_domain: "*.EXAMPLE.com", jupyterhub_domain: "Hub.example.COM" },
  },
  "a jupyterhub domain two labels under the wildcard": {
    mode: "cognito",
    vars: { jupyterhub_domain: "a.hub.example.com" },
    warnings: [
      [
        "jupyterhub_domain_certificate",
        'jupyterhub_domain "a.hub.example.com" is not covered by acm_certificate_domain "*.example.com"',
      ],
    ],
  },
  "a jupyterhub domain equal to the wildcard's parent": {
    mode: "oauth",
    vars: { jupyterhub_domain: "example.com" },
    warnings: [["jupyterhub_domain_certificate", "not a.hub.example.com or example.com"]],
  },
  "a certificate of another domain": {
    mode: "oauth",
    vars: { acm_certificate_domain: "hub.example.org" },
    warnings: [["jupyterhub_domain_certificate", "subject alternative names"]],
  },
  "invalid domains in dummy mode (unused, not checked)": {
    vars: { acm_certificate_domain: "not a domain", jupyterhub_domain: "https://x/", oauth_domain: "ftp://x/" },
  },
  "oauth domain with a port and no path": { mode: "oauth", vars: { oauth_domain: "https://idp.example.com:8443" } },
  "oauth domain over http (an internal provider)": {
    mode: "oauth",
    vars: { oauth_domain: "http://keycloak.example.com/realms/master" },
    warnings: [["oauth_domain_plain_http", "oauth_domain http://keycloak.example.com/realms/master is plain http"]],
  },
  "oauth domain with an upper-case scheme": {
    mode: "oauth",
    vars: { oauth_domain: "HTTPS://idp.example.com/oidc" },
    errors: [["oauth_domain", "must be an https URL"]],
  },
  "oauth domain with a double quote": {
    mode: "oauth",
    vars: { oauth_domain: 'https://idp.example.com/oidc"x' },
    errors: [["oauth_domain", "no spaces, double quotes, backslashes"]],
  },
  "oauth domain with a backslash": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/oidc\\x" },
    errors: [["oauth_domain", "a quoted YAML string"]],
  },
  "oauth domain as the discovery document": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/realms/x/.well-known/openid-configuration" },
    errors: [["oauth_domain", "not the discovery document"]],
  },
  "oauth domain ending in /auth": {
    mode: "oauth",
    vars: { oauth_domain: "https://kc.example.com/realms/master/protocol/openid-connect/auth" },
    errors: [["oauth_domain", 'For this value use "https://kc.example.com/realms/master/protocol/openid-connect"']],
  },
  "oauth domain ending in /token": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/oidc/token" },
    errors: [["oauth_domain", "not one of the endpoints"]],
  },
  "oauth domain ending in /userinfo": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/oidc/userinfo" },
    errors: [["oauth_domain", ".../userinfo/userinfo"]],
  },
  "oauth domain of a legacy Keycloak, with /auth inside the path": {
    mode: "oauth",
    vars: { oauth_domain: "https://kc.example.com/auth/realms/master/protocol/openid-connect" },
  },
  "oauth domain without a scheme": {
    mode: "oauth",
    vars: { oauth_domain: "keycloak.example.com/realms/master" },
    errors: [["oauth_domain", "https://host[:port][/path]"]],
  },
  "oauth domain with a query string": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/oidc?realm=x" },
    errors: [["oauth_domain", "query string"]],
  },
  "oauth domain with a trailing slash": {
    mode: "oauth",
    vars: { oauth_domain: "https://idp.example.com/oidc/" },
    errors: [["oauth_domain", "must not end with a slash"]],
  },
  "an oauth domain in cognito mode, which does not use it": {
    mode: "cognito",
    vars: { oauth_domain: "http://idp.example.com/" },
  },

  // --- 9. what each auth mode requires ---------------------------------------------------------
  "cognito mode with nothing else set": {
    vars: { jupyter_hub_auth_mechanism: "cognito" },
    errors: [
      ["cognito_custom_domain", "-var 'cognito_custom_domain=acme-jupyterhub'"],
      [
        "acm_certificate_domain",
        'acm_certificate_domain is required when jupyter_hub_auth_mechanism is "cognito" or "oauth" (it is "cognito")',
      ],
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
    mode: "oauth",
    vars: { oauth_jupyter_client_id: "   " },
    errors: [["oauth_jupyter_client_id", "is required"]],
  },
  "oauth mode with a blank client secret": {
    mode: "oauth",
    vars: { oauth_jupyter_client_secret: " \t  " },
    errors: [["oauth_jupyter_client_secret", "oauth_jupyter_client_secret is required when"]],
  },
  "cognito mode without the oauth settings": {
    mode: "cognito",
    vars: { oauth_jupyter_client_id: "", oauth_username_key: "" },
  },
  "oauth client id with a double quote": {
    mode: "oauth",
    vars: { oauth_jupyter_client_id: 'jupyter"hub' },
    errors: [["oauth_jupyter_client_id", "must not contain a double quote, a backslash or a line break"]],
  },
  "oauth username key with a backslash": {
    mode: "oauth",
    vars: { oauth_username_key: "preferred\\username" },
    errors: [["oauth_username_key", "written into the JupyterHub helm values as a quoted YAML string"]],
  },
  "oauth username key with a line break": {
    mode: "oauth",
    vars: { oauth_username_key: "name\nhub: {}" },
    errors: [["oauth_username_key", "-var 'oauth_username_key=preferred_username'"]],
  },
  "oauth client id and username key in plain text": {
    mode: "oauth",
    vars: { oauth_jupyter_client_id: "jupyter-hub_01", oauth_username_key: "preferred_username" },
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
        "cluster_endpoint_public_access_cidrs includes 0.0.0.0/0: the EKS API's public " +
          "endpoint accepts connections from the whole internet",
      ],
    ],
  },
  "EKS API open to 0.0.0.0/0 among other blocks": {
    vars: { cluster_endpoint_public_access_cidrs: ["203.0.113.0/24", "0.0.0.0/0"] },
    warnings: [["cluster_endpoint_public_access_cidrs_open", "the nodes use the private endpoint"]],
  },
  "EKS API open to two addresses": {
    vars: { cluster_endpoint_public_access_cidrs: ["198.51.100.7/32", "203.0.113.9/32"] },
  },
  [`EKS API open to ${EKS_PUBLIC_ACCESS_CIDRS_MAX} blocks`]: {
    vars: {
      cluster_endpoint_public_access_cidrs: Array.from(
        { length: EKS_PUBLIC_ACCESS_CIDRS_MAX },
        (_, i) => `203.0.113.${i}/32`,
      ),
    },
  },
  [`EKS API open to ${EKS_PUBLIC_ACCESS_CIDRS_MAX + 1} blocks`]: {
    vars: {
      cluster_endpoint_public_access_cidrs: Array.from(
        { length: EKS_PUBLIC_ACCESS_CIDRS_MAX + 1 },
        (_, i) => `203.0.113.${i}/32`,
      ),
    },
    errors: [
      ["cluster_endpoint_public_access_cidrs", "can list at most 40 blocks; it lists 41. That is the Amazon EKS quota"],
    ],
  },
  "EKS API CIDRs empty (EKS would read 0.0.0.0/0)": {
    vars: { cluster_endpoint_public_access_cidrs: [] },
    errors: [
      [
        "cluster_endpoint_public_access_cidrs",
        "must list at least one CIDR block: EKS reads an empty list as 0.0.0.0/0",
      ],
    ],
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
  "cognito self sign-up behind an internal load balancer": {
    mode: "cognito",
    vars: { cognito_allow_self_signup: "true" },
  },
  "cognito self sign-up on the internet": {
    mode: "cognito",
    vars: { cognito_allow_self_signup: "true", jupyterhub_load_balancer_scheme: "internet-facing" },
    warnings: [
      [
        "cognito_allow_self_signup_public",
        "cognito_allow_self_signup is true and jupyterhub_load_balancer_scheme is " +
          "internet-facing: anyone on the internet can create an account",
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
  "notebook S3 reads: a legacy bucket name with capitals": {
    vars: { notebook_s3_read_buckets: ["Legacy_Bucket.2017"] },
  },
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
    errors: [["notebook_s3_read_buckets", 'Example: ["acme-datasets", "acme-shared/team-a/"]']],
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
    warnings: [
      [
        "notebook_s3_read_all",
        "notebook_s3_read_all is true: every notebook (and in cognito mode every " +
          "Cognito user) can list and read every S3 bucket",
      ],
    ],
  },
  "account-wide S3 read access off (the default)": { vars: { notebook_s3_read_all: "false" } },
};

describeCases("auth, domain and security rules, run by terraform plan", CASES);
