/**
 * Values of the NVIDIA device plugin chart: GPU time-slicing (several pods
 * share one GPU), a MIG-aware configuration for A100 nodes, GPU feature
 * discovery, and tolerations for the GPU and JupyterHub user-node taints.
 *
 * The chart takes each device-plugin configuration as a YAML document in a
 * string (`config.map.<name>`); those documents are built from typed objects
 * here and rendered with the YAML library.
 */

import { nvidiaGpuToleration, userNodeToleration } from "../profiles/notebooks";
import type { Toleration } from "./kubernetes";
import { toYaml } from "./render";

export interface SharedResource {
  /** Extended resource name, e.g. "nvidia.com/gpu" or "nvidia.com/mig-1g.5gb". */
  name: string;
  /** How many pods may share one unit of the resource. */
  replicas: number;
}

/** One device-plugin configuration file (config API version v1). */
export interface DevicePluginConfig {
  version: "v1";
  flags: { migStrategy: "none" | "single" | "mixed" };
  sharing: { timeSlicing: { resources: SharedResource[] } };
}

export interface NvidiaDevicePluginValues {
  mixedStrategy: "mixed";
  /** Configuration name -> configuration document (YAML text). */
  config: { map: Record<string, string> };
  gfd: { enabled: boolean };
  nfd: { worker: { tolerations: Toleration[] } };
  tolerations: Toleration[];
}

export interface NvidiaDevicePluginParams {
  /** Pods per physical GPU in the default configuration. Default 4. */
  timeSlicingReplicas?: number;
}

export const DEFAULT_TIME_SLICING_REPLICAS = 4;

/** The default configuration: whole GPUs shared by `replicas` pods each. */
export function defaultDevicePluginConfig(replicas: number): DevicePluginConfig {
  return {
    version: "v1",
    flags: { migStrategy: "none" },
    sharing: { timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas }] } },
  };
}

/** The A100 configuration: MIG in mixed mode, each slice size time-shared. */
export function a100DevicePluginConfig(): DevicePluginConfig {
  return {
    version: "v1",
    flags: { migStrategy: "mixed" },
    sharing: {
      timeSlicing: {
        resources: [
          { name: "nvidia.com/gpu", replicas: 8 },
          { name: "nvidia.com/mig-1g.5gb", replicas: 2 },
          { name: "nvidia.com/mig-2g.10gb", replicas: 2 },
          { name: "nvidia.com/mig-3g.20gb", replicas: 3 },
          { name: "nvidia.com/mig-7g.40gb", replicas: 7 },
        ],
      },
    },
  };
}

/**
 * A configuration document as the chart expects it: YAML text with sequences
 * at their parent's indentation and no final newline.
 */
export function renderDevicePluginConfig(config: DevicePluginConfig): string {
  return toYaml(config, { indentSequences: false }).replace(/\n$/, "");
}

export function nvidiaDevicePluginValues(p: NvidiaDevicePluginParams = {}): NvidiaDevicePluginValues {
  const replicas = p.timeSlicingReplicas ?? DEFAULT_TIME_SLICING_REPLICAS;
  if (!Number.isSafeInteger(replicas) || replicas < 1) {
    throw new Error(`timeSlicingReplicas must be a positive whole number known at synth time, got ${replicas}`);
  }
  return {
    mixedStrategy: "mixed",
    config: {
      map: {
        default: renderDevicePluginConfig(defaultDevicePluginConfig(replicas)),
        "nvidia-a100g": renderDevicePluginConfig(a100DevicePluginConfig()),
      },
    },
    gfd: { enabled: true },
    nfd: {
      worker: {
        tolerations: [{ ...nvidiaGpuToleration }, { operator: "Exists" }, { ...userNodeToleration }],
      },
    },
    tolerations: [
      { key: "CriticalAddonsOnly", operator: "Exists" },
      { ...nvidiaGpuToleration },
      { ...userNodeToleration },
    ],
  };
}
