/**
 * Values of the metrics-server chart: two replicas spread over distinct nodes,
 * a PodDisruptionBudget and a rolling update that never exceeds two pods.
 */
import type { ResourceRequirements, RollingUpdateStrategy } from "./kubernetes";

export interface MetricsServerValues {
  image: { repository: string; pullPolicy: "Always" | "IfNotPresent" | "Never" };
  serviceAccount: { create: boolean; name: string };
  rbac: { create: boolean; pspEnabled: boolean };
  apiService: { create: boolean };
  podLabels: Record<string, string>;
  replicas: number;
  updateStrategy: RollingUpdateStrategy;
  podDisruptionBudget: { enabled: boolean; minAvailable: number };
  defaultArgs: string[];
  resources: ResourceRequirements;
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: Array<{
        labelSelector: { matchLabels: Record<string, string> };
        namespaces: string[];
        topologyKey: string;
      }>;
    };
  };
}

const APP_LABEL = { "k8s-app": "metrics-server" };

export function metricsServerValues(): MetricsServerValues {
  return {
    image: {
      repository: "registry.k8s.io/metrics-server/metrics-server",
      pullPolicy: "IfNotPresent",
    },
    serviceAccount: { create: true, name: "metrics-server" },
    rbac: { create: true, pspEnabled: false },
    apiService: { create: true },
    podLabels: { ...APP_LABEL },
    // Two replicas plus the PDB and anti-affinity below keep the metrics API
    // available while a node drains.
    replicas: 2,
    updateStrategy: {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    },
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    defaultArgs: [
      "--cert-dir=/tmp",
      "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
      "--kubelet-use-node-status-port",
      "--metric-resolution=15s",
    ],
    resources: { requests: { cpu: "200m", memory: "512Mi" } },
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { ...APP_LABEL } },
            namespaces: ["kube-system"],
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      },
    },
  };
}
