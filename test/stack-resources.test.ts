/**
 * The synthesized stack of the blueprint platform set (test/helpers/blueprint-stack.ts): the
 * resources and data sources outside the modules.
 */
import { data, json, resource } from "./helpers/blueprint-stack";

describe("resources", () => {
  it("packages the blueprint's pre-token Lambda source byte for byte, so its code hash is unchanged", () => {
    // awslabs/data-on-eks@a32d9f2:ai-ml/jupyterhub/cognito.tf, data.archive_file.lambda: the
    // `<<-EOF` heredoc with its common indentation stripped (as terraform console evaluates it).
    const blueprint =
      "export const handler = async (event) => {\n    event.response = {\n      " +
      "claimsOverrideDetails: {\n        claimsToAddOrOverride: {\n          " +
      'department: "engineering",\n        },\n      },\n    };\n\n    return ' +
      "event;\n};\n\n";
    const archive = json.data.archive_file.lambda;
    expect(archive.source).toEqual([{ filename: "index.mjs", content: blueprint }]);
    expect(archive.type).toBe("zip");
  });

  it("gp3 becomes the encrypted default StorageClass after gp2 stops being it", () => {
    expect(resource("kubernetes_annotations", "disable_gp2")).toEqual({
      annotations: { "storageclass.kubernetes.io/is-default-class": "false" },
      api_version: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "gp2" },
      force: true,
      depends_on: ["module.eks.eks_cluster_id"],
    });
    expect(resource("kubernetes_storage_class", "default_gp3")).toEqual({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      reclaim_policy: "Delete",
      allow_volume_expansion: true,
      volume_binding_mode: "WaitForFirstConsumer",
      parameters: { fsType: "ext4", encrypted: "true", type: "gp3" },
      depends_on: ["kubernetes_annotations.disable_gp2"],
    });
  });

  it("the karpenter-crd release is declared, not installed: the blueprint's CRDs stay those of the main chart", () => {
    expect(resource("helm_release", "karpenter_crd")).toEqual({
      count: 0,
      name: "karpenter-crd",
      namespace: "karpenter",
      create_namespace: true,
      repository: "oci://public.ecr.aws/karpenter",
      chart: "karpenter-crd",
      version: "0.37.0",
      repository_username: "${data.aws_ecrpublic_authorization_token.token.user_name}",
      repository_password: "${data.aws_ecrpublic_authorization_token.token.password}",
      depends_on: ["module.eks.cluster_name"],
    });
  });

  it("the Grafana admin password lives in Secrets Manager", () => {
    expect(resource("random_password", "grafana")).toEqual({ length: 16, special: true, override_special: "@_" });
    expect(resource("aws_secretsmanager_secret", "grafana")).toEqual({
      name_prefix: "${local.name}-grafana-",
      recovery_window_in_days: 0,
    });
    expect(resource("aws_secretsmanager_secret_version", "grafana")).toEqual({
      secret_id: "${aws_secretsmanager_secret.grafana.id}",
      secret_string: "${random_password.grafana.result}",
    });
    expect(data("aws_secretsmanager_secret_version", "admin_password_version")).toEqual({
      secret_id: "${aws_secretsmanager_secret.grafana.id}",
      depends_on: ["aws_secretsmanager_secret_version.grafana"],
    });
    expect(data("aws_ecrpublic_authorization_token", "token")).toEqual({ provider: "aws.ecr" });
  });

  it("jupyterhub.tf: namespace and service account (the unused token secret is gone)", () => {
    expect(resource("kubernetes_namespace", "jupyterhub")).toEqual({ metadata: { name: "jupyterhub" } });
    expect(resource("kubernetes_service_account_v1", "jupyterhub_single_user_sa")).toEqual({
      metadata: {
        name: "${module.eks.cluster_name}-jupyterhub-single-user",
        namespace: "${kubernetes_namespace.jupyterhub.metadata[0].name}",
        annotations: { "eks.amazonaws.com/role-arn": "${module.jupyterhub_single_user_irsa.iam_role_arn}" },
      },
      automount_service_account_token: true,
    });
    expect(Object.keys(json.resource.kubernetes_secret_v1)).toEqual(["jupyterhub_oauth_client"]);
    expect(JSON.stringify(json)).not.toContain("kubernetes.io/service-account-token");
  });

  it("EFS: encrypted, NFS only from the secondary range, one mount target per AZ in the 100. subnets", () => {
    expect(resource("aws_efs_file_system", "efs")).toEqual({ encrypted: true, tags: "${local.tags}" });
    expect(resource("aws_security_group", "efs")).toEqual({
      name: "${local.name}-efs",
      description: "Allow inbound NFS traffic from private subnets of the VPC",
      vpc_id: "${module.vpc.vpc_id}",
      ingress: [
        {
          description: "Allow NFS 2049/tcp",
          cidr_blocks: "${module.vpc.vpc_secondary_cidr_blocks}",
          from_port: 2049,
          to_port: 2049,
          protocol: "tcp",
          ipv6_cidr_blocks: null,
          prefix_list_ids: null,
          security_groups: null,
          self: null,
        },
      ],
      tags: "${local.tags}",
    });
    for (const [name, index] of [
      ["efs_mt_1", 2],
      ["efs_mt_2", 3],
    ] as const) {
      expect(resource("aws_efs_mount_target", name)).toEqual({
        file_system_id: "${aws_efs_file_system.efs.id}",
        subnet_id: `\${module.vpc.private_subnets[${index}]}`,
        security_groups: ["${aws_security_group.efs.id}"],
      });
    }
  });
});
