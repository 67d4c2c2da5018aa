/**
 * Compares the synthesized stack with an HCL root module: the blueprint, or a team's fork of it.
 *
 *   npm run compare -- <directory with .tf files> [--stack-dir DIR]
 *
 * Compared: resource, data and module addresses with their count shape; each module's source,
 * version and every input; variables (type, default, sensitivity, validation); outputs;
 * providers; required_providers and required_version. Helm values are rendered on both sides
 * (the HCL side's templatefile()/file() with each template variable replaced by its
 * expression, per auth mode where the file name depends on it; the stack's per-mode locals
 * likewise) and compared as parsed YAML: a formatting difference is the same values.
 *
 * Each difference is matched against the machine-readable index of docs/differences.md
 * ("## Index"): `row N: <path pattern>, ...`, where `*` matches anything. What no row covers
 * is a change of the HCL side of its own (a fork's change to carry over) or an undocumented
 * change of this project.
 *
 * Exit status: 0 only documented differences, 1 undocumented ones (each listed), 2 usage
 * error or unreadable input (missing directory, no .tf file, HCL that does not parse, no stack).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_STACK_DIR = path.join(ROOT, "cdktf.out", "stacks", "jupyterhub");
const DIFFERENCES = path.join(ROOT, "docs", "differences.md");
const MODES = ["dummy", "cognito", "oauth"] as const;

const USAGE = `Usage: npm run compare -- <directory with .tf files> [--stack-dir DIR]

Compares the synthesized stack (npm run synth first) with an HCL root module, such as the
blueprint's ai-ml/jupyterhub or a team's fork of it: addresses and count shape, module sources,
versions and inputs, variables, outputs, providers, and helm values as parsed YAML. Differences
listed in docs/differences.md are reported as documented; the rest are the HCL side's own
changes (carry them over) or undocumented ones.

  --stack-dir DIR     the synthesized stack (default: cdktf.out/stacks/jupyterhub)
  -h, --help          show this help

Exit status: 0 only documented differences, 1 others found, 2 usage error or unreadable input.`;

export class UsageError extends Error {}

type Json = Record<string, any>;

export interface Difference {
  path: string;
  kind: "only in the HCL" | "only in the stack" | "changed";
  hcl?: unknown;
  stack?: unknown;
}

// ---------------------------------------------------------------------------------------
// Templates and expressions
// ---------------------------------------------------------------------------------------

/** Index after the quoted string starting at `i` (which holds the opening quote). */
function skipQuoted(s: string, i: number): number {
  i++;
  while (i < s.length) {
    if (s[i] === "\\") i += 2;
    else if (s[i] === '"') return i + 1;
    else if (s.startsWith("${", i) || s.startsWith("%{", i)) i = skipExpr(s, i + 2);
    else i++;
  }
  return i;
}

/** Index after the `}` closing an interpolation whose body starts at `i`. */
function skipExpr(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = skipQuoted(s, i);
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    if (c === "}" || c === ")" || c === "]") {
      if (depth === 0) return i + 1;
      depth--;
    }
    i++;
  }
  return i;
}

/** Expression text without insignificant whitespace (outside quoted strings). */
export function normalizeExpr(expr: string): string {
  let out = "";
  for (let i = 0; i < expr.length; ) {
    if (expr[i] === '"') {
      const end = skipQuoted(expr, i);
      out += expr.slice(i, end);
      i = end;
    } else if (/\s/.test(expr[i])) {
      i++;
    } else {
      out += expr[i++];
    }
  }
  // `{"Name" = x}` and `{Name = x,}` are the same object.
  return out.replace(/"([A-Za-z_][A-Za-z0-9_-]*)"=/g, "$1=").replace(/,([}\])])/g, "$1");
}

/** Replaces each `${expr}` of a template with `resolve(expr)`; `$${` stays a literal. */
export function substitute(template: string, resolve: (expr: string) => string): string {
  let out = "";
  for (let i = 0; i < template.length; ) {
    if (template.startsWith("$${", i)) {
      out += "${";
      i += 3;
    } else if (template.startsWith("${", i)) {
      const end = skipExpr(template, i + 2);
      out += resolve(template.slice(i + 2, end - 1));
      i = end;
    } else {
      out += template[i++];
    }
  }
  return out;
}

/** A placeholder for an expression that YAML keeps as a plain string. */
const placeholder = (expr: string) => `<<${normalizeExpr(expr).replace(/"/g, "'")}>>`;

/** A whole-string `${expr}`, or undefined. */
function soleExpr(value: string): string | undefined {
  if (!value.startsWith("${")) return undefined;
  const end = skipExpr(value, 2);
  return end === value.length ? value.slice(2, -1) : undefined;
}

/** Splits `a, b` / newline-separated map entries at depth 0. */
function splitTop(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === '"') {
      i = skipQuoted(body, i);
      continue;
    }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (depth === 0 && (c === "," || c === "\n")) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  parts.push(body.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** `templatefile("path", { k = v ... })` or `file("path")` → its path template and variables. */
export function templateCall(expr: string): { file: string; vars: Record<string, string> } | undefined {
  const m = /^\s*(templatefile|file)\(\s*"/.exec(expr);
  if (!m) return undefined;
  const start = m[0].length - 1;
  const end = skipQuoted(expr, start);
  const file = expr.slice(start + 1, end - 1);
  const vars: Record<string, string> = {};
  if (m[1] === "templatefile") {
    const open = expr.indexOf("{", end);
    const close = skipExpr(expr, open + 1);
    for (const entry of splitTop(expr.slice(open + 1, close - 1))) {
      const kv = /^"?([A-Za-z0-9_-]+)"?\s*[=:]\s*([\s\S]+)$/.exec(entry);
      if (kv) vars[kv[1]] = kv[2].trim();
    }
  }
  return { file, vars };
}

// ---------------------------------------------------------------------------------------
// Reading both sides
// ---------------------------------------------------------------------------------------

interface Side {
  resource: Record<string, Record<string, Json>>;
  data: Record<string, Record<string, Json>>;
  module: Record<string, Json>;
  variable: Record<string, Json>;
  output: Record<string, Json>;
  provider: Record<string, Json>;
  requiredProviders: Record<string, Json>;
  requiredVersion?: string;
  backend?: unknown;
  locals: Json;
  /** Helm values text per auth mode ("*" when the same for every mode) for a `values` element. */
  values: (value: string) => Record<string, string> | undefined;
}

function emptySide(values: Side["values"]): Side {
  return {
    resource: {},
    data: {},
    module: {},
    variable: {},
    output: {},
    provider: {},
    requiredProviders: {},
    locals: {},
    values,
  };
}

/** Drops cdktf's "//" metadata and unwraps one-element lists of blocks (HCL blocks vs JSON objects). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(plain);
    return items.length === 1 && items[0] && typeof items[0] === "object" && !Array.isArray(items[0])
      ? items[0]
      : items;
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

const providerKey = (name: string, body: Json) => (body.alias ? `${name}.${body.alias}` : name);

export function stackSide(stack: Json): Side {
  const locals = (stack.locals ?? {}) as Json;
  const side = emptySide((value) => {
    const expr = soleExpr(value);
    const local = expr && /^local\.([A-Za-z0-9_]+)\[var\.jupyter_hub_auth_mechanism\]$/.exec(normalizeExpr(expr))?.[1];
    if (local && locals[local] && typeof locals[local] === "object") {
      return Object.fromEntries(MODES.map((m) => [m, String(locals[local][m])]));
    }
    return { "*": value };
  });
  side.resource = plain(stack.resource ?? {}) as Side["resource"];
  side.data = plain(stack.data ?? {}) as Side["data"];
  side.module = plain(stack.module ?? {}) as Side["module"];
  side.variable = plain(stack.variable ?? {}) as Side["variable"];
  side.output = plain(stack.output ?? {}) as Side["output"];
  for (const [name, list] of Object.entries((stack.provider ?? {}) as Record<string, Json[]>)) {
    for (const body of list) side.provider[providerKey(name, body)] = plain(body) as Json;
  }
  side.requiredProviders = plain(stack.terraform?.required_providers ?? {}) as Json;
  side.requiredVersion = stack.terraform?.required_version;
  side.backend = stack.terraform?.backend ?? stack.terraform?.cloud;
  side.locals = locals;
  return side;
}

type HclParse = (filename: string, contents: string) => Promise<Record<string, unknown>>;

export async function hclSide(dir: string): Promise<{ side: Side; files: string[] }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new UsageError(
      `${dir}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (e as Error).message}`,
    );
  }
  const files = names.filter((n) => n.endsWith(".tf")).sort();
  if (files.length === 0) throw new UsageError(`${dir} holds no .tf file`);
  require("node:v8").setFlagsFromString("--liftoff-only");
  const parse = (require("@cdktf/hcl2json") as { parse: HclParse }).parse;

  const side = emptySide((value) => {
    const expr = soleExpr(value);
    const call = expr ? templateCall(expr) : undefined;
    if (!call) return { "*": value };
    const perMode = call.file.includes("${var.jupyter_hub_auth_mechanism}");
    const out: Record<string, string> = {};
    for (const mode of perMode ? MODES : (["*"] as const)) {
      const rel = call.file.replace("${var.jupyter_hub_auth_mechanism}", mode).replace(/^\$\{path\.module\}\//, "");
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, rel), "utf8");
      } catch {
        throw new UsageError(`${path.join(dir, rel)}: no such file (read by ${call.file})`);
      }
      // A template variable becomes the expression it is given.
      // A variable given as a quoted template ("/${local.name}/logs") is inlined as that template.
      const inline = (v: string): string => {
        const given = call.vars[v.trim()];
        if (given === undefined) return `\${${v}}`;
        return given.startsWith('"') && skipQuoted(given, 0) === given.length ? given.slice(1, -1) : `\${${given}}`;
      };
      out[mode] = Object.keys(call.vars).length ? substitute(text, inline) : text;
    }
    return out;
  });
  for (const file of files) {
    let json: Json;
    try {
      json = (await parse(file, fs.readFileSync(path.join(dir, file), "utf8"))) as Json;
    } catch (e) {
      throw new UsageError(`${path.join(dir, file)}: ${(e as Error).message.split("\n")[0]}`);
    }
    for (const kind of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Json[]>>)) {
        side[kind][type] ??= {};
        for (const [name, bodies] of Object.entries(byName)) side[kind][type][name] = plain(bodies[0]) as Json;
      }
    }
    for (const kind of ["module", "variable", "output"] as const) {
      for (const [name, bodies] of Object.entries((json[kind] ?? {}) as Record<string, Json[]>))
        side[kind][name] = plain(bodies[0]) as Json;
    }
    for (const [name, list] of Object.entries((json.provider ?? {}) as Record<string, Json[]>)) {
      for (const body of list) side.provider[providerKey(name, body)] = plain(body) as Json;
    }
    for (const block of (json.terraform ?? []) as Json[]) {
      for (const rp of (block.required_providers ?? []) as Json[]) Object.assign(side.requiredProviders, plain(rp));
      if (block.required_version) side.requiredVersion = block.required_version;
      if (block.backend) side.backend = plain(block.backend);
      if (block.cloud) side.backend = plain(block.cloud);
    }
    for (const l of (json.locals ?? []) as Json[]) Object.assign(side.locals, l);
  }
  return { side, files };
}

// ---------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------

function normalizeValue(value: unknown): unknown {
  if (typeof value === "string") {
    const expr = soleExpr(value);
    if (expr !== undefined) return `\${${normalizeExpr(expr)}}`;
    return value.includes("${") ? substitute(value, (e) => `\${${normalizeExpr(e)}}`) : value;
  }
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeValue(v)]));
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeValue(a)) === JSON.stringify(normalizeValue(b));
}

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** Parses rendered values with each interpolation as a placeholder; a parse failure keeps the text. */
function yamlOf(text: string): unknown {
  try {
    return parseYaml(substitute(text, placeholder));
  } catch {
    return text;
  }
}

/** Leaf-level differences of two values (objects by key, lists by index). */
function diffValues(where: string, hcl: unknown, stack: unknown, out: Difference[]): void {
  const obj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
  if (obj(hcl) && obj(stack)) {
    for (const k of [...new Set([...Object.keys(hcl), ...Object.keys(stack)])].sort()) {
      if (!(k in stack)) out.push({ path: where + key(k), kind: "only in the HCL", hcl: hcl[k] });
      else if (!(k in hcl)) out.push({ path: where + key(k), kind: "only in the stack", stack: stack[k] });
      else diffValues(where + key(k), hcl[k], stack[k], out);
    }
    return;
  }
  // Lists of named entries (notebook profiles) are compared by name, so one entry fewer is one difference.
  const named = (l: unknown): l is Json[] =>
    Array.isArray(l) && l.length > 0 && l.every((e) => obj(e) && typeof e.display_name === "string");
  if (named(hcl) && named(stack)) {
    const byName = (l: Json[]) => Object.fromEntries(l.map((e) => [e.display_name, e]));
    diffValues(where, byName(hcl), byName(stack), out);
    return;
  }
  if (Array.isArray(hcl) && Array.isArray(stack) && hcl.length === stack.length) {
    hcl.forEach((h, i) => {
      diffValues(`${where}[${i}]`, h, stack[i], out);
    });
    return;
  }
  if (!same(hcl, stack)) out.push({ path: where, kind: "changed", hcl, stack });
}

/** Module inputs, with each `values` list of strings compared as rendered helm values. */
function diffInputs(
  where: string,
  hcl: unknown,
  stack: unknown,
  sides: { hcl: Side; stack: Side },
  out: Difference[],
): void {
  const obj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
  if (obj(hcl) && obj(stack)) {
    for (const k of [...new Set([...Object.keys(hcl), ...Object.keys(stack)])].sort()) {
      const p = where + key(k);
      if (!(k in stack)) out.push({ path: p, kind: "only in the HCL", hcl: hcl[k] });
      else if (!(k in hcl)) out.push({ path: p, kind: "only in the stack", stack: stack[k] });
      else if (k === "values" && Array.isArray(hcl[k]) && Array.isArray(stack[k]))
        diffHelmValues(p, hcl[k], stack[k], sides, out);
      else if (k === "depends_on" && Array.isArray(hcl[k]) && Array.isArray(stack[k])) {
        // HCL's references are expressions, Terraform JSON's plain strings.
        const refs = (l: unknown[]) => l.map((r) => String(r).replace(/^\$\{(.*)\}$/, "$1"));
        diffValues(p, refs(hcl[k]), refs(stack[k]), out);
      } else diffInputs(p, hcl[k], stack[k], sides, out);
    }
    return;
  }
  diffValues(where, hcl, stack, out);
}

function diffHelmValues(
  where: string,
  hcl: unknown[],
  stack: unknown[],
  sides: { hcl: Side; stack: Side },
  out: Difference[],
): void {
  const n = Math.max(hcl.length, stack.length);
  for (let i = 0; i < n; i++) {
    const p = `${where}[${i}]`;
    if (typeof hcl[i] !== "string" || typeof stack[i] !== "string") {
      diffValues(p, hcl[i], stack[i], out);
      continue;
    }
    const h = sides.hcl.values(hcl[i] as string)!;
    const s = sides.stack.values(stack[i] as string)!;
    const modes = "*" in h && "*" in s ? ["*"] : MODES;
    for (const mode of modes) {
      const ht = h[mode] ?? h["*"];
      const st = s[mode] ?? s["*"];
      diffValues(mode === "*" ? p : `${p}{${mode}}`, yamlOf(ht), yamlOf(st), out);
    }
  }
}

export function compare(hcl: Side, stack: Side): Difference[] {
  const out: Difference[] = [];
  const sides = { hcl, stack };
  const presence = (p: string, inHcl: boolean, inStack: boolean): boolean => {
    if (inHcl && !inStack) out.push({ path: p, kind: "only in the HCL" });
    if (!inHcl && inStack) out.push({ path: p, kind: "only in the stack" });
    return inHcl && inStack;
  };
  for (const kind of ["resource", "data"] as const) {
    const types = [...new Set([...Object.keys(hcl[kind]), ...Object.keys(stack[kind])])].sort();
    for (const type of types) {
      const names = [
        ...new Set([...Object.keys(hcl[kind][type] ?? {}), ...Object.keys(stack[kind][type] ?? {})]),
      ].sort();
      for (const name of names) {
        const p = `${kind === "data" ? "data." : ""}${type}.${name}`;
        const h = hcl[kind][type]?.[name];
        const s = stack[kind][type]?.[name];
        if (!presence(p, !!h, !!s)) continue;
        for (const meta of ["count", "for_each"]) {
          if (!same(h[meta], s[meta]))
            out.push({ path: `${p}.${meta}`, kind: "changed", hcl: h[meta], stack: s[meta] });
        }
      }
    }
  }
  for (const name of [...new Set([...Object.keys(hcl.module), ...Object.keys(stack.module)])].sort()) {
    const p = `module.${name}`;
    if (!presence(p, name in hcl.module, name in stack.module)) continue;
    diffInputs(p, hcl.module[name], stack.module[name], sides, out);
  }
  for (const name of [...new Set([...Object.keys(hcl.variable), ...Object.keys(stack.variable)])].sort()) {
    const p = `variable.${name}`;
    if (!presence(p, name in hcl.variable, name in stack.variable)) continue;
    const h = hcl.variable[name];
    const s = stack.variable[name];
    const type = (t: unknown) => (typeof t === "string" ? normalizeExpr(soleExpr(t) ?? t) : t);
    if (type(h.type) !== type(s.type)) out.push({ path: `${p}.type`, kind: "changed", hcl: h.type, stack: s.type });
    diffValues(`${p}.default`, h.default, s.default, out);
    if (!!h.sensitive !== !!s.sensitive)
      out.push({ path: `${p}.sensitive`, kind: "changed", hcl: !!h.sensitive, stack: !!s.sensitive });
    if (!same(h.validation ?? null, s.validation ?? null))
      out.push({ path: `${p}.validation`, kind: h.validation ? "changed" : "only in the stack" });
  }
  for (const name of [...new Set([...Object.keys(hcl.output), ...Object.keys(stack.output)])].sort()) {
    const p = `output.${name}`;
    if (!presence(p, name in hcl.output, name in stack.output)) continue;
    diffValues(`${p}.value`, hcl.output[name].value, stack.output[name].value, out);
  }
  for (const name of [...new Set([...Object.keys(hcl.provider), ...Object.keys(stack.provider)])].sort()) {
    const p = `provider.${name}`;
    if (!presence(p, name in hcl.provider, name in stack.provider)) continue;
    diffValues(p, hcl.provider[name], stack.provider[name], out);
  }
  diffValues("terraform.required_providers", hcl.requiredProviders, stack.requiredProviders, out);
  if (hcl.requiredVersion !== stack.requiredVersion) {
    out.push({
      path: "terraform.required_version",
      kind: "changed",
      hcl: hcl.requiredVersion,
      stack: stack.requiredVersion,
    });
  }
  if (!same(hcl.backend ?? null, stack.backend ?? null))
    out.push({ path: "terraform.backend", kind: "changed", hcl: hcl.backend, stack: stack.backend });
  return out;
}

// ---------------------------------------------------------------------------------------
// The index of docs/differences.md
// ---------------------------------------------------------------------------------------

export interface IndexRow {
  row: number;
  patterns: string[];
  /** Why the row has no pattern: scripts only, or a platform set other than the compared one. */
  note?: string;
}

/** The rows of the "## Index" section: `row N: pattern, pattern` or `row N: (note)`. */
export function readIndex(markdown: string): IndexRow[] {
  const section = /^## Index\b[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? "";
  const rows: IndexRow[] = [];
  for (const line of section.split("\n")) {
    const m = /^row (\d+): (.+)$/.exec(line.trim());
    if (!m) continue;
    const note = /^\((.*)\)$/.exec(m[2].trim())?.[1];
    rows.push({
      row: Number(m[1]),
      patterns: note ? [] : m[2].split(/\s*,\s*/).filter(Boolean),
      ...(note ? { note } : {}),
    });
  }
  return rows;
}

function patternRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

/** The rows whose patterns match a difference's path. */
export function rowsFor(d: Difference, index: IndexRow[]): number[] {
  return index.filter((r) => r.patterns.some((p) => patternRegex(p).test(d.path))).map((r) => r.row);
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

function show(value: unknown): string {
  if (value === undefined) return "-";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function describe(d: Difference): string {
  if (d.kind === "changed") return `${d.path}: ${show(d.hcl)} -> ${show(d.stack)}`;
  return `${d.path}: ${d.kind}${d.kind === "only in the HCL" && d.hcl !== undefined ? ` (${show(d.hcl)})` : d.stack !== undefined ? ` (${show(d.stack)})` : ""}`;
}

export function report(diffs: Difference[], index: IndexRow[]): { text: string; undocumented: Difference[] } {
  const byRow = new Map<number, Difference[]>();
  const undocumented: Difference[] = [];
  for (const d of diffs) {
    const rows = rowsFor(d, index);
    if (rows.length === 0) undocumented.push(d);
    for (const r of rows) byRow.set(r, [...(byRow.get(r) ?? []), d]);
  }
  const lines: string[] = [];
  if (byRow.size) {
    lines.push("Documented differences (docs/differences.md):");
    for (const [row, list] of [...byRow].sort((a, b) => a[0] - b[0])) {
      lines.push(`  row ${row}: ${list.length} difference${list.length === 1 ? "" : "s"}`);
      for (const d of list.slice(0, 5)) lines.push(`    ${describe(d)}`);
      if (list.length > 5) lines.push(`    ... and ${list.length - 5} more`);
    }
  }
  if (undocumented.length) {
    lines.push(
      "",
      "Not documented: the HCL side's own changes (carry them over) or undocumented ones (HCL value -> stack value):",
    );
    for (const d of undocumented) lines.push(`  ${describe(d)}`);
  }
  lines.push(
    "",
    `compare: ${diffs.length - undocumented.length} documented ` +
      `difference${diffs.length - undocumented.length === 1 ? "" : "s"}, ` +
      `${undocumented.length} not documented`,
  );
  return { text: lines.join("\n"), undocumented };
}

function callerCwd(): string {
  const env = process.env;
  if (env.npm_lifecycle_event === "compare" && env.INIT_CWD) return env.INIT_CWD;
  return process.cwd();
}

export function readStack(stackDir: string): Json {
  const file = path.join(stackDir, "cdk.tf.json");
  try {
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    if (json && typeof json === "object" && !Array.isArray(json)) return json;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw new UsageError(`${file} does not exist: run npm run synth first`);
  }
  throw new UsageError(`${file} is not a synthesized Terraform JSON stack: run npm run synth again`);
}

async function main(argv: readonly string[]): Promise<number> {
  const cwd = callerCwd();
  let dir: string | undefined;
  let stackDir = DEFAULT_STACK_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      return 0;
    } else if (arg === "--stack-dir" || arg.startsWith("--stack-dir=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value) throw new UsageError("--stack-dir needs a directory");
      stackDir = path.resolve(cwd, value);
    } else if (arg.startsWith("-")) throw new UsageError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
    else if (dir !== undefined) throw new UsageError(`one directory only (got ${dir} and ${arg})`);
    else dir = path.resolve(cwd, arg);
  }
  if (!dir)
    throw new UsageError("name the directory of the HCL root module (e.g. data-on-eks/ai-ml/jupyterhub); see --help");
  const stack = stackSide(readStack(stackDir));
  const { side, files } = await hclSide(dir);
  let platform = "unknown";
  try {
    platform = JSON.parse(fs.readFileSync(path.join(stackDir, "settings.json"), "utf8")).platform ?? platform;
  } catch {
    // no settings.json beside a copied stack
  }
  const index = readIndex(fs.readFileSync(DIFFERENCES, "utf8"));
  console.log(
    `compare: ${dir} (${files.length} .tf files) against ${path.relative(process.cwd(), stackDir) || "."} ` +
      `(platform ${platform})\n`,
  );
  const { text, undocumented } = report(compare(side, stack), index);
  console.log(text);
  return undocumented.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(
        e instanceof UsageError
          ? `compare: ${e.message}`
          : `compare: internal error: ${String((e as Error)?.stack ?? e)}`,
      );
      process.exitCode = 2;
    },
  );
}
