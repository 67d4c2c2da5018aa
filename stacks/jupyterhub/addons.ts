/**
 * Mirrors the blueprint's addons.tf, in two halves: the cluster add-ons (StorageClass, EBS CSI
 * IRSA role, eks-blueprints-addons with Karpenter and the Karpenter CRD release, Grafana
 * password) and the data add-ons (eks-data-addons with JupyterHub, Kubecost, device plugins
 * and the Karpenter NodePools, the hub's certificate and OAuth client secret).
 */

import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { DataAwsEcrpublicAuthorizationToken } from "@cdktf/provider-aws/lib/data-aws-ecrpublic-authorization-token";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Annotations } from "@cdktf/provider-kubernetes/lib/annotations";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { StorageClass } from "@cdktf/provider-kubernetes/lib/storage-class";
import { Password } from "@cdktf/provider-random/lib/password";
import { dependable, Fn, type TerraformStack, Token } from "cdktf";
import { choose, countWhen, equalsValue, lookupOrEmpty, nonEmpty, notEqualsValue } from "../../expressions";
import { awsForFluentbitValues } from "../../helm/aws-for-fluentbit";
import { clusterAutoscalerValues } from "../../helm/cluster-autoscaler";
import { jupyterHubValues } from "../../helm/jupyterhub";
import { kubePrometheusStackValues } from "../../helm/kube-prometheus-stack";
import { kubecostValues } from "../../helm/kubecost";
import { metricsServerValues } from "../../helm/metrics-server";
import { nvidiaDevicePluginValues } from "../../helm/nvidia-device-plugin";
import { toHelmValues } from "../../helm/render";
import type { EksModule } from "../../modules/eks";
import { type AddonHelmConfig, EksBlueprintsAddonsModule } from "../../modules/eks-blueprints-addons";
import { EksDataAddonsModule } from "../../modules/eks-data-addons";
import { IrsaModule } from "../../modules/iam-role-for-service-accounts-eks";
import type { VpcModule } from "../../modules/vpc";
import {
  BLUEPRINT_KARPENTER_RESOURCES,
  type KarpenterResourcesTarget,
  type NodePoolRefs,
  type NotebookProfile,
  nodePools,
  renderKarpenterResourcesHelmConfig,
} from "../../profiles";
import type { AuthMechanism } from "../../variables";
import type { PlatformSet } from "../../versions";
import type { CognitoResources } from "./cognito";
import { defineLocal, type StackContext, tagsOf } from "./context";
import { allInstances, firstInstanceOrEmpty } from "./count";
import { SSM_MANAGED_INSTANCE_CORE } from "./eks";
import type { JupyterHubResources } from "./jupyterhub";
import type { AwsProviders } from "./providers";

export interface ClusterAddons {
  readonly ecrToken: DataAwsEcrpublicAuthorizationToken;
  readonly blueprintsAddons: EksBlueprintsAddonsModule;
}

/**
 * The namespace eks-blueprints-addons installs Karpenter into (`karpenter.namespace`, default
 * "karpenter": aws-ia/terraform-aws-eks-blueprints-addons@v1.23.0:main.tf, local.karpenter_namespace;
 * checked 2026-11-27). The karpenter-crd release goes there too: its conversion webhook names
 * the controller's Service in the release's own namespace.
 */
export const KARPENTER_NAMESPACE = "karpenter";

/**
 * The cluster-level half of addons.tf: the gp3 default StorageClass, the EBS CSI driver's
 * IRSA role, the EKS Blueprints add-ons (managed add-ons, metrics-server, cluster-autoscaler,
 * Karpenter, load balancer controller, kube-prometheus-stack, aws-for-fluentbit) and the
 * Grafana admin password kept in Secrets Manager.
 */
export function addClusterAddons(
  stack: TerraformStack,
  { platform, vars, locals }: StackContext,
  eks: EksModule,
  providers: AwsProviders,
): ClusterAddons {
  const ecrToken = new DataAwsEcrpublicAuthorizationToken(stack, "token", { provider: providers.ecr });

  // gp2 stops being the default class; gp3 (encrypted) takes over.
  const disableGp2 = new Annotations(stack, "disable_gp2", {
    annotations: { "storageclass.kubernetes.io/is-default-class": "false" },
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "gp2" },
    force: true,
  });
  disableGp2.addOverride("depends_on", [dependable(eks.eksClusterIdDependency)]);

  new StorageClass(stack, "default_gp3", {
    metadata: {
      name: "gp3",
      annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    },
    storageProvisioner: "ebs.csi.aws.com",
    reclaimPolicy: "Delete",
    allowVolumeExpansion: true,
    volumeBindingMode: "WaitForFirstConsumer",
    parameters: { fsType: "ext4", encrypted: "true", type: "gp3" },
    dependsOn: [disableGp2],
  });

  const ebsCsiDriverIrsa = new IrsaModule(stack, "ebs_csi_driver_irsa", platform.modules.iamRoleForServiceAccountsEks, {
    role_name_prefix: Fn.format("%s-%s", [locals.name.asString, "ebs-csi-driver-"]),
    attach_ebs_csi_policy: true,
    oidc_providers: {
      main: {
        provider_arn: eks.oidcProviderArn,
        namespace_service_accounts: ["kube-system:ebs-csi-controller-sa"],
      },
    },
    tags: tagsOf(locals),
  });

  // Construct ids are unique per scope; the Terraform names repeat across types, as in the blueprint.
  const grafanaPassword = new Password(stack, "grafana_password", {
    length: 16,
    special: true,
    overrideSpecial: "@_",
  });
  grafanaPassword.overrideLogicalId("grafana");
  const grafanaSecret = new SecretsmanagerSecret(stack, "grafana", {
    namePrefix: `${locals.name.asString}-grafana-`,
    // Zero: the secret is deleted at once on destroy, so the stack can be created again.
    recoveryWindowInDays: 0,
  });
  const grafanaSecretVersion = new SecretsmanagerSecretVersion(stack, "grafana_version", {
    secretId: grafanaSecret.id,
    secretString: grafanaPassword.result,
  });
  grafanaSecretVersion.overrideLogicalId("grafana");
  const adminPassword = new DataAwsSecretsmanagerSecretVersion(stack, "admin_password_version", {
    secretId: grafanaSecret.id,
    dependsOn: [grafanaSecretVersion],
  });

  const karpenterCrd = addKarpenterCrd(stack, platform, eks, ecrToken);
  const mostRecent = platform.eksAddons.mostRecent === undefined ? {} : { most_recent: platform.eksAddons.mostRecent };

  const fluentbitLogGroup = `/${locals.name.asString}/aws-fluentbit-logs`;
  const blueprintsAddons = new EksBlueprintsAddonsModule(
    stack,
    "eks_blueprints_addons",
    platform.modules.eksBlueprintsAddons,
    {
      cluster_name: eks.clusterName,
      cluster_endpoint: eks.clusterEndpoint,
      cluster_version: eks.clusterVersion,
      oidc_provider_arn: eks.oidcProviderArn,
      eks_addons: {
        "aws-ebs-csi-driver": { service_account_role_arn: ebsCsiDriverIrsa.iamRoleArn, ...mostRecent },
        coredns: { ...mostRecent },
        "kube-proxy": { ...mostRecent },
        // The VPC CNI uses the node role's policies.
        "vpc-cni": { ...mostRecent },
      },
      enable_metrics_server: true,
      metrics_server: {
        timeout: "300",
        values: [toHelmValues(metricsServerValues())],
      },
      enable_cluster_autoscaler: true,
      cluster_autoscaler: {
        ...clusterAutoscalerPins(platform, vars.eksClusterVersion.stringValue),
        timeout: "300",
        create_role: true,
        values: [
          toHelmValues(clusterAutoscalerValues({ awsRegion: vars.region.stringValue, eksClusterId: eks.clusterName })),
        ],
      },
      enable_karpenter: true,
      karpenter_enable_spot_termination: true,
      karpenter_node: {
        iam_role_additional_policies: { AmazonSSMManagedInstanceCore: SSM_MANAGED_INSTANCE_CORE },
      },
      karpenter: {
        chart_version: platform.karpenter.version,
        ...karpenterPolicyStatements(platform, locals.region.asString),
        repository_username: ecrToken.userName,
        repository_password: ecrToken.password,
        ...(platform.karpenterCrd ? { skip_crds: skipCrdsWhenReleased(karpenterCrd) } : {}),
      },
      enable_aws_load_balancer_controller: true,
      // The hub's Service uses aws-load-balancer-type "external", so the controller's
      // mutating webhook for Services is not needed.
      aws_load_balancer_controller: {
        set: [{ name: "enableServiceMutatorWebhook", value: "false" }],
      },
      enable_kube_prometheus_stack: true,
      kube_prometheus_stack: {
        values: [toHelmValues(kubePrometheusStackValues())],
        chart_version: platform.charts.kubePrometheusStack.version,
        set_sensitive: [{ name: "grafana.adminPassword", value: adminPassword.secretString }],
      },
      enable_aws_for_fluentbit: true,
      aws_for_fluentbit_cw_log_group: {
        use_name_prefix: false,
        name: fluentbitLogGroup,
        retention_in_days: 30,
      },
      aws_for_fluentbit: {
        values: [
          toHelmValues(
            awsForFluentbitValues({ region: locals.region.asString, cloudwatchLogGroup: fluentbitLogGroup }),
          ),
        ],
      },
      tags: tagsOf(locals),
    },
  );

  return { ecrToken, blueprintsAddons };
}

/**
 * `helm_release.karpenter_crd`: Karpenter's CRDs as a release of their own (chart
 * `karpenter-crd`, the controller's version), so that they are upgraded with the controller:
 * the main chart installs its `crds/` only on first install, never on upgrade. In every set,
 * for the same addresses; count 0 where the set has no `karpenterCrd` (the blueprint).
 *
 * Before its first apply on a cluster whose CRDs came from the main chart, the CRDs must be
 * labelled and annotated for Helm (docs/upgrading.md, stage 1).
 */
function addKarpenterCrd(
  stack: TerraformStack,
  platform: PlatformSet,
  eks: EksModule,
  ecrToken: DataAwsEcrpublicAuthorizationToken,
): Release {
  const crd = platform.karpenterCrd;
  const webhook = crd?.webhook;
  const release = new Release(stack, "karpenter_crd", {
    count: crd ? 1 : 0,
    name: "karpenter-crd",
    namespace: KARPENTER_NAMESPACE,
    // Created here on a new cluster: this release is installed before the controller's.
    createNamespace: true,
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter-crd",
    version: crd?.version ?? platform.karpenter.version,
    // The same ECR Public token as the main chart (us-east-1).
    repositoryUsername: ecrToken.userName,
    repositoryPassword: ecrToken.password,
    ...(webhook ? { values: [toHelmValues({ webhook: { ...webhook } })] } : {}),
  });
  // Destroyed with the cluster's step of a targeted destroy (`-target=module.eks`), while the
  // cluster still answers, not afterwards. Only the output: `module.eks` as a whole reads
  // Karpenter's node role, which depends on this release (a cycle).
  release.addOverride("depends_on", [dependable(eks.clusterNameDependency)]);
  return release;
}

/**
 * `karpenter.skip_crds` of eks-blueprints-addons: true exactly when the karpenter-crd release
 * exists. Reading the release (a splat: fine with count 0) also makes the Karpenter release wait
 * for the CRDs, as the migration guide orders them. A module-level `depends_on` would do that too,
 * but it defers every data source of the module to apply time; a reference to a module input
 * orders only what reads that input and leaves the data sources to the plan.
 */
function skipCrdsWhenReleased(karpenterCrd: Release): string {
  return nonEmpty(allInstances(karpenterCrd, "name"));
}

/** The karpenter-resources chart of the set's eks-data-addons: v1beta1 (AL2) or v1 with its AMI alias. */
export function karpenterResourcesTarget(platform: PlatformSet): KarpenterResourcesTarget {
  if (platform.karpenter.api === "v1beta1") return BLUEPRINT_KARPENTER_RESOURCES;
  const alias = platform.nodeImage.amiSelectorAlias;
  if (!alias) {
    throw new Error(`platform set "${platform.name}": Karpenter v1 needs nodeImage.amiSelectorAlias (versions.ts)`);
  }
  return { api: "v1", amiSelectorAlias: alias };
}

/**
 * The set's cluster-autoscaler chart and the image for the cluster's minor version (a plan-time
 * lookup on var.eks_cluster_version). Nothing for a set that keeps the module's defaults.
 */
function clusterAutoscalerPins(
  platform: PlatformSet,
  eksClusterVersion: string,
): Pick<AddonHelmConfig, "chart_version" | "image_tag_override"> {
  const { chartVersion, imageTags } = platform.clusterAutoscaler;
  const out: { chart_version?: string; image_tag_override?: string } = {};
  if (chartVersion) out.chart_version = chartVersion;
  if (imageTags) {
    // Every allowed version has a tag (a test checks it); the validation rule rejects the rest.
    out.image_tag_override = lookupOrEmpty(imageTags, eksClusterVersion);
  }
  return out;
}

/**
 * Read actions the set's Karpenter calls that the eks-blueprints-addons 1.23.0 policy lacks,
 * scoped to the cluster's region as Karpenter's own reference policy does
 * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml).
 */
function karpenterPolicyStatements(platform: PlatformSet, region: string): Pick<AddonHelmConfig, "policy_statements"> {
  if (platform.karpenterExtraReadActions.length === 0) return {};
  return {
    policy_statements: [
      {
        sid: "AllowRegionalReadActions",
        effect: "Allow",
        actions: [...platform.karpenterExtraReadActions],
        resources: ["*"],
        conditions: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: [region] }],
      },
    ],
  };
}

export const HUB_CLIENT_SECRET = { name: "jupyterhub-oauth-client", key: "client-secret" } as const;

export interface DataAddonsDependencies {
  readonly eks: EksModule;
  readonly vpc: VpcModule;
  readonly clusterAddons: ClusterAddons;
  readonly hub: JupyterHubResources;
  readonly cognito: CognitoResources;
  readonly profiles: readonly NotebookProfile[];
}

/**
 * The data half of addons.tf: `module.eks_data_addons` (Neuron and NVIDIA device plugins,
 * JupyterHub, Kubecost, the Karpenter NodePools) and the certificate the hub's load balancer
 * serves in cognito and oauth modes.
 */
export function addDataAddons(
  stack: TerraformStack,
  { platform, vars, locals }: StackContext,
  deps: DataAddonsDependencies,
): EksDataAddonsModule {
  const { eks, vpc, clusterAddons, hub, cognito } = deps;
  const mechanism = vars.jupyterHubAuthMechanism.stringValue;
  const notDummy = notEqualsValue(mechanism, "dummy");

  const certificate = new DataAwsAcmCertificate(stack, "issued", {
    count: countWhen(notDummy),
    domain: vars.acmCertificateDomain.stringValue,
    statuses: ["ISSUED"],
  });

  // The OAuth client secret reaches the hub through this secret, never through helm values.
  const clientSecret = new SecretV1(stack, "jupyterhub_oauth_client", {
    count: countWhen(notDummy),
    metadata: { name: HUB_CLIENT_SECRET.name, namespace: hub.namespace.metadata.name },
    data: {
      [HUB_CLIENT_SECRET.key]: choose(
        equalsValue(mechanism, "cognito"),
        firstInstanceOrEmpty(cognito.client, "client_secret"),
        vars.oauthJupyterClientSecret.stringValue,
      ),
    },
    type: "Opaque",
  });

  const serviceAccountName = hub.singleUserServiceAccount.metadata.name;
  const secretRef = { name: firstInstanceOrEmpty(clientSecret, "metadata", 0, "name"), key: HUB_CLIENT_SECRET.key };
  const loadBalancer = {
    sslCertArn: firstInstanceOrEmpty(certificate, "arn"),
    scheme: vars.jupyterhubLoadBalancerScheme.stringValue,
  };
  const callbackUrl = `https://${vars.jupyterhubDomain.stringValue}/hub/oauth_callback`;
  const cognitoBase = `https://${cognito.customDomain}.auth.${locals.region.asString}.amazoncognito.com/oauth2`;
  const oauthBase = vars.oauthDomain.stringValue;
  const valuesByMode: Record<AuthMechanism, string> = {
    dummy: toHelmValues(
      jupyterHubValues({
        mode: "dummy",
        profiles: deps.profiles,
        singleUserServiceAccountName: serviceAccountName,
        chartVersion: platform.charts.jupyterhub.version,
      }),
    ),
    cognito: toHelmValues(
      jupyterHubValues({
        mode: "cognito",
        profiles: deps.profiles,
        singleUserServiceAccountName: serviceAccountName,
        chartVersion: platform.charts.jupyterhub.version,
        loadBalancer,
        oauth: {
          callbackUrl,
          clientId: firstInstanceOrEmpty(cognito.client, "id"),
          clientSecret: secretRef,
          authorizeUrl: `${cognitoBase}/authorize`,
          tokenUrl: `${cognitoBase}/token`,
          userdataUrl: `${cognitoBase}/userInfo`,
        },
        cognito: {
          region: vars.region.stringValue,
          userPoolId: firstInstanceOrEmpty(cognito.pool, "id"),
          identityPoolId: firstInstanceOrEmpty(cognito.identityPool, "id"),
        },
      }),
    ),
    oauth: toHelmValues(
      jupyterHubValues({
        mode: "oauth",
        profiles: deps.profiles,
        singleUserServiceAccountName: serviceAccountName,
        chartVersion: platform.charts.jupyterhub.version,
        loadBalancer,
        oauth: {
          callbackUrl,
          clientId: vars.oauthJupyterClientId.stringValue,
          clientSecret: secretRef,
          authorizeUrl: `${oauthBase}/auth`,
          tokenUrl: `${oauthBase}/token`,
          userdataUrl: `${oauthBase}/userinfo`,
        },
        usernameKey: vars.oauthUsernameKey.stringValue,
      }),
    ),
  };
  // All three renderings live in one local; the auth mode picks one at plan time.
  const jupyterhubValues = defineLocal(stack, "jupyterhub_values", valuesByMode);

  const nodePoolRefs: NodePoolRefs = {
    clusterName: eks.clusterName,
    karpenterRole: Token.asString(Fn.element(Fn.split("/", clusterAddons.blueprintsAddons.karpenterNodeIamRoleArn), 1)),
    privateSubnetId: (index) => vpc.privateSubnet(index),
  };

  return new EksDataAddonsModule(stack, "eks_data_addons", platform.modules.eksDataAddons, {
    oidc_provider_arn: eks.oidcProviderArn,
    enable_aws_neuron_device_plugin: true,
    enable_nvidia_device_plugin: true,
    nvidia_device_plugin_helm_config: {
      version: platform.charts.nvidiaDevicePlugin.version,
      name: "nvidia-device-plugin",
      values: [toHelmValues(nvidiaDevicePluginValues())],
    },
    enable_jupyterhub: true,
    jupyterhub_helm_config: {
      values: [Token.asString(Fn.lookupNested(jupyterhubValues.fqn, [mechanism]))],
      version: platform.charts.jupyterhub.version,
    },
    enable_kubecost: true,
    kubecost_helm_config: {
      values: [toHelmValues(kubecostValues())],
      repository_username: clusterAddons.ecrToken.userName,
      repository_password: clusterAddons.ecrToken.password,
    },
    enable_karpenter_resources: true,
    karpenter_resources_helm_config: renderKarpenterResourcesHelmConfig(
      nodePools,
      nodePoolRefs,
      toHelmValues,
      karpenterResourcesTarget(platform),
    ),
  });
}
