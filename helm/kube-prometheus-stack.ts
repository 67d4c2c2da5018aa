/**
 * Values of the kube-prometheus-stack chart: Prometheus with a short retention
 * on a gp3 volume, scraping Kubecost, the JupyterHub hub and GPU exporters;
 * Grafana on, Alertmanager off.
 */
import type { ResourceRequirements } from "./kubernetes";

export interface DnsScrapeConfig {
  job_name: string;
  honor_labels: true;
  scrape_interval: string;
  scrape_timeout: string;
  metrics_path: string;
  scheme: "http" | "https";
  dns_sd_configs: Array<{ names: string[]; type: "A" | "AAAA" | "SRV" | "MX"; port: number }>;
}

export interface KubernetesScrapeConfig {
  job_name: string;
  scrape_interval: string;
  metrics_path: string;
  scheme: "http" | "https";
  kubernetes_sd_configs: Array<{ role: "endpoints" | "pod" | "service" | "node"; namespaces: { names: string[] } }>;
  relabel_configs: Array<{ source_labels: string[]; action: string; target_label: string }>;
}

export interface KubePrometheusStackValues {
  prometheus: {
    prometheusSpec: {
      resources: ResourceRequirements;
      retention: string;
      scrapeInterval: string;
      evaluationInterval: string;
      scrapeTimeout: string;
      storageSpec: {
        volumeClaimTemplate: {
          metadata: { name: string };
          spec: {
            storageClassName: string;
            accessModes: string[];
            resources: { requests: { storage: string } };
          };
        };
      };
      additionalScrapeConfigs: Array<DnsScrapeConfig | KubernetesScrapeConfig>;
    };
  };
  alertmanager: { enabled: boolean };
  grafana: {
    enabled: boolean;
    defaultDashboardsEnabled: boolean;
    resources: ResourceRequirements;
    sidecar: { datasources: { alertmanager: { enabled: boolean } } };
  };
  "kube-state-metrics": { metricLabelsAllowlist: string[] };
}

/** A scrape job that finds its single target through a DNS A record. */
function dnsJob(jobName: string, metricsPath: string, host: string, port: number): DnsScrapeConfig {
  return {
    job_name: jobName,
    honor_labels: true,
    scrape_interval: "1m",
    scrape_timeout: "10s",
    metrics_path: metricsPath,
    scheme: "http",
    dns_sd_configs: [{ names: [host], type: "A", port }],
  };
}

export function kubePrometheusStackValues(): KubePrometheusStackValues {
  return {
    prometheus: {
      prometheusSpec: {
        resources: { requests: { memory: "4Gi", cpu: 2 } },
        retention: "5h",
        scrapeInterval: "30s",
        evaluationInterval: "30s",
        scrapeTimeout: "10s",
        storageSpec: {
          volumeClaimTemplate: {
            metadata: { name: "data" },
            spec: {
              storageClassName: "gp3",
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: "100Gi" } },
            },
          },
        },
        additionalScrapeConfigs: [
          // Kubecost reuses this Prometheus, so it must scrape the cost model.
          dnsJob("kubecost", "/metrics", "kubecost-cost-analyzer.kubecost.svc", 9003),
          dnsJob("jupyterhub", "/hub/metrics", "hub.jupyterhub.svc", 8081),
          {
            job_name: "gpu-metrics",
            scrape_interval: "1m",
            metrics_path: "/metrics",
            scheme: "http",
            kubernetes_sd_configs: [{ role: "endpoints", namespaces: { names: ["gpu-operator"] } }],
            relabel_configs: [
              {
                source_labels: ["__meta_kubernetes_pod_node_name"],
                action: "replace",
                target_label: "kubernetes_node",
              },
            ],
          },
        ],
      },
    },
    alertmanager: { enabled: false },
    grafana: {
      enabled: true,
      defaultDashboardsEnabled: true,
      resources: { requests: { memory: "4Gi", cpu: 2 } },
      sidecar: { datasources: { alertmanager: { enabled: false } } },
    },
    "kube-state-metrics": {
      // Export the labels that identify JupyterHub pods and their users, and
      // every node label.
      metricLabelsAllowlist: ["pods=[app,component,hub.jupyter.org/username]", "nodes=[*]"],
    },
  };
}
