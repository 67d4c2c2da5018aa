/**
 * Differences between two parsed helm values documents (the blueprint's and ours), and their
 * check against a list of documented differences.
 *
 * Paths are written as scripts/compare.ts writes them below a values list: `.key` (or
 * `["key"]` for a key that is not an identifier), `[i]` for a list index, and notebook
 * profiles (lists whose every entry has a `display_name`) by name: `profileList["Elyra (CPU)"]`,
 * and their order as `profileList[*].display_name` (the names both sides have, in each side's order).
 * The leading dot is dropped: `hub.config.GenericOAuthenticator.allow_all`.
 *
 * A difference holds the value on each side where it has one: no `blueprint` key means the
 * path is only in ours (added), no `ours` key means only in the blueprint (removed). Lists of
 * different lengths, and values of different kinds, are one difference at the list's path.
 */

export interface ValueDifference {
  /** Which values: the chart, with the auth mode for JupyterHub (`jupyterhub{cognito}`). */
  chart: string;
  path: string;
  blueprint?: unknown;
  ours?: unknown;
}

/** A difference the project means to make, with the docs/differences.md row (or rows) that explain it. */
export interface DocumentedDifference extends ValueDifference {
  row: number | number[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const named = (l: unknown): l is Obj[] =>
  Array.isArray(l) && l.length > 0 && l.every((e) => isObj(e) && typeof e.display_name === "string");

/** Every leaf-level difference from `blueprint` to `ours`, in document order. */
export function diffValues(chart: string, blueprint: unknown, ours: unknown): ValueDifference[] {
  const out: ValueDifference[] = [];
  const walk = (path: string, b: unknown, o: unknown): void => {
    if (isObj(b) && isObj(o)) {
      for (const k of new Set([...Object.keys(b), ...Object.keys(o)])) {
        const p = path + key(k);
        if (!(k in o)) out.push({ chart, path: p, blueprint: b[k] });
        else if (!(k in b)) out.push({ chart, path: p, ours: o[k] });
        else walk(p, b[k], o[k]);
      }
      return;
    }
    if (named(b) && named(o)) {
      const byName = (l: Obj[]) => Object.fromEntries(l.map((e) => [e.display_name as string, e]));
      walk(path, byName(b), byName(o));
      // The order matters too (the first profile is the default): that of the names on both sides.
      const names = (l: Obj[], other: Obj[]) =>
        l.map((e) => e.display_name as string).filter((n) => other.some((x) => x.display_name === n));
      if (!sameValue(names(b, o), names(o, b)))
        out.push({ chart, path: `${path}[*].display_name`, blueprint: names(b, o), ours: names(o, b) });
      return;
    }
    if (Array.isArray(b) && Array.isArray(o) && b.length === o.length) {
      b.forEach((item, i) => {
        walk(`${path}[${i}]`, item, o[i]);
      });
      return;
    }
    if (!sameValue(b, o)) out.push({ chart, path, blueprint: b, ours: o });
  };
  walk("", blueprint, ours);
  return out.map((d) => ({ ...d, path: d.path.replace(/^\./, "") }));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const has = (d: ValueDifference, side: "blueprint" | "ours") => Object.hasOwn(d, side);

/** True when `listed` describes exactly `found`: same chart and path, same value (or absence) on each side. */
export function sameDifference(listed: ValueDifference, found: ValueDifference): boolean {
  return (
    listed.chart === found.chart &&
    listed.path === found.path &&
    has(listed, "blueprint") === has(found, "blueprint") &&
    has(listed, "ours") === has(found, "ours") &&
    sameValue(listed.blueprint, found.blueprint) &&
    sameValue(listed.ours, found.ours)
  );
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** One line per side, for a failure message. */
export function describeDifference(d: ValueDifference): string {
  const b = has(d, "blueprint") ? show(d.blueprint) : "(absent)";
  const o = has(d, "ours") ? show(d.ours) : "(absent)";
  return `${d.chart} ${d.path}\n    blueprint: ${b}\n    ours:      ${o}`;
}

export interface DifferenceCheck {
  /** Found but not listed: each needs a row in docs/differences.md and an entry in the list. */
  undocumented: ValueDifference[];
  /** Listed but not found (or found with other values): remove or update the entry. */
  stale: DocumentedDifference[];
}

/** Matches the differences found against the documented ones, both ways. */
export function checkDifferences(found: ValueDifference[], documented: DocumentedDifference[]): DifferenceCheck {
  return {
    undocumented: found.filter((f) => !documented.some((d) => sameDifference(d, f))),
    stale: documented.filter((d) => !found.some((f) => sameDifference(d, f))),
  };
}

/** The failure message for a check that found anything, or "" when found == documented. */
export function differenceReport(check: DifferenceCheck, listFile: string): string {
  const lines: string[] = [];
  if (check.undocumented.length) {
    lines.push(
      `${check.undocumented.length} difference(s) from the blueprint's values that no entry of ${listFile} lists.`,
      `Explain each in a row of docs/differences.md (add one if none fits, and its Index line), then add`,
      `{ "chart", "path", "blueprint", "ours", "row" } to ${listFile} (leave out ` +
        `"blueprint" or "ours" for a path only on the other side):`,
      ...check.undocumented.map((d) => `  ${describeDifference(d)}`),
    );
  }
  if (check.stale.length) {
    lines.push(
      `${check.stale.length} entr(y/ies) of ${listFile} no longer occur as listed ` +
        `(the values changed): update or remove them:`,
      ...check.stale.map((d) => `  row ${[d.row].flat().join(", ")}: ${describeDifference(d)}`),
    );
  }
  return lines.join("\n");
}
