/**
 * The synthesized stack of the blueprint platform set (test/helpers/blueprint-stack.ts): its
 * addresses against the blueprint's, and their count shape.
 */

import { data, json, resource } from "./helpers/blueprint-stack";
import { addresses } from "./helpers/synth";

const COGNITO = '${var.jupyter_hub_auth_mechanism == "cognito" ? 1 : 0}';
const NOT_DUMMY = '${var.jupyter_hub_auth_mechanism != "dummy" ? 1 : 0}';

describe("addresses", () => {
  it("are exactly the blueprint's but the unused token secret, plus the documented additions", () => {
    expect(addresses(json)).toEqual(
      [
        // versions.tf / main.tf
        "data.aws_availability_zones.available",
        "data.aws_eks_cluster_auth.this",
        "module.eks",
        // vpc.tf
        "module.vpc",
        // addons.tf
        "data.aws_acm_certificate.issued",
        "data.aws_ecrpublic_authorization_token.token",
        "kubernetes_annotations.disable_gp2",
        "kubernetes_storage_class.default_gp3",
        "module.ebs_csi_driver_irsa",
        "module.eks_blueprints_addons",
        "module.eks_data_addons",
        "data.aws_secretsmanager_secret_version.admin_password_version",
        "random_password.grafana",
        "aws_secretsmanager_secret.grafana",
        "aws_secretsmanager_secret_version.grafana",
        // jupyterhub.tf
        "kubernetes_namespace.jupyterhub",
        "module.jupyterhub_single_user_irsa",
        "kubernetes_service_account_v1.jupyterhub_single_user_sa",
        // (kubernetes_secret_v1.jupyterhub_single_user, the unused token secret, is gone: differences.md)
        "aws_efs_file_system.efs",
        "aws_efs_mount_target.efs_mt_1",
        "aws_efs_mount_target.efs_mt_2",
        "aws_security_group.efs",
        "module.efs_config",
        // cognito.tf
        "data.aws_iam_policy_document.assume_role",
        "data.aws_iam_policy.lambda_execution_policy",
        "data.archive_file.lambda",
        "aws_iam_role.iam_for_lambda",
        "aws_iam_role_policy_attachment.lambda_policy_attachment",
        "aws_lambda_function.pretoken_trigger",
        "aws_cognito_user_pool.pool",
        "aws_cognito_user_pool_domain.domain",
        "aws_cognito_user_pool_client.user_pool_client",
        "aws_cognito_identity_pool.identity_pool",
        "aws_s3_bucket.jupyterhub_bucket",
        "aws_s3_object.engineering_object",
        "aws_s3_object.legal_object",
        "aws_iam_role.cognito_authenticated_engineering_role",
        "aws_iam_role_policy.s3_cognito_engineering_policy",
        "aws_cognito_identity_pool_provider_principal_tag.example",
        "aws_iam_role_policy_attachment.s3_readonly_policy_attachment",
        "aws_cognito_identity_pool_roles_attachment.identity_pool_roles",
        // additions (docs/differences.md): the OAuth client secret for the hub, Cognito's
        // permission to call the pre-token trigger, the notebooks' S3 grants
        "kubernetes_secret_v1.jupyterhub_oauth_client",
        // addition: Karpenter's CRDs as a release of their own; count 0 in this set (docs/upgrading.md)
        "helm_release.karpenter_crd",
        "aws_lambda_permission.pretoken_trigger",
        "aws_iam_role_policy.notebook_s3_read",
      ].sort(),
    );
  });

  it("keep the blueprint's count shape: cognito.tf resources count on cognito mode", () => {
    const cognitoCounted = [
      ["aws_iam_role", "iam_for_lambda"],
      ["aws_iam_role_policy_attachment", "lambda_policy_attachment"],
      ["aws_lambda_function", "pretoken_trigger"],
      ["aws_cognito_user_pool", "pool"],
      ["aws_cognito_user_pool_domain", "domain"],
      ["aws_cognito_user_pool_client", "user_pool_client"],
      ["aws_cognito_identity_pool", "identity_pool"],
      ["aws_s3_bucket", "jupyterhub_bucket"],
      ["aws_s3_object", "engineering_object"],
      ["aws_s3_object", "legal_object"],
      ["aws_iam_role", "cognito_authenticated_engineering_role"],
      ["aws_iam_role_policy", "s3_cognito_engineering_policy"],
      ["aws_cognito_identity_pool_provider_principal_tag", "example"],
      ["aws_cognito_identity_pool_roles_attachment", "identity_pool_roles"],
      ["aws_lambda_permission", "pretoken_trigger"],
    ];
    const counted = new Set<string>();
    for (const [type, name] of cognitoCounted) {
      expect(resource(type, name).count, `${type}.${name}`).toBe(COGNITO);
      counted.add(`${type}.${name}`);
    }
    // Account-wide S3 read access only on request; the notebooks' grants only when there are some.
    expect(resource("aws_iam_role_policy_attachment", "s3_readonly_policy_attachment").count).toBe(
      '${var.jupyter_hub_auth_mechanism == "cognito" && var.notebook_s3_read_all ? 1 : 0}',
    );
    expect(resource("aws_iam_role_policy", "notebook_s3_read").count).toBe(
      "${length(var.notebook_s3_read_buckets) > 0 ? 1 : 0}",
    );
    counted.add("aws_iam_role_policy_attachment.s3_readonly_policy_attachment");
    counted.add("aws_iam_role_policy.notebook_s3_read");
    expect(data("aws_acm_certificate", "issued").count).toBe(NOT_DUMMY);
    expect(resource("kubernetes_secret_v1", "jupyterhub_oauth_client").count).toBe(NOT_DUMMY);
    counted.add("kubernetes_secret_v1.jupyterhub_oauth_client");
    // Not installed in the blueprint set: the stages of docs/upgrading.md install it.
    expect(resource("helm_release", "karpenter_crd").count).toBe(0);
    counted.add("helm_release.karpenter_crd");
    // Nothing else has a count.
    for (const [type, byName] of Object.entries(json.resource)) {
      for (const [name, body] of Object.entries(byName)) {
        if (!counted.has(`${type}.${name}`)) expect(body.count, `${type}.${name}`).toBeUndefined();
      }
    }
    for (const [type, byName] of Object.entries(json.data)) {
      for (const [name, body] of Object.entries(byName)) {
        if (`${type}.${name}` !== "aws_acm_certificate.issued")
          expect(body.count, `data.${type}.${name}`).toBeUndefined();
      }
    }
  });

  it("read every counted resource through an index", () => {
    const text = JSON.stringify(json);
    const countedAddresses = [
      ...Object.entries(json.resource).flatMap(([type, byName]) =>
        Object.entries(byName)
          .filter(([, body]) => body.count !== undefined)
          .map(([name]) => `${type}.${name}`),
      ),
      "data.aws_acm_certificate.issued",
    ];
    expect(countedAddresses.length).toBe(20);
    for (const address of countedAddresses) {
      // `address.attr` is invalid once count is set (depends_on names the bare address, fine).
      const bare = new RegExp(`${address.replace(/\./g, "\\.")}\\.`, "g");
      expect(text.match(bare), address).toBeNull();
    }
  });

  it(
    "leave the blueprint's exclusive policy attachment and token secret out, with " +
      "no removed block, so an adopted state destroys them",
    () => {
      // Destroying aws_iam_policy_attachment.s3_readonly_policy_attachment detaches
      // AmazonS3ReadOnlyAccess from EngineeringTeamRole, the one role in its state; a
      // removed { destroy = false } block would leave it attached, unmanaged.
      expect(json.removed).toBeUndefined();
      expect(json.resource.aws_iam_policy_attachment).toBeUndefined();
      expect(json.resource.kubernetes_secret_v1.jupyterhub_single_user).toBeUndefined();
    },
  );
});
