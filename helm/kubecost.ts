/**
 * Values of the Kubecost cost-analyzer chart: it reads metrics from the
 * kube-prometheus-stack Prometheus instead of bundling its own Prometheus,
 * node exporter, kube-state-metrics or Grafana.
 */
import type { ResourceRequirements } from "./kubernetes";

export interface KubecostValues {
  global: { prometheus: { fqdn: string; enabled: boolean } };
  prometheus: {
    nodeExporter: { enabled: boolean };
    serviceAccounts: { nodeExporter: { create: boolean } };
    kubeStateMetrics: { enabled: boolean };
  };
  kubecostFrontend: { image: string; resources: ResourceRequirements };
  kubecostMetrics: { emitPodAnnotations: boolean; emitNamespaceAnnotations: boolean };
  kubecostModel: { image: string; resources: ResourceRequirements };
  persistentVolume: { size: string; dbSize: string; enabled: boolean; storageClass: string };
  grafana: { enabled: boolean };
}

export function kubecostValues(): KubecostValues {
  return {
    global: {
      prometheus: {
        fqdn: "http://kube-prometheus-stack-prometheus.kube-prometheus-stack.svc:9090",
        enabled: false,
      },
    },
    prometheus: {
      nodeExporter: { enabled: false },
      serviceAccounts: { nodeExporter: { create: false } },
      kubeStateMetrics: { enabled: false },
    },
    kubecostFrontend: {
      image: "public.ecr.aws/kubecost/frontend",
      resources: { requests: { cpu: "200m", memory: "512Mi" } },
    },
    kubecostMetrics: { emitPodAnnotations: true, emitNamespaceAnnotations: true },
    kubecostModel: {
      image: "public.ecr.aws/kubecost/cost-model",
      resources: { requests: { cpu: "500m", memory: "512Mi" } },
    },
    // Kubecost keeps its settings on this volume; without it they are lost
    // whenever the pod restarts.
    persistentVolume: { size: "32Gi", dbSize: "32.0Gi", enabled: true, storageClass: "gp3" },
    grafana: { enabled: false },
  };
}
