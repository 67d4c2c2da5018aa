/**
 * Types of the profile catalog: the notebook profiles users pick from in JupyterHub, the
 * Karpenter NodePools that run them and the managed node groups of the cluster.
 *
 * The catalog is data. The JupyterHub `singleuser.profileList` and the values of the
 * `karpenter-resources` helm releases are rendered from it (render.ts), and validate.ts checks
 * that every profile can actually be scheduled.
 */

import type { AuthMechanism } from "../variables";

// The auth mechanism (variable jupyter_hub_auth_mechanism) is variables.ts's AuthMechanism and
// AUTH_MECHANISMS; each mechanism has its own JupyterHub values (and profile list).

/** Kubernetes taint effects. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** A node taint (Kubernetes `Taint`; Karpenter NodePool `spec.template.spec.taints`). */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/**
 * A pod toleration with Kubernetes semantics: `Exists` matches any value of `key` (and with
 * no key, every taint); `Equal` matches `key` and `value`; no `effect` matches every effect.
 */
export type Toleration =
  | {
      readonly key?: string;
      readonly operator: "Exists";
      readonly value?: never;
      readonly effect?: TaintEffect;
    }
  | {
      readonly key: string;
      readonly operator: "Equal";
      readonly value: string;
      readonly effect?: TaintEffect;
    };

/**
 * Extended resources advertised by the device plugins the platform installs: the NVIDIA
 * device plugin (whole or time-sliced GPUs, and MIG slices such as `nvidia.com/mig-1g.5gb`
 * where MIG is enabled) and the AWS Neuron device plugin.
 */
export type DeviceResource =
  | "nvidia.com/gpu"
  | `nvidia.com/mig-${number}g.${number}gb`
  | "aws.amazon.com/neuron"
  | "aws.amazon.com/neuroncore"
  | "aws.amazon.com/neurondevice";

/** Node labels, in the order they are rendered. */
export type Labels = Readonly<Record<string, string>>;

/** A KubeSpawner memory size (its ByteSpecification accepts the suffixes K, M, G and T). */
export type MemorySize = `${number}${"K" | "M" | "G" | "T"}`;

/**
 * A container image. Either one reference for every auth mode, or a base reference with
 * per-mode replacements (the blueprint's cognito values pin older GPU images).
 */
export type ImageRef =
  | string
  | {
      readonly image: string;
      readonly byMode: Readonly<Partial<Record<AuthMechanism, string>>>;
    };

/** One entry of `profile_options.image.choices`. */
export interface ImageChoice {
  /** The key of the choice in the `choices` map (KubeSpawner's option slug). */
  readonly key: string;
  readonly displayName: string;
  /** The preselected choice; exactly one choice of a profile has it. */
  readonly default?: boolean;
  /** Rendered as the choice's `kubespawner_override.image`. */
  readonly image: ImageRef;
}

/** `profile_options.image`: lets the user pick the notebook image. */
export interface ImageOptions {
  /** The label of the drop-down (the blueprint uses "Image"). */
  readonly displayName: string;
  readonly choices: readonly ImageChoice[];
}

/**
 * The notebook command. The blueprint puts `cmd` either beside `kubespawner_override` (where
 * KubeSpawner ignores it) or inside it; `placement` keeps each profile's choice so the
 * rendered list equals the blueprint's. `null` means the image's own command.
 */
export interface NotebookCommand {
  readonly value: string | null;
  readonly placement: "profile" | "kubespawner_override";
}

interface ProfileCommon {
  /** Shown in the spawner form; unique among the profiles of one auth mode. */
  readonly displayName: string;
  readonly description: string;
  /** The auth modes whose profile list offers this profile. */
  readonly modes: readonly AuthMechanism[];
  /** The preselected profile; exactly one per auth mode. */
  readonly default?: boolean;
  /** `kubespawner_override.node_selector`: labels of the NodePool or node group to run on. */
  readonly nodeSelector: Labels;
  /** `kubespawner_override.tolerations`: must cover the taints of that NodePool. */
  readonly tolerations?: readonly Toleration[];
  readonly cpuGuarantee: number;
  readonly memGuarantee: MemorySize;
  readonly cpuLimit: number;
  readonly memLimit: MemorySize;
  /** `kubespawner_override.extra_resource_limits` (quantities as strings, as KubeSpawner passes them). */
  readonly extraResourceLimits?: Readonly<Partial<Record<DeviceResource, string>>>;
  /** `kubespawner_override.extra_resource_guarantees`. */
  readonly extraResourceGuarantees?: Readonly<Partial<Record<DeviceResource, number>>>;
  readonly cmd?: NotebookCommand;
  /**
   * Lets the notebook user run `sudo` (off by default). The notebook then starts as root, which
   * the Jupyter Docker Stacks start script needs to grant sudo before it drops to the image's
   * user, with privilege escalation allowed. Root in the container can do more than the notebook
   * user (install system packages, change files of its home that the user could not), not more
   * than the pod's mounts and capabilities allow: offer it only to people you trust with that.
   */
  readonly sudo?: boolean;
}

/** A profile with one image (`kubespawner_override.image`). */
export interface SingleImageProfile extends ProfileCommon {
  readonly image: ImageRef;
  readonly imageOptions?: never;
}

/** A profile whose user picks the image (`profile_options.image`). */
export interface ImageChoiceProfile extends ProfileCommon {
  readonly image?: never;
  readonly imageOptions: ImageOptions;
}

/** One entry of JupyterHub's `singleuser.profileList`. */
export type NotebookProfile = SingleImageProfile | ImageChoiceProfile;

/** Karpenter's consolidation policies (v1beta1 NodePool API, chart 0.37). */
export type ConsolidationPolicy = "WhenEmpty" | "WhenUnderutilized";

/** A Karpenter duration such as `60s`, `720h`, or `Never`. */
export type KarpenterDuration = `${number}${"s" | "m" | "h"}` | "Never";

/**
 * A Karpenter NodePool and its EC2NodeClass, installed by one release of the eks-data-addons
 * `karpenter-resources` chart.
 */
export interface NodePool {
  /** The NodePool and EC2NodeClass name. */
  readonly name: string;
  /**
   * The key of this release in `karpenter_resources_helm_config`. It is part of the helm
   * release's Terraform address inside module.eks_data_addons: never rename a shipped one.
   */
  readonly releaseKey: string;
  /** Node labels, rendered as a list of single-key maps as the chart expects. */
  readonly labels: Labels;
  /** Node taints; an empty list renders no `taints` key. */
  readonly taints: readonly Taint[];
  /** `karpenter.k8s.aws/instance-family` In these. */
  readonly instanceFamilies: readonly string[];
  /** `karpenter.k8s.aws/instance-size` In these. */
  readonly instanceSizes: readonly string[];
  readonly limits: { readonly cpu: number };
  readonly disruption: {
    readonly consolidationPolicy: ConsolidationPolicy;
    readonly consolidateAfter: KarpenterDuration;
    readonly expireAfter: KarpenterDuration;
  };
  readonly weight: number;
  /** Index into module.vpc.private_subnets of the subnet the nodes are launched in. */
  readonly subnetIndex: number;
  readonly instanceStorePolicy?: "RAID0";
  /** Extended resources the nodes of this pool advertise (through the device plugins). */
  readonly offers: readonly DeviceResource[];
}

/** An EKS managed node group, as far as scheduling is concerned. */
export interface NodeGroup {
  /** The key in the EKS module's `eks_managed_node_groups`. */
  readonly key: string;
  /** The node group's `name` input. */
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly offers: readonly DeviceResource[];
}

/** Everything validateCatalog checks together. */
export interface Catalog {
  readonly profiles: readonly NotebookProfile[];
  readonly nodePools: readonly NodePool[];
  readonly nodeGroups: readonly NodeGroup[];
}
