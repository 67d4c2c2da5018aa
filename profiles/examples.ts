/**
 * The worked example of a team's own notebook profile, quoted in docs/profiles.md and the
 * README and used by the tests; not part of the shipped catalog.
 */

import type { NotebookProfile } from "./types";

/**
 * A worked example of adding a profile: a CPU notebook on the `default` (x86) NodePool,
 * offered in every auth mode. It is not part of the shipped catalog; the tests and
 * docs/profiles.md use it to show that one object is all a new profile takes.
 */
export const exampleProfile: NotebookProfile = {
  displayName: "Data Science (CPU)",
  description: "SciPy Notebooks | Karpenter AutoScaling",
  modes: ["dummy", "cognito", "oauth"],
  image: "quay.io/jupyter/scipy-notebook:2025-03-14",
  nodeSelector: { NodePool: "default", "hub.jupyter.org/node-purpose": "user" },
  cpuGuarantee: 1,
  memGuarantee: "4G",
  cpuLimit: 2,
  memLimit: "4G",
};
