/**
 * The platform's versions.tf: every version the stack depends on, in one place, for each
 * platform set.
 *
 * - `current` (the default): what a new deployment gets. Every EKS version it allows can be
 *   created today and is supported by its Karpenter and its node images.
 * - `blueprint`: the HCL blueprint's components (Karpenter 0.37, eks-data-addons 1.33.0,
 *   v1beta1 NodePools on Amazon Linux 2), for teams that adopt a running blueprint
 *   deployment. Only the pins that make `terraform init` work today differ from the blueprint.
 * - `upgrade-1` .. `upgrade-4`: the stages that take an adopted `blueprint` deployment to
 *   `current` one safe step at a time (UPGRADE_PATH, docs/upgrading.md). Each is derived from
 *   the one before and differs from it only in what its stage is about.
 *
 * All sets synthesize the same addresses with the same `count` shape; only versions and the
 * values that depend on them differ. The set is chosen at synth time (config.ts,
 * JUPYTERHUB_PLATFORM).
 *
 * Every fact names its source and the day it was checked. Facts go stale: docs/versions.md
 * says how to refresh them, and `npm run module-facts` regenerates the module facts the
 * tests check these pins against (test/fixtures/module-facts/).
 *
 * Every version pin of the project lives here: those of the platform sets, and after them the
 * few that are the same in every set (the local efs chart, the Terraform version S3 locking
 * needs, the hub's Python packages, the shipped notebook images). test/versions-pins.test.ts
 * fails on a version literal in a pin position anywhere else. Not here: the prebuilt provider
 * bindings (@cdktf/provider-aws, -helm, -kubernetes, -random, -archive) and cdktf itself are
 * npm dependencies, pinned exactly in package.json and package-lock.json; the provider
 * constraints written into the stack are each set's `providers` below.
 */

/**
 * Validation rules that read other variables (the auth mode) need Terraform 1.9; older
 * versions reject such a configuration outright. `check` blocks need 1.5.
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.9.0";

/** The day the facts below were last checked against their sources. */
export const FACTS_CHECKED = "2026-11-27";

export const PLATFORM_NAMES = ["current", "blueprint", "upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** Where a fact comes from: a repository file at a tag, or a documentation page. */
export interface Cited {
  /** `owner/repo@tag:path`, or a documentation page's title and address. */
  readonly ref: string;
  /** The day the fact was checked against `ref` (YYYY-MM-DD). */
  readonly checked: string;
  /** Why this version, where it is not obvious. */
  readonly why?: string;
}

export interface ProviderConstraint {
  readonly source: string;
  readonly version: string;
}

/** A Terraform registry module: `source` and an exact `version` (modules are not in the lock file). */
export interface ModulePin extends Cited {
  readonly source: string;
  readonly version: string;
}

export interface ChartPin extends Cited {
  readonly chart: string;
  readonly version: string;
}

export interface ImagePin extends Cited {
  readonly image: string;
  readonly tag: string;
}

/** A range of Kubernetes minor versions, both ends included ("1.32" .. "1.36"). */
export interface KubernetesRange {
  readonly min: string;
  readonly max: string;
}

/** One Kubernetes minor version on Amazon EKS and its support dates. */
export interface EksKubernetesVersion {
  readonly version: string;
  /** First day of availability on EKS. */
  readonly released: string;
  /** Last day of standard support ($0.10 per cluster-hour). */
  readonly standardSupportEnd: string;
  /** Last day of extended support ($0.60 per cluster-hour); after it EKS creates no such cluster. */
  readonly extendedSupportEnd: string;
}

/** Cluster-hour prices of the EKS control plane (USD). */
export const EKS_PRICE_PER_CLUSTER_HOUR = { standard: 0.1, extended: 0.6 } as const;

/**
 * Kubernetes versions on Amazon EKS. Source: Amazon EKS User Guide, "Understand the Kubernetes
 * version lifecycle on EKS" (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * standard and extended support calendars.
 */
export const EKS_KUBERNETES_VERSIONS: readonly EksKubernetesVersion[] = [
  { version: "1.29", released: "2024-01-23", standardSupportEnd: "2025-03-23", extendedSupportEnd: "2026-03-23" },
  { version: "1.30", released: "2024-05-23", standardSupportEnd: "2025-07-23", extendedSupportEnd: "2026-07-23" },
  { version: "1.31", released: "2024-09-26", standardSupportEnd: "2025-11-26", extendedSupportEnd: "2026-11-26" },
  { version: "1.32", released: "2025-01-23", standardSupportEnd: "2026-03-23", extendedSupportEnd: "2027-03-23" },
  { version: "1.33", released: "2025-05-29", standardSupportEnd: "2026-07-29", extendedSupportEnd: "2027-07-29" },
  { version: "1.34", released: "2025-10-02", standardSupportEnd: "2026-12-02", extendedSupportEnd: "2027-12-02" },
  // 1.35 and 1.36: the end dates as published by third parties (endoflife.date/amazon-eks;
  // aws-samples eks-operation-review) and the EKS "14 months standard + 12 months extended"
  // rule; the first AL2023 AMIs are amazon-eks-ami v20260114 (1.35) and v20260610 (1.36).
  { version: "1.35", released: "2026-01-27", standardSupportEnd: "2027-03-27", extendedSupportEnd: "2028-03-27" },
  { version: "1.36", released: "2026-06-02", standardSupportEnd: "2027-08-02", extendedSupportEnd: "2028-08-02" },
];

export const EKS_KUBERNETES_VERSIONS_SOURCE: Cited = {
  ref:
    "Amazon EKS User Guide, Understand the Kubernetes version lifecycle on EKS, " +
    "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
  checked: FACTS_CHECKED,
};

/** The node image family of the Karpenter NodePools and the Kubernetes versions it is published for. */
export interface NodeImage extends Cited {
  /** EC2NodeClass `amiFamily` (v1beta1) or the `amiSelectorTerms` alias family (v1). */
  readonly family: "AL2" | "AL2023";
  readonly kubernetes: KubernetesRange;
  /**
   * v1 EC2NodeClass `amiSelectorTerms` alias. Absent for v1beta1, where the
   * karpenter-resources chart's default `amiFamily` (AL2) applies.
   */
  readonly amiSelectorAlias?: string;
}

export interface KarpenterPin extends ChartPin {
  /** The NodePool / EC2NodeClass API the platform writes. */
  readonly api: "v1beta1" | "v1";
  /** The Kubernetes versions this Karpenter release supports (its compatibility matrix). */
  readonly kubernetes: KubernetesRange;
}

/**
 * The `karpenter-crd` chart: Karpenter's CRDs as a helm release of their own
 * (`helm_release.karpenter_crd`), so that they are upgraded with the controller. The main
 * chart installs its `crds/` only on first install and never upgrades them.
 */
export interface KarpenterCrdPin extends ChartPin {
  /**
   * The chart's conversion webhook values (0.37.x and 1.0.x, which serve v1beta1 and v1 and
   * convert between them through the controller's webhook). Absent from 1.1 on: those charts
   * serve v1 only and have no webhook values.
   */
  readonly webhook?: { readonly enabled: boolean; readonly serviceName: string; readonly port: number };
}

/** The core managed node group's image (`eks_managed_node_groups.core_node_group.ami_type`). */
export interface CoreNodeGroupPin extends Cited {
  /**
   * Absent: not set, as in the blueprint; a node group created that way on Kubernetes < 1.30
   * runs AL2_x86_64, and EKS keeps it. Setting it on such a group replaces the group.
   */
  readonly amiType?: "AL2023_x86_64_STANDARD";
}

/** The managed EKS add-ons (`eks_addons` of eks-blueprints-addons). */
export interface EksAddonsPin extends Cited {
  /** `most_recent` of every add-on; absent: not passed (the module's default applies). */
  readonly mostRecent?: boolean;
}

/** cluster-autoscaler: the chart and the image for each Kubernetes minor version (it must match the cluster). */
export interface ClusterAutoscalerPin extends Cited {
  /** Chart version; absent: the eks-blueprints-addons default (9.35.0) and its image map. */
  readonly chartVersion?: string;
  /** Image tag per Kubernetes minor version; absent: the module's own map. */
  readonly imageTags?: Readonly<Record<string, string>>;
}

export interface PlatformSet {
  readonly name: PlatformName;
  /** One line for docs and synth output. */
  readonly summary: string;
  readonly terraform: { readonly requiredVersion: string };
  readonly providers: Readonly<Record<"aws" | "kubernetes" | "helm" | "random" | "archive", ProviderConstraint>>;
  readonly modules: {
    readonly vpc: ModulePin;
    readonly eks: ModulePin;
    readonly iamRoleForServiceAccountsEks: ModulePin;
    readonly eksBlueprintsAddons: ModulePin;
    readonly eksDataAddons: ModulePin;
  };
  readonly karpenter: KarpenterPin;
  /** The `karpenter-crd` release; absent: none (count 0), the main chart's `crds/` as installed once. */
  readonly karpenterCrd?: KarpenterCrdPin;
  readonly nodeImage: NodeImage;
  readonly coreNodeGroup: CoreNodeGroupPin;
  readonly eksAddons: EksAddonsPin;
  readonly charts: {
    readonly jupyterhub: ChartPin;
    readonly kubePrometheusStack: ChartPin;
    readonly nvidiaDevicePlugin: ChartPin;
  };
  readonly clusterAutoscaler: ClusterAutoscalerPin;
  /**
   * Karpenter controller permissions the eks-blueprints-addons policy lacks for this set's
   * Karpenter (added through `karpenter.policy_statements`).
   */
  readonly karpenterExtraReadActions: readonly string[];
  readonly kubernetes: {
    /** The default of `eks_cluster_version`. */
    readonly default: string;
    /**
     * Whether the allowed versions must also lie inside `karpenter.kubernetes`. A set that runs
     * a Karpenter older than the cluster cannot (the blueprint's 0.37 stops at 1.30, 1.0 at
     * 1.31, and EKS no longer creates 1.31; those releases only log an error outside their
     * range: pkg/providers/version/version.go). Such a set holds the control plane: it allows
     * nothing newer than `default` beyond what its Karpenter supports, and its plan warns.
     */
    readonly requireKarpenterSupport: boolean;
  };
}

const SOURCE = {
  vpc: "terraform-aws-modules/vpc/aws",
  eks: "terraform-aws-modules/eks/aws",
  irsa: "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks",
  eksBlueprintsAddons: "aws-ia/eks-blueprints-addons/aws",
  eksDataAddons: "aws-ia/eks-data-addons/aws",
} as const;

/** The blueprint's provider constraints (versions.tf); every set keeps them. */
const PROVIDERS: PlatformSet["providers"] = {
  aws: { source: "hashicorp/aws", version: "~> 5.95" },
  kubernetes: { source: "hashicorp/kubernetes", version: ">= 2.10" },
  helm: { source: "hashicorp/helm", version: "~> 2.17" },
  random: { source: "hashicorp/random", version: ">= 3.1.0" },
  archive: { source: "hashicorp/archive", version: "2.4.0" },
};

/** Modules every set pins to the same release. */
const SHARED_MODULES = {
  vpc: {
    source: SOURCE.vpc,
    version: "5.21.0",
    ref: "terraform-aws-modules/terraform-aws-vpc@v5.21.0:versions.tf",
    checked: FACTS_CHECKED,
    why: "The last 5.x release (2025-04-21), what the blueprint's `~> 5.0` resolves to; 6.x needs the AWS provider 6.",
  },
  eks: {
    source: SOURCE.eks,
    version: "19.21.0",
    ref: "terraform-aws-modules/terraform-aws-eks@v19.21.0:versions.tf",
    checked: FACTS_CHECKED,
    why:
      "The last 19.x release (2023-12-11), what the blueprint's `~> 19.15` resolves " +
      "to. 20.x moves aws-auth out of the module (other addresses); 21.x needs the " +
      "AWS provider 6.",
  },
  iamRoleForServiceAccountsEks: {
    source: SOURCE.irsa,
    version: "5.60.0",
    ref: "terraform-aws-modules/terraform-aws-iam@v5.60.0:modules/iam-role-for-service-accounts-eks/versions.tf",
    checked: FACTS_CHECKED,
    why: "The last 5.x release (2025-08-08), what `~> 5.20` resolves to; 6.0 removed this submodule.",
  },
  eksBlueprintsAddons: {
    source: SOURCE.eksBlueprintsAddons,
    version: "1.23.0",
    ref: "aws-ia/terraform-aws-eks-blueprints-addons@v1.23.0:versions.tf",
    checked: FACTS_CHECKED,
    why:
      "The last release on the helm provider 2 (`>= 2.9, < 3.0`, 2025-12-16). 1.24.0 " +
      "(2026-07-03) requires helm `>= 3.0`, which eks-data-addons (`~> 2.17`) cannot " +
      "use: the blueprint's `~> 1.2` now resolves to 1.24.x and `terraform init` " +
      "fails.",
  },
} as const satisfies Omit<PlatformSet["modules"], "eksDataAddons">;

const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
const KARPENTER_CRD_CHART = "oci://public.ecr.aws/karpenter/karpenter-crd";

/**
 * eks-data-addons with Karpenter v1 NodePools: `current` and the stages from `upgrade-3` on.
 */
const EKS_DATA_ADDONS_V1: ModulePin = {
  source: SOURCE.eksDataAddons,
  version: "1.38.0",
  ref: "aws-ia/terraform-aws-eks-data-addons@v1.38.0:helm-charts/karpenter-resources/templates/node-pool.yaml",
  checked: FACTS_CHECKED,
  why:
    "The newest release (2025-08-07); 1.34.0+ renders karpenter.sh/v1 NodePools and " +
    "karpenter.k8s.aws/v1 EC2NodeClasses. It pins aws `~> 5.95` and helm `~> 2.17`.",
};

const KARPENTER_1_14_1: KarpenterPin = {
  chart: KARPENTER_CHART,
  version: "1.14.1",
  api: "v1",
  kubernetes: { min: "1.26", max: "1.36" },
  ref:
    "aws/karpenter-provider-aws@v1.14.1:pkg/providers/version/version.go " +
    "(MinK8sVersion 1.26, MaxK8sVersion 1.36), " +
    "website/content/en/v1.14/upgrading/compatibility.md",
  checked: FACTS_CHECKED,
  why:
    "The newest release (2026-08-20). Kubernetes 1.36 needs Karpenter 1.13+, 1.35 " +
    "1.9+, 1.34 1.6+, 1.33 1.5+, 1.32 1.2+; 1.14.1 refuses to run outside " +
    "1.26-1.36. The chart has no values schema, so the legacy settings.aws.* values " +
    "eks-blueprints-addons also sets are ignored.",
};

const KARPENTER_CRD_1_14_1: KarpenterCrdPin = {
  chart: KARPENTER_CRD_CHART,
  version: "1.14.1",
  ref:
    "aws/karpenter-provider-aws@v1.14.1:charts/karpenter-crd/values.yaml " +
    "(additionalAnnotations only, no webhook values), " +
    "charts/karpenter-crd/templates/",
  checked: FACTS_CHECKED,
  why:
    "The CRDs of Karpenter 1.14.1, upgraded with the controller (the main chart's " +
    "crds/ are installed once and never upgraded: " +
    "website/content/en/docs/upgrading/upgrade-guide.md, CRD Upgrades). v1 only: " +
    "Karpenter 1.1 dropped v1beta1 and its conversion webhook. 1.14 adds the " +
    "capacitybuffers CRD.",
};

/** Karpenter 1.14.1 calls these; the eks-blueprints-addons 1.23.0 policy predates them. */
const KARPENTER_1_14_1_EXTRA_READ_ACTIONS = [
  "ec2:DescribeCapacityReservations",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribePlacementGroups",
];

/**
 * The conversion webhook values the v1 migration guide passes to the karpenter-crd chart of
 * 0.37.x and 1.0.x: the CRDs send conversions to the controller's Service `karpenter` (the
 * release name eks-blueprints-addons uses, in the release's namespace) on port 8443.
 */
const CONVERSION_WEBHOOK = { enabled: true, serviceName: "karpenter", port: 8443 } as const;
const V1_MIGRATION_GUIDE = "aws/karpenter-provider-aws@HEAD:website/content/en/v1.0/upgrading/v1-migration.md";

const AL2023_IMAGES: NodeImage = {
  family: "AL2023",
  kubernetes: { min: "1.29", max: "1.36" },
  amiSelectorAlias: "al2023@latest",
  ref:
    "aws/karpenter-provider-aws@v1.14.1:pkg/providers/amifamily/al2023.go, " +
    "pkg/providers/amifamily/types.go; awslabs/amazon-eks-ami CHANGELOG.md",
  checked: FACTS_CHECKED,
  why:
    "The alias al2023@latest resolves, per instance type, to the standard, NVIDIA " +
    "or Neuron variant of the EKS-optimized AL2023 AMI, published for every EKS " +
    "version (Karpenter 1.0.14 resolves the same three variants: " +
    "aws/karpenter-provider-aws@v1.0.14:pkg/providers/amifamily/al2023.go).",
};

const NVIDIA_DEVICE_PLUGIN_0_17_4: ChartPin = {
  chart: "https://nvidia.github.io/k8s-device-plugin nvidia-device-plugin",
  version: "0.17.4",
  ref:
    "Amazon EKS User Guide, Install Kubernetes device plugin for GPUs, " +
    "https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-k8s-device-plugin.html; " +
    "NVIDIA/k8s-device-plugin@v0.17.4:api/config/v1",
  checked: FACTS_CHECKED,
  why:
    "The release the EKS guide installs on the AL2023 NVIDIA AMIs, which ship the " +
    "driver but not the plugin. The time-slicing configuration " +
    "(sharing.timeSlicing.resources[].replicas) and the chart's config.map are " +
    "unchanged since v0.15.0.",
};

const AL2023_CORE_NODE_GROUP: CoreNodeGroupPin = {
  amiType: "AL2023_x86_64_STANDARD",
  ref:
    "hashicorp/terraform-provider-aws#44586 (maintainer comment 2026-06-02: " +
    "ami_type forces replacement, as the EKS API has no in-place change of the AMI " +
    "type); terraform-aws-modules/terraform-aws-eks@v19.21.0:node_groups.tf " +
    "(use_name_prefix defaults to true), modules/eks-managed-node-group/main.tf " +
    "(node_group_name_prefix, create_before_destroy = true)",
  checked: FACTS_CHECKED,
  why:
    "EKS publishes no Amazon Linux 2 AMI for Kubernetes 1.33 or later, so the core " +
    "node group must be on AL2023 before the control plane moves. On a group " +
    "created without ami_type on Kubernetes < 1.30 (AL2_x86_64) this replaces the " +
    "group: the new one, under a new name prefix, comes up before the old one is " +
    "drained and deleted. On a group EKS already created on AL2023 (the default for " +
    "new groups from 1.30: " +
    "awsdocs/amazon-eks-user-guide@HEAD:latest/ug/clusters/kubernetes-versions-standard.adoc) " +
    "it changes nothing.",
};

const EKS_ADDONS_MODULE_DEFAULT: EksAddonsPin = {
  ref:
    "aws-ia/terraform-aws-eks-blueprints-addons@v1.23.0:main.tf " +
    "(data.aws_eks_addon_version.this: most_recent = try(each.value.most_recent, " +
    "true), kubernetes_version = var.cluster_version)",
  checked: FACTS_CHECKED,
  why:
    "The blueprint passes no most_recent; the module's default (true) applies: each " +
    "add-on runs the newest version EKS publishes for the cluster's Kubernetes " +
    "version.",
};

const BLUEPRINT: PlatformSet = {
  name: "blueprint",
  summary:
    "the blueprint's components for adopting a running deployment: Karpenter 0.37, v1beta1 NodePools on Amazon Linux 2",
  terraform: { requiredVersion: REQUIRED_TERRAFORM_VERSION },
  providers: PROVIDERS,
  modules: {
    ...SHARED_MODULES,
    eksDataAddons: {
      source: SOURCE.eksDataAddons,
      version: "1.33.0",
      ref: "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/addons.tf",
      checked: FACTS_CHECKED,
      why: "The blueprint's pin: karpenter.sh/v1beta1 NodePools with amiFamily AL2.",
    },
  },
  karpenter: {
    chart: KARPENTER_CHART,
    version: "0.37.0",
    api: "v1beta1",
    kubernetes: { min: "1.23", max: "1.30" },
    ref: "aws/karpenter-provider-aws@v0.37.0:pkg/providers/version/version.go (MinK8sVersion 1.23, MaxK8sVersion 1.30)",
    checked: FACTS_CHECKED,
    why: "The blueprint's pin. Karpenter 0.37 supports Kubernetes up to 1.30; 1.31 needs 1.0.5.",
  },
  nodeImage: {
    family: "AL2",
    kubernetes: { min: "1.23", max: "1.32" },
    ref:
      "Amazon EKS User Guide, Amazon Linux 2 AMI deprecation, " +
      "https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html",
    checked: FACTS_CHECKED,
    why: "EKS publishes no Amazon Linux 2 AMI for Kubernetes 1.33 or later.",
  },
  coreNodeGroup: {
    ref:
      "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/main.tf " +
      "(core_node_group without ami_type)",
    checked: FACTS_CHECKED,
    why:
      "The blueprint sets no ami_type; its groups, created on Kubernetes 1.30 or " +
      "earlier, run AL2_x86_64. Leaving it unset keeps the adoption plan quiet.",
  },
  eksAddons: EKS_ADDONS_MODULE_DEFAULT,
  charts: {
    jupyterhub: {
      chart: "https://hub.jupyter.org/helm-chart/ jupyterhub",
      version: "3.2.1",
      ref: "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/addons.tf",
      checked: FACTS_CHECKED,
    },
    kubePrometheusStack: {
      chart: "https://prometheus-community.github.io/helm-charts kube-prometheus-stack",
      version: "48.1.1",
      ref: "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/addons.tf",
      checked: FACTS_CHECKED,
    },
    nvidiaDevicePlugin: {
      chart: "https://nvidia.github.io/k8s-device-plugin nvidia-device-plugin",
      version: "v0.15.0",
      ref: "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/addons.tf",
      checked: FACTS_CHECKED,
    },
  },
  clusterAutoscaler: {
    ref:
      "aws-ia/terraform-aws-eks-blueprints-addons@v1.23.0:main.tf (cluster_autoscaler " +
      "chart_version 9.35.0, image map 1.32 = v1.32.1)",
    checked: FACTS_CHECKED,
    why: "The blueprint passes neither; the module's defaults stand.",
  },
  karpenterExtraReadActions: [],
  kubernetes: { default: "1.32", requireKarpenterSupport: false },
};

/**
 * Stage 1: the last 0.37 patch, with the CRDs moved into the karpenter-crd release and their
 * conversion webhook configured: the migration guide's steps 3 to 6, the state Karpenter 1.0
 * can be rolled back to.
 */
const UPGRADE_1: PlatformSet = {
  ...BLUEPRINT,
  name: "upgrade-1",
  summary:
    "upgrade stage 1 of 4 from blueprint: Karpenter 0.37.8 with its CRDs in the " +
    "karpenter-crd release (conversion webhook on)",
  karpenter: {
    ...BLUEPRINT.karpenter,
    version: "0.37.8",
    ref: "aws/karpenter-provider-aws@v0.37.8:pkg/providers/version/version.go (MinK8sVersion 1.23, MaxK8sVersion 1.30)",
    why:
      `The last 0.37 patch (tag of 2025-10-24; the guide, written earlier, names ` +
      `0.37.7). The v1 migration starts from the latest patch of the running minor, ` +
      `the only versions 1.0 can be rolled back to (${V1_MIGRATION_GUIDE}, Upgrade ` +
      `Procedure steps 3-6, Downgrading). Its chart turns the webhooks on by default ` +
      `(aws/karpenter-provider-aws@v0.37.8:charts/karpenter/values.yaml, ` +
      `webhook.enabled: true; 0.37.0: false), which the CRDs' conversion needs. ` +
      `Outside 1.23-1.30 it logs an error and runs on (version.go, ` +
      `validateK8sVersion).`,
  },
  karpenterCrd: {
    chart: KARPENTER_CRD_CHART,
    version: "0.37.8",
    webhook: CONVERSION_WEBHOOK,
    ref:
      `aws/karpenter-provider-aws@v0.37.8:charts/karpenter-crd/values.yaml, ` +
      `charts/karpenter-crd/templates/karpenter.sh_nodepools.yaml (spec.conversion ` +
      `when webhook.enabled; v1 served, v1beta1 stored); ${V1_MIGRATION_GUIDE} (step ` +
      `5)`,
    checked: FACTS_CHECKED,
    why:
      "The guide installs the CRDs through this chart, the only way their conversion " +
      "webhook gets templated, and skips the main chart's CRDs.",
  },
};

/** Stage 2: Karpenter 1.0 (v1 stored, v1beta1 still served through the conversion webhook). */
const UPGRADE_2: PlatformSet = {
  ...UPGRADE_1,
  name: "upgrade-2",
  summary:
    "upgrade stage 2 of 4 from blueprint: Karpenter 1.0.14 controller and CRDs (v1 " +
    "stored, the v1beta1 NodePools still served)",
  karpenter: {
    ...UPGRADE_1.karpenter,
    version: "1.0.14",
    kubernetes: { min: "1.25", max: "1.31" },
    ref: "aws/karpenter-provider-aws@v1.0.14:pkg/providers/version/version.go (MinK8sVersion 1.25, MaxK8sVersion 1.31)",
    why:
      `The last 1.0 patch (tag of 2026-07-15). 1.0.6+ migrates the stored objects to ` +
      `v1 by itself, which 1.1+ needs (${V1_MIGRATION_GUIDE}, steps 7-10, Stored ` +
      `Version Migration). Outside 1.25-1.31 it logs an error and runs on ` +
      `(version.go, validateK8sVersion). The eks-blueprints-addons 1.23.0 controller ` +
      `policy already grants every action 1.0 calls: its cloudformation.yaml ` +
      `(aws/karpenter-provider-aws@v1.0.14:website/content/en/preview/getting-started/getting-started-with-karpenter/cloudformation.yaml, ` +
      `what v1.0/upgrading/get-controller-policy.sh reads) lists the same 28 actions ` +
      `as 0.37.8's and only narrows them (eks:eks-cluster-name tag conditions; ` +
      `instance-profile actions scoped to instance-profile ARNs instead of *). The ` +
      `module's statements, without tag conditions and on * for instance profiles, ` +
      `allow all of it: no statement is added.`,
  },
  karpenterCrd: {
    // biome-ignore lint/style/noNonNullAssertion: UPGRADE_1, just above, is the stage that adds the release
    ...UPGRADE_1.karpenterCrd!,
    version: "1.0.14",
    ref:
      `aws/karpenter-provider-aws@v1.0.14:charts/karpenter-crd/values.yaml, ` +
      `charts/karpenter-crd/templates/karpenter.sh_nodepools.yaml (v1 stored, v1beta1 ` +
      `served); ${V1_MIGRATION_GUIDE} (step 9)`,
  },
};

/**
 * Stage 3: everything on Amazon Linux 2023: the v1 NodePools of eks-data-addons 1.38.0 (AL2023
 * alias, drift budgets), the NVIDIA device plugin for the AL2023 NVIDIA AMIs, and the core
 * node group (replaced).
 */
const UPGRADE_3: PlatformSet = {
  ...UPGRADE_2,
  name: "upgrade-3",
  summary:
    "upgrade stage 3 of 4 from blueprint: Amazon Linux 2023 everywhere (v1 " +
    "NodePools of eks-data-addons 1.38.0, NVIDIA device plugin 0.17.4, a new core " +
    "node group)",
  modules: { ...UPGRADE_2.modules, eksDataAddons: EKS_DATA_ADDONS_V1 },
  karpenter: { ...UPGRADE_2.karpenter, api: "v1" },
  nodeImage: AL2023_IMAGES,
  coreNodeGroup: AL2023_CORE_NODE_GROUP,
  charts: { ...UPGRADE_2.charts, nvidiaDevicePlugin: NVIDIA_DEVICE_PLUGIN_0_17_4 },
};

/** Stage 4: Karpenter 1.14.1 and its v1-only CRDs, with the read actions it calls. */
const UPGRADE_4: PlatformSet = {
  ...UPGRADE_3,
  name: "upgrade-4",
  summary: "upgrade stage 4 of 4 from blueprint: Karpenter 1.14.1 (v1 APIs only)",
  karpenter: KARPENTER_1_14_1,
  karpenterCrd: KARPENTER_CRD_1_14_1,
  karpenterExtraReadActions: KARPENTER_1_14_1_EXTRA_READ_ACTIONS,
  kubernetes: { default: "1.32", requireKarpenterSupport: true },
};

const CURRENT: PlatformSet = {
  name: "current",
  summary: "supported versions for new deployments: EKS 1.35 by default, Karpenter v1 on Amazon Linux 2023",
  terraform: { requiredVersion: REQUIRED_TERRAFORM_VERSION },
  providers: PROVIDERS,
  modules: { ...SHARED_MODULES, eksDataAddons: EKS_DATA_ADDONS_V1 },
  karpenter: KARPENTER_1_14_1,
  karpenterCrd: KARPENTER_CRD_1_14_1,
  nodeImage: AL2023_IMAGES,
  coreNodeGroup: AL2023_CORE_NODE_GROUP,
  eksAddons: {
    mostRecent: true,
    ref: EKS_ADDONS_MODULE_DEFAULT.ref,
    checked: FACTS_CHECKED,
    why:
      "Said explicitly, not left to the module's default (the same, true): every " +
      "control-plane upgrade moves each add-on to the newest version EKS publishes " +
      "for the new Kubernetes version, in the same apply, after the control plane.",
  },
  charts: {
    jupyterhub: {
      chart: "https://hub.jupyter.org/helm-chart/ jupyterhub",
      version: "4.4.0",
      ref:
        "jupyterhub/zero-to-jupyterhub-k8s@4.4.0:jupyterhub/Chart.yaml, " +
        "docs/source/administrator/upgrading/upgrade-3-to-4.md",
      checked: FACTS_CHECKED,
      why:
        "The newest release (2026-06-10, JupyterHub 5.5.0), tested upstream on current " +
        "k3s. 3.2.1 runs kube-scheduler v1.26.11 as the user-scheduler, nine minor " +
        "versions behind Kubernetes 1.35, with RBAC that predates the 1.28 scheduler.",
    },
    kubePrometheusStack: {
      chart: "https://prometheus-community.github.io/helm-charts kube-prometheus-stack",
      version: "48.1.1",
      ref: "prometheus-community/helm-charts@kube-prometheus-stack-48.1.1:charts/kube-prometheus-stack/Chart.yaml",
      checked: FACTS_CHECKED,
      why: "The blueprint's pin; its kubeVersion is >=1.16.0-0 and it uses no API removed up to 1.36.",
    },
    nvidiaDevicePlugin: NVIDIA_DEVICE_PLUGIN_0_17_4,
  },
  clusterAutoscaler: {
    chartVersion: "9.59.0",
    imageTags: { "1.32": "v1.32.7", "1.33": "v1.33.6", "1.34": "v1.34.5", "1.35": "v1.35.2", "1.36": "v1.36.1" },
    ref:
      "kubernetes/autoscaler tags cluster-autoscaler-chart-9.59.0 and " +
      "cluster-autoscaler-1.3x.y; " +
      "aws-ia/terraform-aws-eks-blueprints-addons@v1.23.0:main.tf " +
      "(cluster_autoscaler_image_tag)",
    checked: FACTS_CHECKED,
    why:
      "cluster-autoscaler must match the cluster's minor version. " +
      "eks-blueprints-addons 1.23.0 installs chart 9.35.0 (2024, app 1.29) and maps " +
      "1.33 to image v1.32.1; these are the latest patch of each minor and the newest " +
      "chart (2026-07-21).",
  },
  karpenterExtraReadActions: KARPENTER_1_14_1_EXTRA_READ_ACTIONS,
  kubernetes: { default: "1.35", requireKarpenterSupport: true },
};

export const PLATFORM_SETS: Readonly<Record<PlatformName, PlatformSet>> = {
  current: CURRENT,
  blueprint: BLUEPRINT,
  "upgrade-1": UPGRADE_1,
  "upgrade-2": UPGRADE_2,
  "upgrade-3": UPGRADE_3,
  "upgrade-4": UPGRADE_4,
};

/** One stage of the upgrade path: the platform set to synthesize and what it changes. */
export interface UpgradeStage {
  readonly platform: PlatformName;
  readonly title: string;
}

/**
 * From an adopted blueprint deployment to `current`, in order: apply each set in turn
 * (docs/upgrading.md says what each plan shows, how to check it and how to roll back). A live
 * cluster's stage is told by the Karpenter version, the karpenter-crd release's version, the
 * NodePools' image family and the JupyterHub chart version: no two stages share all four.
 */
export const UPGRADE_PATH: readonly UpgradeStage[] = [
  {
    platform: "blueprint",
    title: "The adopted blueprint deployment: Karpenter 0.37.0, v1beta1 NodePools on Amazon Linux 2",
  },
  { platform: "upgrade-1", title: "Karpenter 0.37.8 with its CRDs in the karpenter-crd release" },
  { platform: "upgrade-2", title: "Karpenter 1.0.14: v1 CRDs and controller, the v1beta1 NodePools still served" },
  {
    platform: "upgrade-3",
    title: "Amazon Linux 2023: v1 NodePools, NVIDIA device plugin 0.17.4, a new core node group",
  },
  { platform: "upgrade-4", title: "Karpenter 1.14.1: v1 APIs only" },
  {
    platform: "current",
    title: "JupyterHub chart 4.4.0, cluster-autoscaler 9.59.0, managed add-ons at their newest, EKS 1.35 by default",
  },
];

/** Kubernetes minor versions compared as numbers: "1.9" < "1.10". */
export function compareKubernetesVersions(a: string, b: string): number {
  const [amaj, amin] = a.split(".").map(Number);
  const [bmaj, bmin] = b.split(".").map(Number);
  return amaj !== bmaj ? amaj - bmaj : amin - bmin;
}

/** Every minor version of `range`, both ends included: "1.23" .. "1.30". */
export function minorVersionsIn(range: KubernetesRange): string[] {
  const [major, min] = range.min.split(".").map(Number);
  const max = Number(range.max.split(".")[1]);
  const out: string[] = [];
  for (let minor = min; minor <= max; minor++) out.push(`${major}.${minor}`);
  return out;
}

function newer(a: string, b: string): string {
  return compareKubernetesVersions(a, b) >= 0 ? a : b;
}

function inRange(version: string, range: KubernetesRange): boolean {
  return compareKubernetesVersions(version, range.min) >= 0 && compareKubernetesVersions(version, range.max) <= 0;
}

/** The EKS versions that can be created on `day` (YYYY-MM-DD): released, extended support not over. */
export function creatableEksVersions(day: string = FACTS_CHECKED): EksKubernetesVersion[] {
  return EKS_KUBERNETES_VERSIONS.filter((v) => v.released <= day && day <= v.extendedSupportEnd);
}

/**
 * The values `eks_cluster_version` accepts in `set`: versions EKS can create on the day the
 * facts were checked, that the set's node images exist for and that its Karpenter supports
 * (where the set requires it; a set that does not allows nothing newer than its default
 * beyond its Karpenter's range). Deterministic: it depends on the facts, not on the clock.
 */
export function allowedKubernetesVersions(set: PlatformSet): EksKubernetesVersion[] {
  const karpenter = set.kubernetes.requireKarpenterSupport
    ? set.karpenter.kubernetes
    : // Holds the control plane: nothing newer than the default beyond what Karpenter supports.
      { min: "1.0", max: newer(set.karpenter.kubernetes.max, set.kubernetes.default) };
  return creatableEksVersions(FACTS_CHECKED).filter(
    (v) => inRange(v.version, set.nodeImage.kubernetes) && inRange(v.version, karpenter),
  );
}

export function isPlatformName(value: string): value is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(value);
}

// Pins that are the same in every platform set.

/**
 * Terraform's S3-native state locking (`use_lockfile`) is generally available from 1.11
 * (developer.hashicorp.com/terraform/language/v1.11.x/upgrade-guides, "S3 Native State
 * Locking", checked 2026-11-27); 1.10 had it as an experiment. A stack that uses it says so.
 */
export const S3_LOCKFILE_TERRAFORM_VERSION = ">= 1.11.0";

/**
 * The project's own charts (helm/<name>, installed from the stack directory). The version is
 * the blueprint's `chart_version` for the same chart, so an adopted release stays unchanged; a
 * test checks helm/efs/Chart.yaml says the same.
 */
export const LOCAL_CHARTS = {
  efs: {
    chart: "helm/efs",
    version: "0.0.1",
    ref:
      "awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/jupyterhub.tf " +
      "(helm_releases efs and efs-shared, chart_version)",
    checked: FACTS_CHECKED,
  },
} as const satisfies Readonly<Record<string, ChartPin>>;

/**
 * The Python packages the hub installs when it starts in cognito mode (the hub image has no
 * boto3), pinned exactly and installed with --no-deps: boto3 and botocore 1.43.107, s3transfer
 * 0.19.2 and jmespath 1.1.0, the versions boto3 1.43.107 requires (its wheel metadata); botocore's
 * other dependencies, python-dateutil and urllib3, are part of the hub image (z2jh
 * images/hub/requirements.txt at 3.2.1 and 4.4.0). boto3 1.43.107 needs Python 3.10 or later;
 * the hub images run 3.11 (3.2.1) and 3.12 (4.4.0). Versions taken 2026-11-27 from the PyPI
 * mirror this project was built with (the newest there; its wheels are dated 2026-10-01);
 * pypi.org itself was not reachable to confirm the upload date. Change them together.
 */
export const HUB_PYTHON_PACKAGES = [
  "boto3==1.43.107",
  "botocore==1.43.107",
  "s3transfer==0.19.2",
  "jmespath==1.1.0",
] as const;

/**
 * The notebook images of the shipped profiles (profiles/notebooks.ts), the blueprint's: its
 * JupyterHub values files name them (awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:
 * ai-ml/jupyterhub/helm/jupyterhub/jupyterhub-values-{dummy,cognito,oauth}.yaml, checked
 * 2026-11-27; copies in test/fixtures/blueprint/helm/jupyterhub/). The cognito file names an
 * older GPU build than the other two. The Neuron images are the blueprint's `latest`.
 */
export const NOTEBOOK_IMAGES = {
  elyra: "public.ecr.aws/data-on-eks/elyra-jupyter:3.15.0",
  pyspark350: "jupyter/pyspark-notebook:spark-3.5.0",
  pyspark341: "jupyter/pyspark-notebook:spark-3.4.1",
  gpuJupyter: "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only",
  gpuJupyterCognito: "cschranz/gpu-jupyter:v1.5_cuda-11.6_ubuntu-20.04_python-only",
  neuronPytorch: "public.ecr.aws/data-on-eks/pytorch-neuronx:latest",
  neuronTensorflow: "public.ecr.aws/data-on-eks/tensorflow-neuronx:latest",
} as const;
