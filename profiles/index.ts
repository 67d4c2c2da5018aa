/**
 * The profile catalog: notebook profiles, the Karpenter NodePools and node groups they run on,
 * the renderers that turn them into helm values, and the checks that keep them consistent.
 */

export { blueprintMigProfile } from "./blueprint-mig";
export { exampleProfile } from "./examples";
export { managedNodeGroups, nodePools } from "./node-pools";
export {
  gpuJupyterImage,
  neuronTolerations,
  notebookProfiles,
  nvidiaGpuToleration,
  SHIPPED_PROFILE_NAMES,
  shippedProfiles,
  userNodeToleration,
} from "./notebooks";
export {
  BLUEPRINT_KARPENTER_RESOURCES,
  type KarpenterResourcesTarget,
  NOTEBOOK_POOL_BUDGETS,
  type NodePoolRefs,
  renderKarpenterResourcesHelmConfig,
  renderNodePoolValues,
  renderProfileList,
  resolveImage,
} from "./render";
export * from "./types";
export { assertValidCatalog, tolerates, USER_POD_NODE_LABELS, type ValidateOptions, validateCatalog } from "./validate";
