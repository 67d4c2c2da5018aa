/**
 * Values of the cluster-autoscaler chart: discovers the node groups of one EKS
 * cluster by its tags and scales them in one region.
 */
import type { ResourceRequirements, RollingUpdateStrategy } from "./kubernetes";

export interface ClusterAutoscalerValues {
  autoDiscovery: { clusterName: string };
  awsRegion: string;
  cloudProvider: "aws";
  extraArgs: Record<string, string | number | boolean>;
  resources: ResourceRequirements;
  updateStrategy: RollingUpdateStrategy;
}

export interface ClusterAutoscalerParams {
  /** Region of the cluster (the blueprint passes var.region). */
  awsRegion: string;
  /** EKS cluster name (the blueprint passes module.eks.cluster_name). */
  eksClusterId: string;
}

export function clusterAutoscalerValues(p: ClusterAutoscalerParams): ClusterAutoscalerValues {
  return {
    autoDiscovery: { clusterName: p.eksClusterId },
    awsRegion: p.awsRegion,
    cloudProvider: "aws",
    // Use the instance type list built into the autoscaler instead of calling
    // the pricing API at start-up.
    extraArgs: { "aws-use-static-instance-list": true },
    resources: {
      limits: { cpu: "1000m", memory: "1G" },
      requests: { cpu: "200m", memory: "512Mi" },
    },
    updateStrategy: {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    },
  };
}
