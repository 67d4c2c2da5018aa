/**
 * The catalog's validation: every profile schedules on a NodePool or node group (Kubernetes
 * toleration semantics), and a team's own profiles come on top of the shipped ones.
 */
import {
  assertValidCatalog,
  blueprintMigProfile,
  type Catalog,
  exampleProfile,
  type ImageChoiceProfile,
  managedNodeGroups,
  type NotebookProfile,
  nodePools,
  notebookProfiles,
  renderProfileList,
  SHIPPED_PROFILE_NAMES,
  shippedProfiles,
  tolerates,
  validateCatalog,
} from "../profiles";

// The shipped profiles: the checks below name them; a team's own profiles are tested by the
// catalog's validation at synthesis, not by these golden values.
const shippedCatalog = shippedProfiles(notebookProfiles);
const shipped: Catalog = { profiles: shippedCatalog, nodePools, nodeGroups: managedNodeGroups };

function profile(displayName: string): NotebookProfile {
  const found = notebookProfiles.find((p) => p.displayName === displayName);
  if (found === undefined) throw new Error(`no profile ${displayName}`);
  return found;
}

/** The shipped catalog with one profile replaced. */
function withProfile(displayName: string, change: (p: NotebookProfile) => NotebookProfile): Catalog {
  return {
    ...shipped,
    profiles: shippedCatalog.map((p) => (p.displayName === displayName ? change(p) : p)),
  };
}

const GPU_TS = "Data Science (GPU + Time-Slicing - G5)";
const DATA_ENG = "Data Engineering (CPU)";
const dataEngineering = profile(DATA_ENG) as ImageChoiceProfile;
const dataEngineeringChoices = dataEngineering.imageOptions.choices;

describe("tolerates (Kubernetes semantics)", () => {
  const gpuTaint = { key: "nvidia.com/gpu", value: "Exists", effect: "NoSchedule" } as const;
  it("matches Exists on the key whatever the value", () => {
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, gpuTaint)).toBe(true);
    expect(tolerates({ key: "nvidia.com/gpux", operator: "Exists" }, gpuTaint)).toBe(false);
  });
  it("lets an empty-key Exists tolerate every taint", () => {
    expect(tolerates({ operator: "Exists" }, gpuTaint)).toBe(true);
    expect(tolerates({ key: "", operator: "Exists" }, { key: "a", effect: "NoExecute" })).toBe(true);
  });
  it("matches Equal on key and value", () => {
    const dedicated = { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" } as const;
    expect(tolerates({ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user" }, dedicated)).toBe(true);
    expect(tolerates({ key: "hub.jupyter.org/dedicated", operator: "Equal", value: "core" }, dedicated)).toBe(false);
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Equal", value: "true" }, gpuTaint)).toBe(false);
  });
  it("requires the effect to match when one is given", () => {
    expect(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }, gpuTaint)).toBe(false);
  });
});

describe("validateCatalog", () => {
  it("accepts the shipped catalog", () => {
    expect(validateCatalog(shipped)).toEqual([]);
    expect(() => assertValidCatalog(shipped)).not.toThrow();
  });

  it("rejects the blueprint's MIG profile: nothing carries its labels and nothing offers MIG slices", () => {
    const errors = validateCatalog({ ...shipped, profiles: [...notebookProfiles, blueprintMigProfile] });
    expect(errors).toEqual([
      'Profile "Data Science (GPU + MIG on P4d.24xlarge)": no NodePool or node group has the labels its pod needs ' +
        "(provisioner=cluster-autoscaler, " +
        "node.kubernetes.io/instance-type=p4d.24xlarge, " +
        "hub.jupyter.org/node-purpose=user). " +
        'Closest: NodePool "gpu-mig" lacks provisioner=cluster-autoscaler. ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
      'Profile "Data Science (GPU + MIG on P4d.24xlarge)": requests ' +
        "nvidia.com/mig-1g.5gb, which no NodePool or node group " +
        "offers. Add a NodePool whose nodes advertise nvidia.com/mig-1g.5gb (and list " +
        "it in its offers), or remove the request.",
    ]);
  });

  it("rejects a node selector naming a NodePool label nobody carries", () => {
    const errors = validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, nodeSelector: { NodePool: "cpu" } })));
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": no NodePool or node group has the labels its pod needs (NodePool=cpu plus ' +
        "hub.jupyter.org/node-purpose=user, which the hub requires of every notebook pod). " +
        'Closest: NodePool "gpu-ts" lacks NodePool=cpu (has gpu-ts); NodePool "gpu-mig" ' +
        "lacks NodePool=cpu (has gpu-mig); " +
        'NodePool "inferentia" lacks NodePool=cpu (has inferentia); NodePool "trainium" ' +
        "lacks NodePool=cpu (has trainium); " +
        'NodePool "x86-cpu-karpenter" lacks NodePool=cpu (has default). ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
    ]);
  });

  it("counts the hub's node-purpose requirement: the core node group cannot host notebooks", () => {
    const onCore = withProfile(DATA_ENG, (p) => ({ ...p, nodeSelector: { NodeGroupType: "core" } }));
    expect(validateCatalog(onCore)).toEqual([
      'Profile "Data Engineering (CPU)": no NodePool or node group has the labels its ' +
        "pod needs (NodeGroupType=core plus " +
        "hub.jupyter.org/node-purpose=user, which the hub requires of every notebook pod). " +
        'Closest: node group "core_node_group" lacks hub.jupyter.org/node-purpose=user. ' +
        "Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.",
    ]);
    // Without that hub setting the same profile schedules on the core node group.
    expect(validateCatalog(onCore, { userPodNodeLabels: {} })).toEqual([]);
  });

  it("matches the well-known labels Karpenter puts on its nodes", () => {
    const byInstanceType = withProfile(GPU_TS, (p) => ({
      ...p,
      nodeSelector: { "node.kubernetes.io/instance-type": "g5.4xlarge", "hub.jupyter.org/node-purpose": "user" },
    }));
    expect(validateCatalog(byInstanceType)).toEqual([]);
    const wrongSize = withProfile(GPU_TS, (p) => ({
      ...p,
      nodeSelector: { "node.kubernetes.io/instance-type": "g5.xlarge", "hub.jupyter.org/node-purpose": "user" },
    }));
    expect(validateCatalog(wrongSize)[0]).toContain("no NodePool or node group has the labels its pod needs");
  });

  it("rejects a profile that does not tolerate its NodePool's taints", () => {
    const errors = validateCatalog(
      withProfile(GPU_TS, (p) => ({ ...p, tolerations: p.tolerations?.filter((t) => t.key !== "nvidia.com/gpu") })),
    );
    expect(errors).toEqual([
      'Profile "Data Science (GPU + Time-Slicing - G5)": does not tolerate the taints of the nodes its node selector ' +
        'matches: NodePool "gpu-ts" has nvidia.com/gpu=Exists:NoSchedule. Add a toleration for each of these taints.',
    ]);
  });

  it("requires tolerating NoSchedule and NoExecute taints, not PreferNoSchedule ones", () => {
    const x86With = (effect: "PreferNoSchedule" | "NoExecute"): Catalog => ({
      ...shipped,
      nodePools: nodePools.map((p) =>
        p.name === "x86-cpu-karpenter" ? { ...p, taints: [{ key: "spot", effect }] } : p,
      ),
    });
    expect(validateCatalog(x86With("PreferNoSchedule"))).toEqual([]);
    expect(validateCatalog(x86With("NoExecute"))).toEqual(
      ["Elyra (CPU)", "Data Engineering (CPU)"].map(
        (name) =>
          `Profile "${name}": does not tolerate the taints of the nodes its node selector matches: ` +
          'NodePool "x86-cpu-karpenter" has spot:NoExecute. Add a toleration for each of these taints.',
      ),
    );
  });

  it("accepts an empty-key Exists toleration for every taint", () => {
    expect(validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, tolerations: [{ operator: "Exists" }] })))).toEqual([]);
  });

  it("rejects a GPU profile that does not request the GPU its NodePool offers", () => {
    const errors = validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, extraResourceLimits: undefined })));
    expect(errors).toEqual([
      'Profile "Data Science (GPU + Time-Slicing - G5)": lands on NodePool "gpu-ts", which offers nvidia.com/gpu, ' +
        'but requests none of it. Request one in extraResourceLimits (e.g. {"nvidia.com/gpu": "1"}), ' +
        "or select a NodePool without devices.",
    ]);
  });

  it("rejects a profile requesting a device its NodePool does not offer", () => {
    const errors = validateCatalog(
      withProfile(DATA_ENG, (p) => ({ ...p, extraResourceLimits: { "nvidia.com/gpu": "1" } })),
    );
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": requests nvidia.com/gpu, but NodePool "x86-cpu-karpenter", where it lands, ' +
        'does not offer it; nvidia.com/gpu is offered by NodePool "gpu-ts", NodePool "gpu-mig". ' +
        "Point nodeSelector and tolerations at one of those.",
    ]);
  });

  it("rejects an auth mode without a default profile", () => {
    const errors = validateCatalog(withProfile(GPU_TS, (p) => ({ ...p, default: false })));
    expect(errors).toEqual(
      ["dummy", "cognito", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": needs exactly one default profile, found 0. ` +
          `Set default: true on exactly one profile offered in "${mode}".`,
      ),
    );
  });

  it("rejects an auth mode with two default profiles", () => {
    const errors = validateCatalog(withProfile("Elyra (CPU)", (p) => ({ ...p, default: true })));
    expect(errors).toEqual(
      ["dummy", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": needs exactly one default profile, found 2 ` +
          `("Elyra (CPU)", "Data Science (GPU + Time-Slicing - G5)"). ` +
          `Set default: true on exactly one profile offered in "${mode}".`,
      ),
    );
  });

  it("rejects a display name used twice in one auth mode, not across modes", () => {
    const renamed = withProfile("Elyra (CPU)", (p) => ({ ...p, displayName: DATA_ENG }));
    expect(validateCatalog(renamed)).toEqual(
      ["dummy", "oauth"].map(
        (mode) =>
          `Auth mode "${mode}": display name "Data Engineering (CPU)" is used by 2 profiles. ` +
          `Give each profile offered in "${mode}" its own displayName.`,
      ),
    );
    // The same name in disjoint modes is two separate forms, so it is fine.
    const disjoint = withProfile(DATA_ENG, (p) => ({ ...p, modes: ["cognito"] }));
    const copy: NotebookProfile = { ...dataEngineering, modes: ["dummy", "oauth"] };
    expect(validateCatalog({ ...disjoint, profiles: [...disjoint.profiles, copy] })).toEqual([]);
  });

  it("rejects image choices without exactly one default", () => {
    const none = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, default: false })) },
    }));
    expect(validateCatalog(none)).toEqual([
      'Profile "Data Engineering (CPU)": image choices need exactly one default, ' +
        "found 0. Set default: true on exactly one choice.",
    ]);
    const two = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, default: true })) },
    }));
    expect(validateCatalog(two)).toEqual([
      'Profile "Data Engineering (CPU)": image choices need exactly one default, ' +
        'found 2 ("pyspark350", "pyspark341"). ' +
        "Set default: true on exactly one choice.",
    ]);
  });

  it("rejects duplicate image choice keys", () => {
    const dup = withProfile(DATA_ENG, () => ({
      ...dataEngineering,
      imageOptions: { displayName: "Image", choices: dataEngineeringChoices.map((c) => ({ ...c, key: "pyspark" })) },
    }));
    expect(validateCatalog(dup)).toEqual([
      'Profile "Data Engineering (CPU)": image choice keys "pyspark" are used more ' +
        "than once. Give each choice its own key.",
    ]);
  });

  it("rejects guarantees above limits", () => {
    const errors = validateCatalog(
      withProfile(DATA_ENG, (p) => ({ ...p, cpuGuarantee: 5, memGuarantee: "9G", memLimit: "8G" })),
    );
    expect(errors).toEqual([
      'Profile "Data Engineering (CPU)": cpuGuarantee 5 exceeds cpuLimit 4. Lower the guarantee or raise the limit.',
      'Profile "Data Engineering (CPU)": memGuarantee 9G exceeds memLimit 8G. Lower the guarantee or raise the limit.',
    ]);
    // Units are compared, not strings: 900M is less than 1G.
    expect(validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, memGuarantee: "900M", memLimit: "1G" })))).toEqual([]);
  });

  it("rejects a profile offered in no auth mode", () => {
    expect(validateCatalog(withProfile(DATA_ENG, (p) => ({ ...p, modes: [] })))).toEqual([
      'Profile "Data Engineering (CPU)": is offered in no auth mode. List at least ' +
        'one of "dummy", "cognito", "oauth" in modes.',
    ]);
  });

  it("rejects two NodePools with the same name or release key", () => {
    const pools = [...nodePools, { ...nodePools[4]!, labels: { NodePool: "spare" } }];
    expect(validateCatalog({ ...shipped, nodePools: pools })).toEqual([
      'NodePool name "x86-cpu-karpenter" is used more than once. Give each NodePool its own name.',
      'NodePool releaseKey "x86-cpu-karpenter" is used more than once. Give each NodePool its own releaseKey.',
    ]);
  });

  it("assertValidCatalog throws listing every error", () => {
    const broken = { ...shipped, profiles: [...notebookProfiles, blueprintMigProfile] };
    expect(() => assertValidCatalog(broken)).toThrow(
      new Error(
        `The profile catalog is invalid:\n${validateCatalog(broken)
          .map((e) => `- ${e}`)
          .join("\n")}`,
      ),
    );
  });
});

describe("adding a profile", () => {
  it("leaves the shipped profiles in the catalog, each once; a team's own come on top", () => {
    expect(shippedProfiles(notebookProfiles).map((p) => p.displayName)).toEqual(SHIPPED_PROFILE_NAMES);
    const withOwn = [...notebookProfiles, { ...exampleProfile, displayName: "Team profile" }];
    expect(shippedProfiles(withOwn).map((p) => p.displayName)).toEqual(SHIPPED_PROFILE_NAMES);
    expect(validateCatalog({ ...shipped, profiles: withOwn })).toEqual([]);
  });

  // The shipped catalog without the README's example (a user who followed the README has it
  // already), then the example appended once.
  const base = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
  const extended: Catalog = { ...shipped, profiles: [...base, exampleProfile] };

  it("keeps the catalog valid with one more object", () => {
    expect(validateCatalog(extended)).toEqual([]);
  });

  it.each(["dummy", "cognito", "oauth"] as const)("appears at the end of the %s list", (mode) => {
    const before = renderProfileList(base, mode);
    const after = renderProfileList(extended.profiles, mode);
    expect(after.slice(0, -1)).toStrictEqual(before);
    expect(after[after.length - 1]).toStrictEqual({
      display_name: "Data Science (CPU)",
      description: "SciPy Notebooks | Karpenter AutoScaling",
      kubespawner_override: {
        image: "quay.io/jupyter/scipy-notebook:2025-03-14",
        node_selector: { NodePool: "default", "hub.jupyter.org/node-purpose": "user" },
        cpu_guarantee: 1,
        mem_guarantee: "4G",
        cpu_limit: 2,
        mem_limit: "4G",
      },
    });
  });
});
