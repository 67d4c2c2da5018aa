/**
 * Terraform version constraints as sets of versions, exact enough to decide offline whether
 * `terraform init` can pick a provider version (or a module version, or accept its own CLI).
 *
 * Syntax: comma-separated parts (AND), each `[op] version` with op one of =, !=, >, >=, <,
 * <=, ~> (none means =) and a version of 1, 2 or 3 numeric segments, optionally with a
 * pre-release (`1.2.3-beta1`). Missing segments are zero: `>= 2.10` is `>= 2.10.0`.
 *
 * `~>` lets only the right-most given segment grow: `~> 1.1.1` is `>= 1.1.1, < 1.2.0`,
 * `~> 5.95` is `>= 5.95.0, < 6.0.0`. With one segment the two libraries Terraform uses
 * differ, hence the dialect:
 * - "provider" (required_providers; apparentlymart/go-versions, versions/parse.go):
 *   `~> 2` is `>= 2.0.0, < 3.0.0`.
 * - "terraform" (required_version and registry module versions; hashicorp/go-version,
 *   constraint.go constraintPessimistic): `~> 2` is `>= 2.0.0`, no upper bound.
 *
 * Pre-releases are members only of sets that name them exactly (`= 1.0.0-rc1`): both
 * libraries exclude a pre-release from every range that does not name it.
 */

export type Dialect = "provider" | "terraform";

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** "" for a release. */
  readonly prerelease: string;
}

interface Bound {
  readonly version: Version;
  readonly inclusive: boolean;
}

/** A range of versions; a missing bound is unbounded. */
export interface Interval {
  readonly lower?: Bound;
  readonly upper?: Bound;
}

/**
 * A set of versions: the union of `intervals`, in which a pre-release counts only if it is
 * one of `prereleases` (the pre-releases some constraint named with `=`).
 */
export interface VersionSet {
  readonly intervals: readonly Interval[];
  readonly prereleases: readonly string[];
}

export const ALL: VersionSet = { intervals: [{}], prereleases: [] };

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PART = /^(=|!=|>=|<=|>|<|~>)?\s*(\S+)$/;

/** Parses "1.2.3", "1.2", "1", "1.2.3-rc1". Returns the version and how many segments were given. */
export function parseVersion(text: string): { version: Version; segments: number } {
  const m = VERSION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a version (1, 2 or 3 numeric segments, optional pre-release)`);
  const segments = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  return {
    version: { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: m[4] ?? "" },
    segments,
  };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ""}`;
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1; // a release is newer than its pre-releases
  if (b === "") return -1;
  const as = a.split("."),
    bs = b.split(".");
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    if (as[i] === undefined) return -1;
    if (bs[i] === undefined) return 1;
    const an = /^\d+$/.test(as[i]),
      bn = /^\d+$/.test(bs[i]);
    if (an && bn) {
      const d = Number(as[i]) - Number(bs[i]);
      if (d !== 0) return Math.sign(d);
    } else if (an !== bn) {
      return an ? -1 : 1;
    } else if (as[i] !== bs[i]) {
      return as[i] < bs[i] ? -1 : 1;
    }
  }
  return 0;
}

/** Semantic-version order: -1, 0 or 1. */
export function compareVersions(a: Version | string, b: Version | string): number {
  const x = typeof a === "string" ? parseVersion(a).version : a;
  const y = typeof b === "string" ? parseVersion(b).version : b;
  return (
    Math.sign(x.major - y.major) ||
    Math.sign(x.minor - y.minor) ||
    Math.sign(x.patch - y.patch) ||
    comparePrerelease(x.prerelease, y.prerelease)
  );
}

const release = (major: number, minor: number, patch: number): Version => ({ major, minor, patch, prerelease: "" });
const at = (version: Version, inclusive: boolean): Bound => ({ version, inclusive });

/** The set of one constraint part, e.g. ">= 2.9" or "~> 1.1.1". */
function parsePart(part: string, dialect: Dialect): VersionSet {
  const m = PART.exec(part.trim());
  if (!m) throw new Error(`"${part}" is not a version constraint`);
  const op = m[1] ?? "=";
  const { version: v, segments } = parseVersion(m[2]);
  const prereleases = v.prerelease && op === "=" ? [formatVersion(v)] : [];
  switch (op) {
    case "=":
      return { intervals: [{ lower: at(v, true), upper: at(v, true) }], prereleases };
    case "!=":
      return { intervals: [{ upper: at(v, false) }, { lower: at(v, false) }], prereleases: [] };
    case ">":
      return { intervals: [{ lower: at(v, false) }], prereleases: [] };
    case ">=":
      return { intervals: [{ lower: at(v, true) }], prereleases: [] };
    case "<":
      return { intervals: [{ upper: at(v, false) }], prereleases: [] };
    case "<=":
      return { intervals: [{ upper: at(v, true) }], prereleases: [] };
    case "~>": {
      if (segments === 3)
        return {
          intervals: [{ lower: at(v, true), upper: at(release(v.major, v.minor + 1, 0), false) }],
          prereleases: [],
        };
      if (segments === 2 || dialect === "provider") {
        return { intervals: [{ lower: at(v, true), upper: at(release(v.major + 1, 0, 0), false) }], prereleases: [] };
      }
      return { intervals: [{ lower: at(v, true) }], prereleases: [] }; // go-version: "~> 2" is ">= 2"
    }
  }
  throw new Error(`unknown operator in "${part}"`);
}

/** Parses one constraint string ("a, b" is a AND b). An empty string allows every version. */
export function parseConstraints(text: string, dialect: Dialect = "provider"): VersionSet {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length === 1 && parts[0] === "") return ALL;
  if (parts.some((p) => p === "")) throw new Error(`"${text}" has an empty constraint part`);
  return intersect(...parts.map((p) => parsePart(p, dialect)));
}

function maxLower(a?: Bound, b?: Bound): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareVersions(a.version, b.version);
  return c > 0 ? a : c < 0 ? b : at(a.version, a.inclusive && b.inclusive);
}

function minUpper(a?: Bound, b?: Bound): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareVersions(a.version, b.version);
  return c < 0 ? a : c > 0 ? b : at(a.version, a.inclusive && b.inclusive);
}

function inInterval(v: Version, i: Interval): boolean {
  if (i.lower) {
    const c = compareVersions(v, i.lower.version);
    if (c < 0 || (c === 0 && !i.lower.inclusive)) return false;
  }
  if (i.upper) {
    const c = compareVersions(v, i.upper.version);
    if (c > 0 || (c === 0 && !i.upper.inclusive)) return false;
  }
  return true;
}

/** The lowest release inside `i`'s lower bound (releases are discrete: > 1.2.3 starts at 1.2.4). */
function lowestRelease(i: Interval): Version {
  if (!i.lower) return release(0, 0, 0);
  const v = i.lower.version;
  if (v.prerelease) return release(v.major, v.minor, v.patch); // x.y.z is above x.y.z-pre
  return i.lower.inclusive ? v : release(v.major, v.minor, v.patch + 1);
}

function intervalHasMember(i: Interval, prereleases: readonly string[]): boolean {
  return inInterval(lowestRelease(i), i) || prereleases.some((p) => inInterval(parseVersion(p).version, i));
}

/** The versions in every one of `sets`. */
export function intersect(...sets: VersionSet[]): VersionSet {
  let intervals: Interval[] = [{}];
  const prereleases = new Set<string>();
  for (const set of sets) {
    const next: Interval[] = [];
    for (const a of intervals) {
      for (const b of set.intervals) {
        next.push({ lower: maxLower(a.lower, b.lower), upper: minUpper(a.upper, b.upper) });
      }
    }
    intervals = next;
    for (const p of set.prereleases) prereleases.add(p);
  }
  const named = [...prereleases].sort(compareVersions);
  const kept = intervals.filter((i) => intervalHasMember(i, named));
  return {
    intervals: kept,
    prereleases: named.filter((p) => kept.some((i) => inInterval(parseVersion(p).version, i))),
  };
}

/** Whether no version at all (no release, no named pre-release) is in `set`. */
export function isEmpty(set: VersionSet): boolean {
  return !set.intervals.some((i) => intervalHasMember(i, set.prereleases));
}

function toSet(constraints: string | readonly string[] | VersionSet, dialect: Dialect): VersionSet {
  if (typeof constraints === "string") return parseConstraints(constraints, dialect);
  if (Array.isArray(constraints)) return intersect(...constraints.map((c) => parseConstraints(c, dialect)));
  return constraints as VersionSet;
}

/** Whether `version` meets every constraint (a string, a list of strings all applying, or a set). */
export function satisfies(
  version: string,
  constraints: string | readonly string[] | VersionSet,
  dialect: Dialect = "provider",
): boolean {
  const set = toSet(constraints, dialect);
  const { version: v } = parseVersion(version);
  if (v.prerelease && !set.prereleases.includes(formatVersion(v))) return false;
  return set.intervals.some((i) => inInterval(v, i));
}

/** The newest of `versions` that meets `constraints` (what `terraform init` picks), or undefined. */
export function highestSatisfying(
  versions: readonly string[],
  constraints: string | readonly string[] | VersionSet,
  dialect: Dialect = "provider",
): string | undefined {
  const set = toSet(constraints, dialect);
  return [...versions]
    .filter((v) => satisfies(v, set))
    .sort(compareVersions)
    .pop();
}

/** A set written as constraints, e.g. ">= 5.95.0, < 6.0.0"; intervals joined by " OR "; "(none)" when empty. */
export function formatSet(set: VersionSet): string {
  if (isEmpty(set)) return "(none)";
  const intervals = set.intervals.filter((i) => intervalHasMember(i, set.prereleases));
  return intervals
    .map((i) => {
      if (
        i.lower &&
        i.upper &&
        i.lower.inclusive &&
        i.upper.inclusive &&
        compareVersions(i.lower.version, i.upper.version) === 0
      ) {
        return `= ${formatVersion(i.lower.version)}`;
      }
      const parts: string[] = [];
      if (i.lower) parts.push(`${i.lower.inclusive ? ">=" : ">"} ${formatVersion(i.lower.version)}`);
      if (i.upper) parts.push(`${i.upper.inclusive ? "<=" : "<"} ${formatVersion(i.upper.version)}`);
      return parts.length ? parts.join(", ") : "(any)";
    })
    .join(" OR ");
}
