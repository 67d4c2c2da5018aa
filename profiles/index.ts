/**
 * The profile catalog: notebook profiles, the Karpenter NodePools and node groups they run on,
 * the renderers that turn them into helm values, and the checks that keep them consistent.
 */
export * from "./types";
export { notebookProfiles, SHIPPED_PROFILE_NAMES, shippedProfiles, gpuJupyterImage, neuronTolerations, nvidiaGpuToleration, userNodeToleration } from "./notebooks";
export { nodePools, managedNodeGroups } from "./node-pools";
export { blueprintMigProfile } from "./blueprint-mig";
export { exampleProfile } from "./examples";
export {
  renderProfileList,
  renderNodePoolValues,
  renderKarpenterResourcesHelmConfig,
  resolveImage,
  type NodePoolRefs,
  type KarpenterResourcesTarget,
  BLUEPRINT_KARPENTER_RESOURCES,
  NOTEBOOK_POOL_BUDGETS,
} from "./render";
export { validateCatalog, assertValidCatalog, tolerates, USER_POD_NODE_LABELS, type ValidateOptions } from "./validate";
