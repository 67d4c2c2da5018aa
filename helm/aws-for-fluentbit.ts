/**
 * Values of the aws-for-fluentbit chart: tails container logs on every node,
 * enriches them with pod metadata read from the local kubelet (not the API
 * server, which matters on large clusters) and ships them to CloudWatch Logs
 * with the C `cloudwatch_logs` output plugin.
 */
import type { ResourceRequirements, Toleration } from "./kubernetes";

/** Fluent Bit switches written as the strings it expects ("On"/"Off"). */
export type FluentBitSwitch = "On" | "Off";

export interface AwsForFluentbitValues {
  global: null;
  hostNetwork: boolean;
  dnsPolicy: "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";
  service: { parsersFiles: string[]; extraParsers: string };
  input: {
    name: string;
    enabled: boolean;
    tag: string;
    path: string;
    db: string;
    memBufLimit: string;
    skipLongLines: FluentBitSwitch;
    refreshInterval: number;
    extraInputs: string;
  };
  filter: {
    name: string;
    match: string;
    kubeURL: string;
    mergeLog: FluentBitSwitch;
    mergeLogKey: string;
    keepLog: FluentBitSwitch;
    k8sLoggingParser: FluentBitSwitch;
    k8sLoggingExclude: FluentBitSwitch;
    bufferSize: string;
    extraFilters: string;
  };
  cloudWatchLogs: {
    enabled: boolean;
    match: string;
    region: string;
    logGroupName: string;
    autoCreateGroup: boolean;
    extraOutputs: string;
  };
  resources: ResourceRequirements;
  priorityClassName: string;
  tolerations: Toleration[];
}

export interface AwsForFluentbitParams {
  /** Region of the CloudWatch log group. */
  region: string;
  /** Name of the existing log group, e.g. "/<name>/aws-fluentbit-logs". */
  cloudwatchLogGroup: string;
}

/** Lines of a Fluent Bit configuration block, newline-terminated. */
function configBlock(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

// Tail tag layout shared by the input and the parser below.
const TAG_PREFIX = "systempods.";

export function awsForFluentbitValues(p: AwsForFluentbitParams): AwsForFluentbitValues {
  return {
    global: null,
    // Host networking lets the kubernetes filter reach the kubelet on the node.
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    service: {
      parsersFiles: ["/fluent-bit/parsers/parsers.conf"],
      // Splits the tail tag back into namespace, container, pod and container id.
      extraParsers: configBlock([
        "[PARSER]",
        "    Name    kubernetes",
        "    Format  regex",
        String.raw`    Regex   ^(?<namespace_name>[^_]+)\.(?<container_name>.+)\.(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\.(?<docker_id>[a-z0-9]{64})-$`,
      ]),
    },
    input: {
      name: "tail",
      enabled: true,
      tag: `${TAG_PREFIX}<namespace_name>.<container_name>.<pod_name>.<docker_id>-`,
      path: "/var/log/containers/*.log",
      db: "/var/log/flb_kube.db",
      memBufLimit: "5MB",
      skipLongLines: "On",
      refreshInterval: 10,
      extraInputs: configBlock([
        "multiline.parser  docker, cri",
        String.raw`Tag_Regex         (?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\.log$`,
      ]),
    },
    filter: {
      name: "kubernetes",
      match: `${TAG_PREFIX}*`,
      kubeURL: "https://kubernetes.default.svc.cluster.local:443",
      mergeLog: "On",
      mergeLogKey: "log_processed",
      keepLog: "On",
      k8sLoggingParser: "On",
      k8sLoggingExclude: "Off",
      bufferSize: "0",
      // Pod metadata comes from the kubelet on port 10250, not the API server.
      extraFilters: configBlock([
        `Kube_Tag_Prefix     ${TAG_PREFIX}`,
        "Regex_Parser        kubernetes",
        "Labels              On",
        "Annotations         Off",
        "Use_Kubelet         true",
        "Kubelet_Port        10250",
        "Kube_CA_File        /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
        "Kube_Token_File     /var/run/secrets/kubernetes.io/serviceaccount/token",
      ]),
    },
    // The C output plugin; the older Go `cloudWatch` plugin stays disabled.
    cloudWatchLogs: {
      enabled: true,
      match: `${TAG_PREFIX}*`,
      region: p.region,
      logGroupName: p.cloudwatchLogGroup,
      // The log group is created (with its retention) by Terraform.
      autoCreateGroup: false,
      extraOutputs: configBlock(["log_key               log"]),
    },
    resources: {
      limits: { cpu: "1000m", memory: "1500Mi" },
      requests: { cpu: "500m", memory: "500Mi" },
    },
    priorityClassName: "system-node-critical",
    // Run on every node whatever its taints, so no node's logs are missed.
    tolerations: [{ operator: "Exists" }],
  };
}
