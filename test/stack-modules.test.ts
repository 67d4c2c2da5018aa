/**
 * The synthesized stack of the blueprint platform set (test/helpers/blueprint-stack.ts): the
 * module calls and the values they pass.
 */
import { parse as parseYaml } from "yaml";
import { kubePrometheusStackValues } from "../helm/kube-prometheus-stack";
import { kubecostValues } from "../helm/kubecost";
import { metricsServerValues } from "../helm/metrics-server";
import { nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import { toHelmValues } from "../helm/render";
import { json, mod, parse, resource } from "./helpers/blueprint-stack";

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
      jupyterhub_single_user_irsa: [
        "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
        "5.60.0",
      ],
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

  it(
    "eks: only the 100. subnets, the security group rules, the core node group and " + "the Karpenter aws-auth entry",
    () => {
      const secondarySubnets =
        "${compact([for subnet_id, cidr_block in zipmap(module.vpc.private_subnets, " +
        'module.vpc.private_subnets_cidr_blocks) : substr(cidr_block, 0, 4) == "100." ? ' +
        "subnet_id : null])}";
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
            block_device_mappings: {
              xvda: { device_name: "/dev/xvda", ebs: { volume_size: 100, volume_type: "gp3" } },
            },
            labels: { WorkerType: "ON_DEMAND", NodeGroupType: "core" },
            tags: '${merge(local.tags, {"Name" = "core-node-grp", "karpenter.sh/discovery" = local.name})}',
          },
        },
      });
    },
  );

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
      role_policy_arns:
        '${{ for k, v in { policy = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } ' +
        ": k => v if var.notebook_s3_read_all }}",
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

  it(
    "eks_blueprints_addons: managed add-ons, metrics-server, autoscaler, Karpenter, " +
      "LB controller, Prometheus, fluent-bit",
    () => {
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
    },
  );

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
    expect(Object.keys(karpenter_resources_helm_config).sort()).toEqual([
      "karpenter-resources-inf",
      "karpenter-resources-mig",
      "karpenter-resources-trn",
      "karpenter-resources-ts",
      "x86-cpu-karpenter",
    ]);
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
    expect(cpu.nodePool.labels).toEqual([
      { type: "karpenter" },
      { NodePool: "default" },
      { "hub.jupyter.org/node-purpose": "user" },
    ]);
  });
});
