/**
 * Small Kubernetes shapes shared by the values files. They cover the fields
 * our values use; they are not complete Kubernetes API types.
 */

/** A resource quantity: "500m", "4Gi", or a bare number such as 2 (CPUs). */
export type Quantity = string | number;

export interface ResourceList {
  cpu?: Quantity;
  memory?: Quantity;
}

export interface ResourceRequirements {
  limits?: ResourceList;
  requests?: ResourceList;
}

/** The one pod toleration type, with its Kubernetes matching rules, is the profile catalog's. */
export type { Toleration } from "../profiles/types";

/** A Deployment update strategy with a rolling update. */
export interface RollingUpdateStrategy {
  type: "RollingUpdate";
  rollingUpdate: {
    maxSurge: number | string;
    maxUnavailable: number | string;
  };
}
