import { parse as parseYaml } from "yaml";
import { substitute } from "./helpers/template";
import { toHelmValues } from "../helm/render";
import { nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import { kubecostValues } from "../helm/kubecost";
import { metricsServerValues } from "../helm/metrics-server";
import { kubePrometheusStackValues } from "../helm/kube-prometheus-stack";
import { addresses, synthStack, plain } from "./helpers/synth";
import { PLATFORM_SETS } from "../versions";

// The blueprint platform set: the mirror of the HCL blueprint (test/platforms.test.ts covers `current`).
const json = synthStack({ platform: PLATFORM_SETS.blueprint });
/** Parses rendered helm values with each interpolation replaced by `<<expression>>`. */
const parse = (values: string) => parseYaml(substitute(values));
const COGNITO = '${var.jupyter_hub_auth_mechanism == "cognito" ? 1 : 0}';
const NOT_DUMMY = '${var.jupyter_hub_auth_mechanism != "dummy" ? 1 : 0}';


const resource = (type: string, name: string) => plain(json.resource[type]?.[name]);
const data = (type: string, name: string) => plain(json.data[type]?.[name]);
const mod = (name: string) => plain(json.module[name]);

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
    expect(resource("aws_iam_role_policy", "notebook_s3_read").count).toBe("${length(var.notebook_s3_read_buckets) > 0 ? 1 : 0}");
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
        if (`${type}.${name}` !== "aws_acm_certificate.issued") expect(body.count, `data.${type}.${name}`).toBeUndefined();
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

  it("leave the blueprint's exclusive policy attachment and token secret out, with no removed block, so an adopted state destroys them", () => {
    // Destroying aws_iam_policy_attachment.s3_readonly_policy_attachment detaches
    // AmazonS3ReadOnlyAccess from EngineeringTeamRole, the one role in its state; a
    // removed { destroy = false } block would leave it attached, unmanaged.
    expect(json.removed).toBeUndefined();
    expect(json.resource.aws_iam_policy_attachment).toBeUndefined();
    expect(json.resource.kubernetes_secret_v1.jupyterhub_single_user).toBeUndefined();
  });
});

describe("versions.tf and providers", () => {
  it("keeps the blueprint's provider constraints and needs Terraform 1.9", () => {
    expect(json.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: "~> 5.95" },
      kubernetes: { source: "hashicorp/kubernetes", version: ">= 2.10" },
      helm: { source: "hashicorp/helm", version: "~> 2.17" },
      random: { source: "hashicorp/random", version: ">= 3.1.0" },
      archive: { source: "hashicorp/archive", version: "2.4.0" },
    });
    expect(json.terraform.required_version).toBe(">= 1.9.0");
  });

  it("configures aws, aws.ecr, kubernetes and helm like main.tf (token, no exec plugin)", () => {
    const cluster = {
      host: "${module.eks.cluster_endpoint}",
      cluster_ca_certificate: "${base64decode(module.eks.cluster_certificate_authority_data)}",
      token: "${data.aws_eks_cluster_auth.this.token}",
    };
    expect(json.provider.aws).toEqual([{ region: "${local.region}" }, { alias: "ecr", region: "us-east-1" }]);
    expect(json.provider.kubernetes).toEqual([cluster]);
    expect(json.provider.helm).toEqual([{ kubernetes: cluster }]);
    expect(data("aws_eks_cluster_auth", "this")).toEqual({ name: "${module.eks.cluster_name}" });
    expect(data("aws_availability_zones", "available")).toEqual({});
  });

  it("has main.tf's and vpc.tf's locals", () => {
    const { jupyterhub_values: _values, ...locals } = json.locals;
    expect(locals).toEqual({
      name: "${var.name}",
      region: "${var.region}",
      azs: "${slice(data.aws_availability_zones.available.names, 0, 2)}",
      tags: { Blueprint: "${local.name}", GithubRepo: "github.com/awslabs/data-on-eks" },
      private_subnets: "${[for k, v in local.azs : cidrsubnet(var.vpc_cidr, 3, k)]}",
      public_subnets: "${[for k, v in local.azs : cidrsubnet(var.vpc_cidr, 5, k + 8)]}",
      secondary_ip_range_private_subnets:
        "${[for k, v in local.azs : cidrsubnet(element(var.secondary_cidr_blocks, 0), 1, k)]}",
      cognito_custom_domain: "${var.cognito_custom_domain}",
      notebook_s3_read_grants:
        '${[for e in var.notebook_s3_read_buckets : { bucket = regex("^([^/]+)/?(.*)$", e)[0], prefix = regex("^([^/]+)/?(.*)$", e)[1] }]}',
    });
  });

  it("keeps the state next to the project, outside cdktf.out", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.tfstate" } });
    const s3 = synthStack({
      backend: { type: "s3", bucket: "b", key: "jupyterhub/terraform.tfstate", region: "eu-west-1", encrypt: true, useLockfile: true },
    });
    expect(s3.terraform.backend).toEqual({ s3: { bucket: "b", key: "jupyterhub/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true } });
    // S3-native locking is generally available from Terraform 1.11; the local stack keeps 1.9.
    expect(s3.terraform.required_version).toBe(">= 1.11.0");
    const dynamo = synthStack({
      backend: { type: "s3", bucket: "b", key: "k", region: "eu-west-1", encrypt: false, useLockfile: false, dynamodbTable: "locks" },
    });
    expect(dynamo.terraform.backend).toEqual({ s3: { bucket: "b", key: "k", region: "eu-west-1", encrypt: false, dynamodb_table: "locks" } });
    expect(dynamo.terraform.required_version).toBe(">= 1.9.0");
  });

  it("outputs configure_kubectl, the cluster's identity for the lifecycle scripts, and the user pool to invite users to", () => {
    expect(plain(json.output)).toEqual({
      configure_kubectl: {
        description:
          "Configure kubectl: make sure you're logged in with the correct AWS profile and run the following command to update your kubeconfig",
        value: "aws eks --region ${var.region} update-kubeconfig --name ${var.name}",
      },
      cluster_name: { description: "Name of the EKS cluster.", value: "${module.eks.cluster_name}" },
      cluster_arn: {
        description: "ARN of the EKS cluster: partition, region, account and name (read by scripts/cleanup.sh).",
        value: "${module.eks.cluster_arn}",
      },
      region: { description: "AWS region of the deployment.", value: "${local.region}" },
      cognito_user_pool_id: {
        description:
          "Cognito mode: id of the user pool; invite users with aws cognito-idp admin-create-user --user-pool-id <id> (docs/security.md). Empty in the other modes.",
        value: '${try(aws_cognito_user_pool.pool[0].id, "")}',
      },
    });
  });
});

describe("modules", () => {
  it("keep their registry source and version constraint", () => {
    const sources = Object.fromEntries(
      Object.entries(json.module).map(([name, body]) => [name, [body.source, body.version]]),
    );
    expect(sources).toEqual({
      vpc: ["terraform-aws-modules/vpc/aws", "5.21.0"],
      eks: ["terraform-aws-modules/eks/aws", "19.21.0"],
      ebs_csi_driver_irsa: ["terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks", "5.60.0"],
      eks_blueprints_addons: ["aws-ia/eks-blueprints-addons/aws", "1.23.0"],
      eks_data_addons: ["aws-ia/eks-data-addons/aws", "1.33.0"],
      // Unpinned in the blueprint; 6.0 removed the submodule.
      jupyterhub_single_user_irsa: ["terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks", "5.60.0"],
      efs_config: ["aws-ia/eks-blueprints-addons/aws", "1.23.0"],
    });
  });

  it("vpc: two AZs, computed subnets, one NAT gateway, discovery tags", () => {
    expect(mod("vpc")).toEqual({
      source: "terraform-aws-modules/vpc/aws",
      version: "5.21.0",
      name: "${local.name}",
      cidr: "${var.vpc_cidr}",
      azs: "${local.azs}",
      secondary_cidr_blocks: "${var.secondary_cidr_blocks}",
      private_subnets: "${concat(local.private_subnets, local.secondary_ip_range_private_subnets)}",
      public_subnets: "${local.public_subnets}",
      enable_nat_gateway: true,
      single_nat_gateway: true,
      public_subnet_tags: { "kubernetes.io/role/elb": 1 },
      private_subnet_tags: { "kubernetes.io/role/internal-elb": 1, "karpenter.sh/discovery": "${local.name}" },
      tags: "${local.tags}",
    });
  });

  it("eks: only the 100. subnets, the security group rules, the core node group and the Karpenter aws-auth entry", () => {
    const secondarySubnets =
      '${compact([for subnet_id, cidr_block in zipmap(module.vpc.private_subnets, module.vpc.private_subnets_cidr_blocks) : substr(cidr_block, 0, 4) == "100." ? subnet_id : null])}';
    expect(mod("eks")).toEqual({
      source: "terraform-aws-modules/eks/aws",
      version: "19.21.0",
      cluster_name: "${local.name}",
      cluster_version: "${var.eks_cluster_version}",
      cluster_endpoint_public_access: true,
      cluster_endpoint_public_access_cidrs: "${var.cluster_endpoint_public_access_cidrs}",
      vpc_id: "${module.vpc.vpc_id}",
      subnet_ids: secondarySubnets,
      manage_aws_auth_configmap: true,
      aws_auth_roles: [
        {
          rolearn: "${module.eks_blueprints_addons.karpenter.node_iam_role_arn}",
          username: "system:node:{{EC2PrivateDNSName}}",
          groups: ["system:bootstrappers", "system:nodes"],
        },
      ],
      cluster_security_group_additional_rules: {
        ingress_nodes_ephemeral_ports_tcp: {
          description: "Nodes on ephemeral ports",
          protocol: "tcp",
          from_port: 1025,
          to_port: 65535,
          type: "ingress",
          source_node_security_group: true,
        },
      },
      node_security_group_additional_rules: {
        ingress_self_all: {
          description: "Node to node all ports/protocols",
          protocol: "-1",
          from_port: 0,
          to_port: 0,
          type: "ingress",
          self: true,
        },
        ingress_cluster_to_node_all_traffic: {
          description: "Cluster API to Nodegroup all traffic",
          protocol: "-1",
          from_port: 0,
          to_port: 0,
          type: "ingress",
          source_cluster_security_group: true,
        },
      },
      eks_managed_node_group_defaults: {
        iam_role_additional_policies: {
          AmazonSSMManagedInstanceCore: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        },
      },
      eks_managed_node_groups: {
        core_node_group: {
          name: "jupyterhub-node-group",
          description: "EKS Core node group for hosting critical add-ons",
          subnet_ids: secondarySubnets,
          min_size: 4,
          max_size: 8,
          desired_size: 4,
          instance_types: ["m5.xlarge"],
          ebs_optimized: true,
          block_device_mappings: { xvda: { device_name: "/dev/xvda", ebs: { volume_size: 100, volume_type: "gp3" } } },
          labels: { WorkerType: "ON_DEMAND", NodeGroupType: "core" },
          tags: '${merge(local.tags, {"Name" = "core-node-grp", "karpenter.sh/discovery" = local.name})}',
        },
      },
    });
  });

  it("ebs_csi_driver_irsa and jupyterhub_single_user_irsa (trust fixed to the real service account)", () => {
    expect(mod("ebs_csi_driver_irsa")).toEqual({
      source: "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
      version: "5.60.0",
      role_name_prefix: '${format("%s-%s", local.name, "ebs-csi-driver-")}',
      attach_ebs_csi_policy: true,
      oidc_providers: {
        main: {
          provider_arn: "${module.eks.oidc_provider_arn}",
          namespace_service_accounts: ["kube-system:ebs-csi-controller-sa"],
        },
      },
      tags: "${local.tags}",
    });
    expect(mod("jupyterhub_single_user_irsa")).toEqual({
      source: "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
      version: "5.60.0",
      role_name: "${module.eks.cluster_name}-jupyterhub-single-user-sa",
      // AmazonS3ReadOnlyAccess under the blueprint's key, only with notebook_s3_read_all (test/security.test.ts)
      role_policy_arns: '${{ for k, v in { policy = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } : k => v if var.notebook_s3_read_all }}',
      oidc_providers: {
        main: {
          provider_arn: "${module.eks.oidc_provider_arn}",
          namespace_service_accounts: [
            "${kubernetes_namespace.jupyterhub.metadata[0].name}:${module.eks.cluster_name}-jupyterhub-single-user",
          ],
        },
      },
    });
    // The trusted account is the one created.
    expect(resource("kubernetes_service_account_v1", "jupyterhub_single_user_sa").metadata.name).toBe(
      "${module.eks.cluster_name}-jupyterhub-single-user",
    );
  });

  it("eks_blueprints_addons: managed add-ons, metrics-server, autoscaler, Karpenter, LB controller, Prometheus, fluent-bit", () => {
    const { aws_for_fluentbit, cluster_autoscaler, kube_prometheus_stack, metrics_server, ...rest } =
      mod("eks_blueprints_addons");
    expect(rest).toEqual({
      source: "aws-ia/eks-blueprints-addons/aws",
      version: "1.23.0",
      cluster_name: "${module.eks.cluster_name}",
      cluster_endpoint: "${module.eks.cluster_endpoint}",
      cluster_version: "${module.eks.cluster_version}",
      oidc_provider_arn: "${module.eks.oidc_provider_arn}",
      eks_addons: {
        "aws-ebs-csi-driver": { service_account_role_arn: "${module.ebs_csi_driver_irsa.iam_role_arn}" },
        coredns: {},
        "kube-proxy": {},
        "vpc-cni": {},
      },
      enable_metrics_server: true,
      enable_cluster_autoscaler: true,
      enable_karpenter: true,
      karpenter_enable_spot_termination: true,
      karpenter_node: {
        iam_role_additional_policies: {
          AmazonSSMManagedInstanceCore: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        },
      },
      karpenter: {
        chart_version: "0.37.0",
        repository_username: "${data.aws_ecrpublic_authorization_token.token.user_name}",
        repository_password: "${data.aws_ecrpublic_authorization_token.token.password}",
      },
      enable_aws_load_balancer_controller: true,
      aws_load_balancer_controller: { set: [{ name: "enableServiceMutatorWebhook", value: "false" }] },
      enable_kube_prometheus_stack: true,
      enable_aws_for_fluentbit: true,
      aws_for_fluentbit_cw_log_group: {
        use_name_prefix: false,
        name: "/${local.name}/aws-fluentbit-logs",
        retention_in_days: 30,
      },
      tags: "${local.tags}",
    });
    expect(metrics_server).toEqual({ timeout: "300", values: [toHelmValues(metricsServerValues())] });
    expect(kube_prometheus_stack.values).toEqual([toHelmValues(kubePrometheusStackValues())]);
    expect(cluster_autoscaler).toMatchObject({ timeout: "300", create_role: true });
    expect(kube_prometheus_stack.chart_version).toBe("48.1.1");
    expect(kube_prometheus_stack.set_sensitive).toEqual([
      {
        name: "grafana.adminPassword",
        value: "${data.aws_secretsmanager_secret_version.admin_password_version.secret_string}",
      },
    ]);
    // Plan-time values stay interpolations inside the rendered YAML.
    expect(parse(cluster_autoscaler.values[0])).toMatchObject({
      autoDiscovery: { clusterName: "<<module.eks.cluster_name>>" },
      awsRegion: "<<var.region>>",
    });
    expect(parse(aws_for_fluentbit.values[0]).cloudWatchLogs).toMatchObject({
      region: "<<local.region>>",
      logGroupName: "/<<local.name>>/aws-fluentbit-logs",
    });
    for (const values of [aws_for_fluentbit, cluster_autoscaler, kube_prometheus_stack, metrics_server]) {
      expect(values.values).toHaveLength(1);
    }
  });

  it("efs_config: the local efs chart twice, after the namespace", () => {
    const efsConfig = mod("efs_config");
    const release = (name: string, description: string, volume: string) => ({
      name,
      description,
      namespace: "jupyterhub",
      create_namespace: false,
      chart: "${path.module}/helm/efs",
      chart_version: "0.0.1",
      values: [`pv:\n  name: ${volume}\n  dnsName: \${aws_efs_file_system.efs.dns_name}\npvc:\n  name: ${volume}\n`],
    });
    expect(efsConfig).toEqual({
      source: "aws-ia/eks-blueprints-addons/aws",
      version: "1.23.0",
      cluster_name: "${module.eks.cluster_name}",
      cluster_endpoint: "${module.eks.cluster_endpoint}",
      cluster_version: "${module.eks.cluster_version}",
      oidc_provider_arn: "${module.eks.oidc_provider_arn}",
      helm_releases: {
        efs: release("efs", "A Helm chart for storage configurations", "efs-persist"),
        "efs-shared": release("efs-shared", "A Helm chart for shared storage configurations", "efs-persist-shared"),
      },
      depends_on: ["kubernetes_namespace.jupyterhub"],
    });
  });

  it("eks_data_addons: device plugins, JupyterHub chosen by auth mode, Kubecost, five NodePools", () => {
    const { nvidia_device_plugin_helm_config, kubecost_helm_config, karpenter_resources_helm_config, ...rest } =
      mod("eks_data_addons");
    expect(rest).toEqual({
      source: "aws-ia/eks-data-addons/aws",
      version: "1.33.0",
      oidc_provider_arn: "${module.eks.oidc_provider_arn}",
      enable_aws_neuron_device_plugin: true,
      enable_nvidia_device_plugin: true,
      enable_jupyterhub: true,
      jupyterhub_helm_config: {
        values: ["${local.jupyterhub_values[var.jupyter_hub_auth_mechanism]}"],
        version: "3.2.1",
      },
      enable_kubecost: true,
      enable_karpenter_resources: true,
    });
    expect(nvidia_device_plugin_helm_config).toEqual({
      version: "v0.15.0",
      name: "nvidia-device-plugin",
      values: [toHelmValues(nvidiaDevicePluginValues())],
    });
    // Four time-slicing replicas per GPU by default.
    expect(parseYaml(parseYaml(nvidia_device_plugin_helm_config.values[0]).config.map.default).sharing).toEqual({
      timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: 4 }] },
    });
    expect(kubecost_helm_config).toEqual({
      values: [toHelmValues(kubecostValues())],
      repository_username: "${data.aws_ecrpublic_authorization_token.token.user_name}",
      repository_password: "${data.aws_ecrpublic_authorization_token.token.password}",
    });
    expect(Object.keys(karpenter_resources_helm_config).sort()).toEqual(
      ["karpenter-resources-inf", "karpenter-resources-mig", "karpenter-resources-trn", "karpenter-resources-ts", "x86-cpu-karpenter"],
    );
    const ts = parse(karpenter_resources_helm_config["karpenter-resources-ts"].values[0]);
    expect(ts.clusterName).toBe("<<module.eks.cluster_name>>");
    expect(ts.ec2NodeClass).toEqual({
      karpenterRole: "<<element(split('/', module.eks_blueprints_addons.karpenter.node_iam_role_arn), 1)>>",
      subnetSelectorTerms: { id: "<<module.vpc.private_subnets[2]>>" },
      securityGroupSelectorTerms: { tags: { Name: "<<module.eks.cluster_name>>-node" } },
      instanceStorePolicy: "RAID0",
    });
    const cpu = parse(karpenter_resources_helm_config["x86-cpu-karpenter"].values[0]);
    expect(cpu.ec2NodeClass.subnetSelectorTerms).toEqual({ id: "<<module.vpc.private_subnets[3]>>" });
    expect(cpu.nodePool.labels).toEqual([{ type: "karpenter" }, { NodePool: "default" }, { "hub.jupyter.org/node-purpose": "user" }]);
  });
});

describe("resources", () => {
  it("packages the blueprint's pre-token Lambda source byte for byte, so its code hash is unchanged", () => {
    // awslabs/data-on-eks@a32d9f2:ai-ml/jupyterhub/cognito.tf, data.archive_file.lambda: the
    // `<<-EOF` heredoc with its common indentation stripped (as terraform console evaluates it).
    const blueprint =
      'export const handler = async (event) => {\n    event.response = {\n      claimsOverrideDetails: {\n        claimsToAddOrOverride: {\n          department: "engineering",\n        },\n      },\n    };\n\n    return event;\n};\n\n';
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
