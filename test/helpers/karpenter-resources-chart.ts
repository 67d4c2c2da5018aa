/**
 * What the eks-data-addons 1.38.0 `karpenter-resources` chart renders from one release's
 * values, as objects: a karpenter.sh/v1 NodePool and a karpenter.k8s.aws/v1 EC2NodeClass.
 *
 * No helm binary can be installed here, so this follows the chart's two templates line by
 * line (aws-ia/terraform-aws-eks-data-addons@v1.38.0:helm-charts/karpenter-resources/
 * templates/node-pool.yaml and node-class.yaml), after helm's merge of the chart's defaults
 * (values.yaml of the same tag) with the release's values: maps merge key by key, anything
 * else replaces the default.
 */

type Plain = Record<string, any>;

/** The chart's values.yaml at v1.38.0 (only the keys the templates read). */
export const CHART_DEFAULTS: Plain = {
  name: "default",
  clusterName: "test-cluster",
  ec2NodeClass: {
    enabled: true,
    amiSelectorTerms: [{ alias: "bottlerocket@latest" }],
    subnetSelectorTerms: { id: null },
    securityGroupSelectorTerms: null,
    karpenterRole: null,
    metadataOptions: {
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 2,
      httpTokens: "required",
    },
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
      },
    ],
    detailedMonitoring: true,
    userData: null,
    instanceStorePolicy: null,
  },
  nodePool: {
    enabled: true,
    labels: null,
    taints: null,
    requirements: null,
    expireAfter: "720h",
    terminationGracePeriod: "48h",
    disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "30s", budgets: [{ nodes: "10%" }] },
    limits: { cpu: "1000", memory: "1000Gi" },
    weight: 10,
  },
};

function isMap(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Helm's coalescing of user values over chart defaults. */
export function mergeValues(defaults: Plain, values: Plain): Plain {
  const out: Plain = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    out[k] = isMap(v) && isMap(defaults[k]) ? mergeValues(defaults[k], v) : v;
  }
  return out;
}

/** YAML scalars written unquoted by the templates come back as numbers where they look like one. */
function scalar(v: unknown): unknown {
  return typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : v;
}

export interface RenderedKarpenterResources {
  readonly nodePool?: Plain;
  readonly ec2NodeClass?: Plain;
}

export function renderKarpenterResources(releaseValues: Plain): RenderedKarpenterResources {
  const v = mergeValues(CHART_DEFAULTS, releaseValues);
  const out: { nodePool?: Plain; ec2NodeClass?: Plain } = {};

  const nc = v.ec2NodeClass;
  if (nc.enabled) {
    const spec: Plain = {};
    if (nc.amiFamily) spec.amiFamily = nc.amiFamily;
    if (nc.amiSelectorTerms) spec.amiSelectorTerms = nc.amiSelectorTerms;
    const subnetTerms: Plain[] = [];
    if (isMap(nc.subnetSelectorTerms) && "tags" in nc.subnetSelectorTerms) {
      subnetTerms.push({
        tags: Object.fromEntries(Object.entries(nc.subnetSelectorTerms.tags).map(([k, t]) => [k, String(t)])),
      });
    }
    if (isMap(nc.subnetSelectorTerms) && nc.subnetSelectorTerms.id) subnetTerms.push({ id: nc.subnetSelectorTerms.id });
    spec.subnetSelectorTerms = subnetTerms;
    const sgTerms: Plain[] = [];
    const sg = nc.securityGroupSelectorTerms;
    if (isMap(sg) && "name" in sg) sgTerms.push({ name: sg.name });
    if (isMap(sg) && "id" in sg) sgTerms.push({ id: sg.id });
    if (isMap(sg) && "tags" in sg) {
      sgTerms.push({ tags: Object.fromEntries(Object.entries(sg.tags).map(([k, t]) => [k, String(t)])) });
    }
    spec.securityGroupSelectorTerms = sgTerms;
    spec.role = nc.karpenterRole;
    spec.tags = { Name: `karpenter-${v.name}` };
    spec.metadataOptions = { ...nc.metadataOptions };
    if (nc.blockDeviceMappings) spec.blockDeviceMappings = nc.blockDeviceMappings;
    spec.detailedMonitoring = nc.detailedMonitoring;
    if (nc.instanceStorePolicy) spec.instanceStorePolicy = nc.instanceStorePolicy;
    if (nc.userData) spec.userData = nc.userData;
    out.ec2NodeClass = { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: v.name }, spec };
  }

  const np = v.nodePool;
  if (np.enabled) {
    // `NodePool` and `NodeGroupType` first, then each single-key map of `labels` in order; a
    // later duplicate key wins, as the YAML parser helm uses keeps the last one.
    const labels: Plain = { NodePool: v.name, NodeGroupType: v.name };
    for (const entry of (np.labels ?? []) as Plain[]) Object.assign(labels, entry);
    const templateSpec: Plain = { nodeClassRef: { name: v.name, group: "karpenter.k8s.aws", kind: "EC2NodeClass" } };
    if (np.taints) templateSpec.taints = np.taints;
    if (np.requirements) templateSpec.requirements = np.requirements;
    templateSpec.expireAfter = np.expireAfter;
    templateSpec.terminationGracePeriod = np.terminationGracePeriod;
    const disruption: Plain = {
      consolidationPolicy: np.disruption.consolidationPolicy,
      consolidateAfter: np.disruption.consolidateAfter,
    };
    if (np.disruption.budgets) disruption.budgets = np.disruption.budgets;
    out.nodePool = {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: v.name },
      spec: {
        template: { metadata: { labels }, spec: templateSpec },
        disruption,
        limits: { cpu: scalar(np.limits.cpu), memory: np.limits.memory },
        weight: np.weight,
      },
    };
  }
  return out;
}
