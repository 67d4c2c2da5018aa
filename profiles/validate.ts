/**
 * The invariants of a catalog: every profile can be scheduled on a node something provides,
 * gets the devices of that node, and the spawner form of every auth mode is well formed.
 */

import { AUTH_MECHANISMS } from "../variables";
import type { Catalog, DeviceResource, Labels, NodeGroup, NodePool, NotebookProfile, Taint, Toleration } from "./types";

/**
 * Labels every notebook pod needs on its node besides its profile's node selector. The
 * blueprint's JupyterHub values set `scheduling.userPods.nodeAffinity.matchNodePurpose:
 * require`, which gives every user pod a required node affinity on this label.
 */
export const USER_POD_NODE_LABELS: Labels = { "hub.jupyter.org/node-purpose": "user" };

export interface ValidateOptions {
  /** Defaults to USER_POD_NODE_LABELS; pass {} if the hub does not require a node purpose. */
  readonly userPodNodeLabels?: Labels;
}

/** A place a notebook pod can run: a NodePool or a managed node group. */
interface Target {
  readonly title: string;
  /** The values a node of this target can have for `key` (undefined: the label is absent). */
  readonly labelValues: (key: string) => ReadonlySet<string> | undefined;
  readonly taints: readonly Taint[];
  readonly offers: readonly DeviceResource[];
}

function poolTarget(pool: NodePool): Target {
  const instanceTypes = pool.instanceFamilies.flatMap((f) => pool.instanceSizes.map((s) => `${f}.${s}`));
  // Karpenter puts these well-known labels on every node it launches for the pool.
  const wellKnown: Record<string, readonly string[]> = {
    "karpenter.sh/nodepool": [pool.name],
    "karpenter.k8s.aws/instance-family": pool.instanceFamilies,
    "karpenter.k8s.aws/instance-size": pool.instanceSizes,
    "node.kubernetes.io/instance-type": instanceTypes,
  };
  return {
    title: `NodePool "${pool.name}"`,
    labelValues: (key) => {
      const own = pool.labels[key];
      if (own !== undefined) return new Set([own]);
      const known = wellKnown[key];
      return known === undefined ? undefined : new Set(known);
    },
    taints: pool.taints,
    offers: pool.offers,
  };
}

function groupTarget(group: NodeGroup): Target {
  return {
    title: `node group "${group.key}"`,
    labelValues: (key) => {
      const own = group.labels[key];
      if (own !== undefined) return new Set([own]);
      return key === "node.kubernetes.io/instance-type" ? new Set(group.instanceTypes) : undefined;
    },
    taints: group.taints,
    offers: group.offers,
  };
}

/** Kubernetes' ToleratesTaint. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if (toleration.operator === "Exists") {
    return toleration.key === undefined || toleration.key === "" || toleration.key === taint.key;
  }
  return toleration.key === taint.key && toleration.value === (taint.value ?? "");
}

/** Taints that keep a pod off a node unless tolerated (PreferNoSchedule only discourages). */
function untoleratedTaints(target: Target, tolerations: readonly Toleration[]): Taint[] {
  return target.taints.filter(
    (taint) => taint.effect !== "PreferNoSchedule" && !tolerations.some((t) => tolerates(t, taint)),
  );
}

const formatTaint = (t: Taint): string => `${t.key}${t.value === undefined ? "" : `=${t.value}`}:${t.effect}`;
const formatEntry = ([key, value]: readonly [string, string]): string => `${key}=${value}`;
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");

const MEMORY_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

function memoryBytes(size: string): number {
  const match = /^([0-9.]+)([KMGT])?$/.exec(size);
  if (match === null) return Number.NaN;
  return Number(match[1]) * (match[2] === undefined ? 1 : (MEMORY_UNITS[match[2]] ?? Number.NaN));
}

function requestedDevices(profile: NotebookProfile): string[] {
  const keys = [
    ...Object.keys(profile.extraResourceLimits ?? {}),
    ...Object.keys(profile.extraResourceGuarantees ?? {}),
  ];
  return [...new Set(keys)];
}

function checkPlacement(profile: NotebookProfile, targets: readonly Target[], userPodNodeLabels: Labels): string[] {
  const name = `Profile "${profile.displayName}"`;
  const selector = Object.entries(profile.nodeSelector);
  const implied = Object.entries(userPodNodeLabels).filter(([key, value]) => profile.nodeSelector[key] !== value);
  const required = [...selector, ...implied];
  const unmet = (t: Target) => required.filter(([key, value]) => !(t.labelValues(key)?.has(value) ?? false));

  const errors: string[] = [];
  const matching = targets.filter((t) => unmet(t).length === 0);
  if (matching.length === 0) {
    const wanted =
      selector.map(formatEntry).join(", ") +
      (implied.length === 0
        ? ""
        : `${selector.length === 0 ? "" : " plus "}${implied.map(formatEntry).join(", ")}, ` +
          `which the hub requires of every notebook pod`);
    let closest = "";
    if (targets.length > 0) {
      // Rank by the profile's own selector entries first, then by the hub's implied ones.
      const rank = (t: Target) => {
        const missing = unmet(t);
        return missing.filter((e) => selector.includes(e)).length * 1000 + missing.length;
      };
      const best = Math.min(...targets.map(rank));
      const nearest = targets.filter((t) => rank(t) === best);
      const described = nearest.map((t) => {
        const gaps = unmet(t).map((entry) => {
          const has = t.labelValues(entry[0]);
          return has === undefined ? formatEntry(entry) : `${formatEntry(entry)} (has ${[...has].join("|")})`;
        });
        return `${t.title} lacks ${gaps.join(", ")}`;
      });
      closest = ` Closest: ${described.join("; ")}.`;
    }
    errors.push(
      `${name}: no NodePool or node group has the labels its pod needs (${wanted}).${closest} ` +
        `Set nodeSelector to the labels of an existing NodePool, or add a NodePool that carries them.`,
    );
  }

  const tolerations = profile.tolerations ?? [];
  const reachable = matching.filter((t) => untoleratedTaints(t, tolerations).length === 0);
  if (matching.length > 0 && reachable.length === 0) {
    const blocked = matching
      .map((t) => `${t.title} has ${untoleratedTaints(t, tolerations).map(formatTaint).join(", ")}`)
      .join("; ");
    errors.push(
      `${name}: does not tolerate the taints of the nodes its node selector matches: ${blocked}. ` +
        `Add a toleration for each of these taints.`,
    );
  }

  const requested = requestedDevices(profile);
  if (requested.length === 0) {
    for (const t of reachable.filter((t) => t.offers.length > 0)) {
      errors.push(
        `${name}: lands on ${t.title}, which offers ${t.offers.join(", ")}, but requests none of it. ` +
          `Request one in extraResourceLimits (e.g. {"${t.offers[0]}": "1"}), or select a NodePool without devices.`,
      );
    }
  }
  for (const device of requested) {
    const offeredBy = targets.filter((t) => (t.offers as readonly string[]).includes(device));
    if (offeredBy.length === 0) {
      errors.push(
        `${name}: requests ${device}, which no NodePool or node group offers. ` +
          `Add a NodePool whose nodes advertise ${device} (and list it in its offers), or remove the request.`,
      );
    } else if (reachable.length > 0 && !reachable.some((t) => offeredBy.includes(t))) {
      errors.push(
        `${name}: requests ${device}, but ${reachable.map((t) => t.title).join(", ")}, where it lands, ` +
          `does not offer it; ${device} is offered by ${offeredBy.map((t) => t.title).join(", ")}. ` +
          `Point nodeSelector and tolerations at one of those.`,
      );
    }
  }
  return errors;
}

function checkProfileShape(profile: NotebookProfile): string[] {
  const name = `Profile "${profile.displayName}"`;
  const errors: string[] = [];
  if (profile.modes.length === 0) {
    errors.push(`${name}: is offered in no auth mode. List at least one of ${quoted(AUTH_MECHANISMS)} in modes.`);
  }
  if (profile.imageOptions !== undefined) {
    const choices = profile.imageOptions.choices;
    const defaults = choices.filter((c) => c.default === true).map((c) => c.key);
    if (defaults.length !== 1) {
      errors.push(
        `${name}: image choices need exactly one default, found ${defaults.length}` +
          `${defaults.length === 0 ? "" : ` (${quoted(defaults)})`}. Set default: true on exactly one choice.`,
      );
    }
    const keys = choices.map((c) => c.key);
    const dupes = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
    if (dupes.length > 0) {
      errors.push(`${name}: image choice keys ${quoted(dupes)} are used more than once. Give each choice its own key.`);
    }
  }
  if (profile.cpuGuarantee > profile.cpuLimit) {
    errors.push(
      `${name}: cpuGuarantee ${profile.cpuGuarantee} exceeds cpuLimit ` +
        `${profile.cpuLimit}. Lower the guarantee or raise the limit.`,
    );
  }
  if (memoryBytes(profile.memGuarantee) > memoryBytes(profile.memLimit)) {
    errors.push(
      `${name}: memGuarantee ${profile.memGuarantee} exceeds memLimit ` +
        `${profile.memLimit}. Lower the guarantee or raise the limit.`,
    );
  }
  return errors;
}

function checkModes(profiles: readonly NotebookProfile[]): string[] {
  const errors: string[] = [];
  for (const mode of AUTH_MECHANISMS) {
    const offered = profiles.filter((p) => p.modes.includes(mode));
    const defaults = offered.filter((p) => p.default === true).map((p) => p.displayName);
    if (defaults.length !== 1) {
      errors.push(
        `Auth mode "${mode}": needs exactly one default profile, found ${defaults.length}` +
          `${defaults.length === 0 ? "" : ` (${quoted(defaults)})`}. ` +
          `Set default: true on exactly one profile offered in "${mode}".`,
      );
    }
    const names = offered.map((p) => p.displayName);
    const dupes = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    for (const dupe of dupes) {
      errors.push(
        `Auth mode "${mode}": display name "${dupe}" is used by ${names.filter((n) => n === dupe).length} profiles. ` +
          `Give each profile offered in "${mode}" its own displayName.`,
      );
    }
  }
  return errors;
}

function checkPools(pools: readonly NodePool[]): string[] {
  const errors: string[] = [];
  for (const field of ["name", "releaseKey"] as const) {
    const values = pools.map((p) => p[field]);
    for (const dupe of new Set(values.filter((v, i) => values.indexOf(v) !== i))) {
      errors.push(`NodePool ${field} "${dupe}" is used more than once. Give each NodePool its own ${field}.`);
    }
  }
  return errors;
}

/** Every broken invariant of `catalog`, as a sentence naming what to fix; empty when valid. */
export function validateCatalog(catalog: Catalog, options: ValidateOptions = {}): string[] {
  const userPodNodeLabels = options.userPodNodeLabels ?? USER_POD_NODE_LABELS;
  const targets = [...catalog.nodePools.map(poolTarget), ...catalog.nodeGroups.map(groupTarget)];
  return [
    ...checkPools(catalog.nodePools),
    ...catalog.profiles.flatMap((p) => [...checkProfileShape(p), ...checkPlacement(p, targets, userPodNodeLabels)]),
    ...checkModes(catalog.profiles),
  ];
}

/** Throws an Error listing every broken invariant of `catalog`. */
export function assertValidCatalog(catalog: Catalog, options: ValidateOptions = {}): void {
  const errors = validateCatalog(catalog, options);
  if (errors.length > 0) {
    throw new Error(`The profile catalog is invalid:\n${errors.map((e) => `- ${e}`).join("\n")}`);
  }
}
