/**
 * The platform sets of versions.ts: the same stack shape, exact pins with their sources, the
 * EKS versions each allows, and the chart and controller versions each installs.
 */
import { parse as parseYaml } from "yaml";
import { AUTH_MECHANISMS } from "../variables";
import {
  allowedKubernetesVersions,
  compareKubernetesVersions,
  creatableEksVersions,
  EKS_KUBERNETES_VERSIONS,
  FACTS_CHECKED,
  PLATFORM_NAMES,
  PLATFORM_SETS,
  type PlatformName,
} from "../versions";
import { addresses, synthStack, type TerraformJson } from "./helpers/synth";
import { substitute } from "./helpers/template";

const synth = (name: (typeof PLATFORM_NAMES)[number]): TerraformJson => synthStack({ platform: PLATFORM_SETS[name] });
const current = synth("current");
const blueprint = synth("blueprint");

/** Every `count` in the stack, by address ("module.x", "aws_y.z", "data.aws_y.z"). */
function countShape(json: TerraformJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) out[`${type}.${name}`] = body.count ?? null;
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const [name, body] of Object.entries(byName)) out[`data.${type}.${name}`] = body.count ?? null;
  }
  for (const [name, body] of Object.entries(json.module ?? {})) out[`module.${name}`] = body.count ?? null;
  return out;
}

describe("the platform sets", () => {
  it("synthesize the same addresses with the same count shape", () => {
    expect(addresses(current).length).toBeGreaterThan(40);
    for (const name of PLATFORM_NAMES) {
      const json = synth(name);
      expect(addresses(json), name).toEqual(addresses(blueprint));
      // The one count that differs is a literal: the karpenter-crd release exists (1) or not (0).
      const { "helm_release.karpenter_crd": crdCount, ...shape } = countShape(json);
      const { "helm_release.karpenter_crd": _blueprintCrd, ...blueprintShape } = countShape(blueprint);
      expect(shape, name).toEqual(blueprintShape);
      expect(crdCount, name).toBe(PLATFORM_SETS[name].karpenterCrd ? 1 : 0);
    }
    expect(countShape(blueprint)["helm_release.karpenter_crd"]).toBe(0);
  });

  it("pin every registry module to an exact version, the set's", () => {
    for (const [json, set] of [
      [current, PLATFORM_SETS.current],
      [blueprint, PLATFORM_SETS.blueprint],
    ] as const) {
      const pins = Object.values(set.modules).map((m) => `${m.source}@${m.version}`);
      for (const [name, body] of Object.entries(json.module)) {
        expect(body.version, `module.${name}`).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
        expect(pins, `module.${name}`).toContain(`${body.source}@${body.version}`);
      }
    }
    expect(current.module.eks_data_addons.version).toBe("1.38.0");
    expect(blueprint.module.eks_data_addons.version).toBe("1.33.0");
    expect(current.module.eks_blueprints_addons.version).toBe("1.23.0");
  });

  it("cite a source and the day it was checked for every pin", () => {
    for (const set of Object.values(PLATFORM_SETS)) {
      const cited = [
        ...Object.values(set.modules),
        set.karpenter,
        ...(set.karpenterCrd ? [set.karpenterCrd] : []),
        set.nodeImage,
        set.coreNodeGroup,
        set.eksAddons,
        ...Object.values(set.charts),
        set.clusterAutoscaler,
      ];
      for (const pin of cited) {
        expect(pin.ref.length, JSON.stringify(pin)).toBeGreaterThan(10);
        expect(pin.checked).toMatch(/^20[0-9]{2}-[01][0-9]-[0-3][0-9]$/);
      }
    }
  });

  it(
    "agree on the Karpenter API: v1 exactly when eks-data-addons renders v1 (1.34.0 " +
      "and later), and Karpenter serves it",
    () => {
      for (const set of Object.values(PLATFORM_SETS)) {
        const [, minor] = set.modules.eksDataAddons.version.split(".").map(Number);
        expect(set.karpenter.api, set.name).toBe(minor >= 34 ? "v1" : "v1beta1");
        const [major, kMinor] = set.karpenter.version.split(".").map(Number);
        // 0.x serves v1beta1 only (as written), 1.0 both, 1.1+ v1 only.
        if (set.karpenter.api === "v1") expect(major, set.name).toBeGreaterThanOrEqual(1);
        else expect(major === 0 || (major === 1 && kMinor === 0), set.name).toBe(true);
      }
    },
  );

  it(
    "pin the karpenter-crd release to the controller's version, with the conversion " +
      "webhook exactly on 0.37 and 1.0",
    () => {
      for (const set of Object.values(PLATFORM_SETS)) {
        const crd = set.karpenterCrd;
        if (!crd) continue;
        expect(crd.version, set.name).toBe(set.karpenter.version);
        expect(crd.chart).toBe("oci://public.ecr.aws/karpenter/karpenter-crd");
        const servesV1beta1 = /^(0\.37|1\.0)\./.test(crd.version);
        expect(crd.webhook, set.name).toEqual(
          servesV1beta1 ? { enabled: true, serviceName: "karpenter", port: 8443 } : undefined,
        );
      }
      expect(PLATFORM_SETS.blueprint.karpenterCrd).toBeUndefined();
      expect(PLATFORM_SETS.current.karpenterCrd?.version).toBe("1.14.1");
    },
  );

  it(
    "put the core node group on AL2023 exactly where the Karpenter pools are, and " + "leave it unset in the blueprint",
    () => {
      for (const set of Object.values(PLATFORM_SETS)) {
        expect(set.coreNodeGroup.amiType, set.name).toBe(
          set.nodeImage.family === "AL2023" ? "AL2023_x86_64_STANDARD" : undefined,
        );
        const group = synth(set.name).module.eks.eks_managed_node_groups.core_node_group;
        expect(group.ami_type, set.name).toBe(set.coreNodeGroup.amiType);
        expect("ami_type" in group, set.name).toBe(set.coreNodeGroup.amiType !== undefined);
      }
    },
  );
});

describe("EKS versions", () => {
  it("are creatable as of the facts' date: 1.32 to 1.36 (1.31 left extended support on 2026-11-26)", () => {
    expect(creatableEksVersions(FACTS_CHECKED).map((v) => v.version)).toEqual(["1.32", "1.33", "1.34", "1.35", "1.36"]);
    expect(creatableEksVersions("2026-11-26").map((v) => v.version)).toContain("1.31");
    for (const v of EKS_KUBERNETES_VERSIONS) {
      expect(v.released < v.standardSupportEnd && v.standardSupportEnd < v.extendedSupportEnd, v.version).toBe(true);
    }
  });

  it(
    "current allows every creatable version its Karpenter and AL2023 images " +
      "support, default 1.35 in standard support",
    () => {
      const set = PLATFORM_SETS.current;
      const allowed = allowedKubernetesVersions(set).map((v) => v.version);
      expect(allowed).toEqual(["1.32", "1.33", "1.34", "1.35", "1.36"]);
      expect(allowed).toContain(set.kubernetes.default);
      for (const v of allowed) {
        expect(
          compareKubernetesVersions(v, set.karpenter.kubernetes.min) >= 0 &&
            compareKubernetesVersions(v, set.karpenter.kubernetes.max) <= 0,
        ).toBe(true);
      }
      const def = EKS_KUBERNETES_VERSIONS.find((v) => v.version === set.kubernetes.default)!;
      expect(FACTS_CHECKED <= def.standardSupportEnd).toBe(true);
      // One cluster-autoscaler image per allowed version (the autoscaler must match the cluster).
      expect(Object.keys(set.clusterAutoscaler.imageTags ?? {})).toEqual(allowed);
      for (const [k, tag] of Object.entries(set.clusterAutoscaler.imageTags ?? {}))
        expect(tag.startsWith(`v${k}.`)).toBe(true);
    },
  );

  it("blueprint allows 1.32 only: the one creatable version with Amazon Linux 2 images", () => {
    expect(allowedKubernetesVersions(PLATFORM_SETS.blueprint).map((v) => v.version)).toEqual(["1.32"]);
    expect(PLATFORM_SETS.blueprint.kubernetes.default).toBe("1.32");
  });

  it(
    "upgrade-1 to upgrade-3 hold the control plane at 1.32; upgrade-4 allows what " +
      "current allows; all default to 1.32",
    () => {
      const allowed = (name: PlatformName) => allowedKubernetesVersions(PLATFORM_SETS[name]).map((v) => v.version);
      for (const name of ["upgrade-1", "upgrade-2", "upgrade-3"] as const) {
        expect(allowed(name), name).toEqual(allowed("blueprint"));
        // Their Karpenter does not support 1.32 (it logs an error and runs on): the plan warns.
        expect(PLATFORM_SETS[name].kubernetes.requireKarpenterSupport, name).toBe(false);
        expect(compareKubernetesVersions(PLATFORM_SETS[name].karpenter.kubernetes.max, "1.32"), name).toBeLessThan(0);
      }
      expect(allowed("upgrade-4")).toEqual([...new Set([...allowed("blueprint"), ...allowed("current")])]);
      for (const name of ["upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4"] as const)
        expect(PLATFORM_SETS[name].kubernetes.default, name).toBe("1.32");
      // The Karpenter ranges of version.go at the tags.
      expect(PLATFORM_SETS["upgrade-1"].karpenter.kubernetes).toEqual({ min: "1.23", max: "1.30" });
      expect(PLATFORM_SETS["upgrade-2"].karpenter.kubernetes).toEqual({ min: "1.25", max: "1.31" });
      expect(PLATFORM_SETS["upgrade-3"].karpenter.kubernetes).toEqual({ min: "1.25", max: "1.31" });
    },
  );

  it(
    "a set that does not require Karpenter support holds the control plane at its " +
      "default, even with images for newer versions",
    () => {
      const upgrade3 = PLATFORM_SETS["upgrade-3"];
      expect(upgrade3.nodeImage.kubernetes.max).toBe("1.36");
      const moved = { ...upgrade3, kubernetes: { ...upgrade3.kubernetes, default: "1.34" } };
      expect(allowedKubernetesVersions(moved).map((v) => v.version)).toEqual(["1.32", "1.33", "1.34"]);
      const required = { ...upgrade3, kubernetes: { ...upgrade3.kubernetes, requireKarpenterSupport: true } };
      expect(allowedKubernetesVersions(required)).toEqual([]);
    },
  );
});

describe("chart and controller versions per set", () => {
  const addons = (json: TerraformJson) => json.module.eks_blueprints_addons;
  const dataAddons = (json: TerraformJson) => json.module.eks_data_addons;

  it("current: Karpenter 1.14.1 with the read actions its controller needs beyond the module's policy", () => {
    expect(addons(current).karpenter.chart_version).toBe("1.14.1");
    expect(addons(current).karpenter.policy_statements).toEqual([
      {
        sid: "AllowRegionalReadActions",
        effect: "Allow",
        actions: ["ec2:DescribeCapacityReservations", "ec2:DescribeInstanceStatus", "ec2:DescribePlacementGroups"],
        resources: ["*"],
        conditions: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: ["${local.region}"] }],
      },
    ]);
  });

  it(
    "current: the karpenter-crd release 1.14.1 without webhook values, the main " +
      "chart skipping its CRDs, add-ons at their newest",
    () => {
      expect(current.resource.helm_release.karpenter_crd).toMatchObject({
        count: 1,
        chart: "karpenter-crd",
        version: "1.14.1",
        namespace: "karpenter",
      });
      expect(current.resource.helm_release.karpenter_crd.values).toBeUndefined();
      expect(addons(current).karpenter.skip_crds).toBe("${length(helm_release.karpenter_crd[*].name) > 0}");
      expect(addons(blueprint).karpenter.skip_crds).toBeUndefined();
      for (const addon of ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]) {
        expect(addons(current).eks_addons[addon].most_recent, addon).toBe(true);
        expect(addons(blueprint).eks_addons[addon].most_recent, addon).toBeUndefined();
      }
    },
  );

  it("current: cluster-autoscaler chart 9.59.0, its image chosen by the cluster version at plan time", () => {
    const ca = addons(current).cluster_autoscaler;
    expect(ca.chart_version).toBe("9.59.0");
    expect(ca.image_tag_override).toBe(
      '${lookup({ "1.32" = "v1.32.7", "1.33" = "v1.33.6", "1.34" = "v1.34.5", "1.35" ' +
        '= "v1.35.2", "1.36" = "v1.36.1" }, var.eks_cluster_version, "")}',
    );
  });

  it("current: NVIDIA device plugin 0.17.4, JupyterHub chart 4.4.0", () => {
    expect(dataAddons(current).nvidia_device_plugin_helm_config.version).toBe("0.17.4");
    expect(dataAddons(current).jupyterhub_helm_config.version).toBe("4.4.0");
    expect(addons(current).kube_prometheus_stack.chart_version).toBe("48.1.1");
  });

  it("blueprint: the blueprint's versions and nothing the blueprint does not pass", () => {
    expect(addons(blueprint).karpenter.chart_version).toBe("0.37.0");
    expect(addons(blueprint).karpenter.policy_statements).toBeUndefined();
    expect(addons(blueprint).cluster_autoscaler.chart_version).toBeUndefined();
    expect(addons(blueprint).cluster_autoscaler.image_tag_override).toBeUndefined();
    expect(dataAddons(blueprint).nvidia_device_plugin_helm_config.version).toBe("v0.15.0");
    expect(dataAddons(blueprint).jupyterhub_helm_config.version).toBe("3.2.1");
  });

  it("current: the z2jh 4 values add only what JupyterHub 5 and KubeSpawner 7 need", () => {
    for (const mode of AUTH_MECHANISMS) {
      const cur = parseYaml(substitute(current.locals.jupyterhub_values[mode])) as Record<string, any>;
      const bp = parseYaml(substitute(blueprint.locals.jupyterhub_values[mode])) as Record<string, any>;
      const expected = structuredClone(bp);
      expected.hub.config = {
        ...(bp.hub.config ?? {}),
        ...(mode === "dummy" ? { Authenticator: { allow_all: true } } : {}),
        KubeSpawner: { ...(bp.hub.config?.KubeSpawner ?? {}), slug_scheme: "escape" },
      };
      // The notebooks' init step runs the network-tools image of the set's chart.
      expected.singleuser.initContainers[0].image = "quay.io/jupyterhub/k8s-network-tools:4.4.0";
      expect(bp.singleuser.initContainers[0].image, mode).toBe("quay.io/jupyterhub/k8s-network-tools:3.2.1");
      expect(cur, mode).toEqual(expected);
    }
  });
});
