/**
 * Compares a Terraform state with the synthesized stack before a team switches a running
 * blueprint deployment over to it.
 *
 *   npm run check-state -- <state file> [--stack-dir DIR]
 *
 * The state is the JSON `terraform state pull` prints (format version 4). Every resource
 * instance in it is matched against the configuration in cdk.tf.json:
 *
 * - Root resources are compared exactly: type, name and instance key against the declared
 *   block and its `count`. An instance the configuration no longer declares is one a plan
 *   destroys, unless a `removed` block with `destroy = false` forgets it.
 * - Resources inside registry modules are not in cdk.tf.json. They are grouped by the root
 *   module call that holds them: a call the stack declares keeps its instances (which of
 *   them the pinned module release still declares is for the plan to say), a call it does
 *   not declare loses all of them.
 * - Data sources are read again at every plan and never destroyed: listed apart.
 *
 * `count` expressions of the auth mode are evaluated for the mode the state was written in
 * (the Cognito resources or the ACM certificate in it tell which), so the report names what
 * the stack adds for that mode. docs/differences.md rows are cited by the addresses they name.
 *
 * Exit status: 0 the switch is safe (nothing destroyed), 1 not safe (each address named),
 * 2 usage error or unreadable input (missing file, not JSON, older state format, no stack).
 *
 * Like validate.ts, this file uses node built-ins only and reads the synthesized JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AuthMechanism } from "../variables";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_STACK_DIR = path.join(ROOT, "cdktf.out", "stacks", "jupyterhub");
const STACK_FILE = "cdk.tf.json";
const SETTINGS_FILE = "settings.json";
const DIFFERENCES = path.join(ROOT, "docs", "differences.md");
const DIFFERENCES_LINK = "docs/differences.md";

const USAGE = `Usage: npm run check-state -- <state file> [--stack-dir DIR]

Compares a Terraform state (format 4, e.g. from \`terraform state pull > state.json\`) with the
synthesized stack: what a plan would destroy, what it forgets, what the stack adds, and which
rows of ${DIFFERENCES_LINK} apply. Run npm run synth first (with the platform set you will plan with).

  --stack-dir DIR     the synthesized stack (default: cdktf.out/stacks/jupyterhub)
  -h, --help          show this help

Exit status: 0 the switch is safe, 1 a plan would destroy something (each address named),
2 usage error or unreadable input (missing file, not JSON, state format older than 4, no stack).`;

/** Stops with exit status 2. */
export class UsageError extends Error {}

type Json = Record<string, any>;

export interface StateInstance {
  /** The full address, e.g. module.eks.module.kms.aws_kms_key.this[0]. */
  address: string;
  index?: string | number;
}

export interface StateResource {
  mode: "managed" | "data";
  type: string;
  name: string;
  /** The module instance path, e.g. module.eks.module.eks_managed_node_group["core_node_group"]; "" for the root. */
  module: string;
  instances: StateInstance[];
}

export interface State {
  terraformVersion: string;
  serial: number;
  resources: StateResource[];
}

// ---------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------

function keySuffix(key: string | number | undefined): string {
  if (key === undefined) return "";
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** Parses the text of a state file; throws a UsageError saying what is wrong with it. */
export function parseState(text: string, file: string): State {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const truncated = /Unexpected end of JSON input|Unterminated|end of data/i.test((e as Error).message);
    throw new UsageError(
      `${file} is not JSON${truncated ? " (truncated?)" : ""}: save it again with ` +
        `terraform state pull > ${path.basename(file)}`,
    );
  }
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw new UsageError(`${file} is not a Terraform state (no JSON object)`);
  const s = json as Json;
  if (typeof s.version !== "number") throw new UsageError(`${file} is not a Terraform state (no "version")`);
  if (s.version < 4) {
    throw new UsageError(
      `${file} is a state of format ${s.version} (Terraform 0.11 or earlier); the stack needs format 4: ` +
        `let Terraform 0.12 or later upgrade it (terraform init, then terraform state pull)`,
    );
  }
  if (s.version > 4) throw new UsageError(`${file} has state format ${s.version}, newer than this tool knows (4)`);
  if (!Array.isArray(s.resources)) throw new UsageError(`${file} is not a Terraform state (no "resources" list)`);
  const resources: StateResource[] = [];
  for (const r of s.resources as Json[]) {
    if (!r || typeof r.type !== "string" || typeof r.name !== "string" || !Array.isArray(r.instances)) {
      throw new UsageError(
        `${file} holds a resource without type, name or instances: ${JSON.stringify(r).slice(0, 120)}`,
      );
    }
    const mode = r.mode === "data" ? "data" : "managed";
    const module = typeof r.module === "string" ? r.module : "";
    const base = `${module ? `${module}.` : ""}${mode === "data" ? "data." : ""}${r.type}.${r.name}`;
    resources.push({
      mode,
      type: r.type,
      name: r.name,
      module,
      instances: (r.instances as Json[]).map((i) => ({ address: base + keySuffix(i.index_key), index: i.index_key })),
    });
  }
  return { terraformVersion: String(s.terraform_version ?? "?"), serial: Number(s.serial ?? 0), resources };
}

export function readState(file: string): State {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" || code === "ENOTDIR" ? `${file}: no such file` : `${file}: cannot be read (${code})`,
    );
  }
  if (text.trim() === "") throw new UsageError(`${file} is empty: save it again with terraform state pull`);
  return parseState(text, file);
}

export function readStack(stackDir: string): { stack: Json; platform?: string } {
  const file = path.join(stackDir, STACK_FILE);
  let stack: unknown;
  try {
    stack = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new UsageError(`${file} does not exist: run npm run synth first`);
    throw new UsageError(`${file} is not a synthesized Terraform JSON stack: run npm run synth again`);
  }
  if (!stack || typeof stack !== "object" || Array.isArray(stack))
    throw new UsageError(`${file} is not a synthesized Terraform JSON stack`);
  let platform: string | undefined;
  try {
    platform = JSON.parse(fs.readFileSync(path.join(stackDir, SETTINGS_FILE), "utf8")).platform;
  } catch {
    platform = undefined;
  }
  return { stack: stack as Json, platform };
}

/** For each address a row of docs/differences.md names in backticks, the row numbers. */
export function differenceRows(markdown: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of markdown.split("\n")) {
    const row = /^\|\s*(\d+)\s*\|/.exec(line)?.[1];
    if (!row) continue;
    for (const [, token] of line.matchAll(/`([^`]+)`/g)) {
      // A full address, a module call, or a bare resource type (`aws_iam_policy_attachment`).
      const address = /^((?:data\.)?[a-z][a-z0-9_]*\.[a-z0-9_]+|module\.[a-z0-9_]+|[a-z]+_[a-z0-9_]+$)/.exec(
        token,
      )?.[1];
      if (!address) continue;
      const list = rows.get(address) ?? [];
      if (!list.includes(Number(row))) list.push(Number(row));
      rows.set(address, list);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------

const MODE_COUNT = /^\$\{var\.jupyter_hub_auth_mechanism (==|!=) "(dummy|cognito|oauth)" \? 1 : 0\}$/;

/** The value of a `count` for an auth mode; undefined when it depends on something else. */
export function evalCount(count: unknown, mode: AuthMechanism | undefined): number | undefined {
  if (count === undefined) return undefined;
  if (typeof count === "number") return count;
  const m = MODE_COUNT.exec(String(count));
  if (!m || !mode) return undefined;
  return (m[1] === "==") === (mode === m[2]) ? 1 : 0;
}

/** A `count` in words: "count 0", "count: cognito mode", "count: not dummy mode". */
function describeCount(count: unknown): string {
  if (typeof count === "number") return `count ${count}`;
  const m = MODE_COUNT.exec(String(count));
  if (m) return `count: ${m[1] === "==" ? "" : "not "}${m[2]} mode`;
  return `count ${JSON.stringify(count)}`;
}

/** The first module call of a module path and its key: module.eks.module.x → ["eks", undefined]. */
export function rootCall(modulePath: string): { name: string; key?: string } {
  const m = /^module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?/.exec(modulePath);
  if (!m) throw new UsageError(`cannot read the module path ${modulePath}`);
  return { name: m[1], key: m[2] };
}

export interface ModuleReport {
  call: string;
  declared: boolean;
  source?: string;
  version?: string;
  instances: number;
  moduleInstances: string[];
  /** The call's key in the state does not match its count/for_each in the stack. */
  shapeProblem?: string;
}

export interface Report {
  mode?: AuthMechanism;
  platform?: string;
  /** Root resource instances a plan destroys that no row of docs/differences.md names. */
  destroyed: { address: string; why: string }[];
  /** Root resource instances a plan destroys on purpose: a row of docs/differences.md names them. */
  destroyedAsDocumented: { address: string; rows: number[] }[];
  /** Instances a `removed` block forgets without destroying them. */
  forgotten: string[];
  /** Root instances whose key changes shape (Terraform moves them: x ↔ x[0]). */
  moved: { from: string; to: string }[];
  /** Root resources the stack declares that the state lacks (with their count for the mode). */
  added: { address: string; count: string }[];
  kept: number;
  modules: ModuleReport[];
  /** Module calls the stack declares with nothing in the state. */
  modulesAdded: string[];
  dataDropped: string[];
  dataAdded: string[];
  warnings: string[];
}

const declared = (stack: Json, kind: "resource" | "data", type: string, name: string): Json | undefined =>
  (stack[kind]?.[type] as Json | undefined)?.[name];

/** The auth mode the state was written in, from the resources only some modes create. */
export function stateMode(state: State, stack: Json): AuthMechanism {
  let notDummy = false;
  for (const r of state.resources) {
    if (r.module || r.instances.length === 0) continue;
    const body = declared(stack, r.mode === "data" ? "data" : "resource", r.type, r.name);
    const m = MODE_COUNT.exec(String(body?.count));
    if (r.type === "aws_iam_policy_attachment" || (m && m[1] === "==" && m[2] === "cognito")) return "cognito";
    if (m && m[1] === "!=" && m[2] === "dummy") notDummy = true;
  }
  return notDummy ? "oauth" : "dummy";
}

/** The rows of docs/differences.md by address (empty when the file cannot be read). */
function documentedRows(): Map<string, number[]> {
  try {
    return differenceRows(fs.readFileSync(DIFFERENCES, "utf8"));
  } catch {
    return new Map();
  }
}

export function analyze(
  state: State,
  stack: Json,
  platform?: string,
  documented: Map<string, number[]> = documentedRows(),
): Report {
  const mode = stateMode(state, stack);
  const report: Report = {
    mode,
    platform,
    destroyed: [],
    destroyedAsDocumented: [],
    forgotten: [],
    moved: [],
    added: [],
    kept: 0,
    modules: [],
    modulesAdded: [],
    dataDropped: [],
    dataAdded: [],
    warnings: [],
  };
  const removed = new Set<string>(
    ((stack.removed ?? []) as Json[]).filter((r) => r.lifecycle?.destroy === false).map((r) => String(r.from)),
  );
  const seen = new Set<string>();
  const modules = new Map<string, ModuleReport>();

  for (const r of state.resources) {
    if (r.module) {
      const { name, key } = rootCall(r.module);
      const call = stack.module?.[name] as Json | undefined;
      let m = modules.get(name);
      if (!m) {
        m = {
          call: `module.${name}`,
          declared: !!call,
          source: call?.source,
          version: call?.version,
          instances: 0,
          moduleInstances: [],
        };
        if (call && key !== undefined && call.count === undefined && call.for_each === undefined) {
          m.shapeProblem = `the state holds module.${name}${key}, the stack declares module.${name} without count or for_each`;
        } else if (call && key === undefined && (call.count !== undefined || call.for_each !== undefined)) {
          m.shapeProblem = `the state holds module.${name}, the stack declares it with ${call.count !== undefined ? "count" : "for_each"}`;
        }
        modules.set(name, m);
      }
      if (r.mode === "managed") m.instances += r.instances.length;
      if (!m.moduleInstances.includes(r.module)) m.moduleInstances.push(r.module);
      continue;
    }
    const kind = r.mode === "data" ? "data" : "resource";
    const base = `${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`;
    seen.add(base);
    const body = declared(stack, kind, r.type, r.name);
    for (const instance of r.instances) {
      if (r.mode === "data") {
        if (!body) report.dataDropped.push(instance.address);
        continue;
      }
      if (!body) {
        if (removed.has(base) || removed.has(instance.address)) report.forgotten.push(instance.address);
        else report.destroyed.push({ address: instance.address, why: "not declared by the stack" });
        continue;
      }
      const counted = body.count !== undefined;
      if (typeof instance.index === "string" || (body.for_each !== undefined && instance.index !== undefined)) {
        report.destroyed.push({ address: instance.address, why: "for_each keys are not declared by the stack" });
        continue;
      }
      if (!counted) {
        if (instance.index === undefined) report.kept++;
        else if (instance.index === 0) report.moved.push({ from: instance.address, to: base });
        else report.destroyed.push({ address: instance.address, why: `${base} has no count` });
        continue;
      }
      const index = instance.index ?? 0;
      if (instance.index === undefined) report.moved.push({ from: base, to: `${base}[0]` });
      const n = evalCount(body.count, mode);
      if (n === undefined) {
        report.kept++;
        report.warnings.push(
          `${instance.address}: ${describeCount(body.count)} cannot be evaluated here; read the plan`,
        );
      } else if (index >= n) {
        report.destroyed.push({
          address: instance.address,
          why: `${describeCount(body.count)} is ${n} for ${mode} mode${platform ? ` in the ${platform} set` : ""}`,
        });
      } else if (instance.index !== undefined) {
        report.kept++;
      }
    }
  }

  // What the stack declares that the state lacks.
  for (const kind of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries((stack[kind] ?? {}) as Record<string, Json>)) {
      for (const [name, body] of Object.entries(byName)) {
        const base = `${kind === "data" ? "data." : ""}${type}.${name}`;
        if (seen.has(base)) continue;
        const n = body.count === undefined ? 1 : evalCount(body.count, mode);
        if (n === 0) continue;
        const entry = body.count === undefined ? base : `${base}[0]`;
        if (kind === "data") report.dataAdded.push(entry);
        else
          report.added.push({
            address: entry,
            count:
              body.count === undefined ? "no count" : `${describeCount(body.count)}${n === undefined ? "" : ` = ${n}`}`,
          });
      }
    }
  }
  for (const name of Object.keys(stack.module ?? {})) {
    if (!modules.has(name)) report.modulesAdded.push(`module.${name}`);
  }
  report.modules = [...modules.values()].sort((a, b) => a.call.localeCompare(b.call));
  for (const m of report.modules) {
    if (!m.declared)
      report.destroyed.push({
        address: m.call,
        why: `module call not declared by the stack: its ${m.instances} resource instances are destroyed`,
      });
    else if (m.shapeProblem) report.destroyed.push({ address: m.call, why: m.shapeProblem });
  }
  if (platform && platform !== "blueprint") {
    report.warnings.push(
      `the stack was synthesized with the "${platform}" platform set: on a blueprint ` +
        `deployment it plans upgrades and replacements ` +
        `(${DIFFERENCES_LINK} row 19); adopt with "platform": "blueprint" first`,
    );
  }
  if (!platform) report.warnings.push(`no ${SETTINGS_FILE} beside the stack: its platform set is unknown`);
  // A destroy that a row of docs/differences.md names is one of the documented fixes (the
  // unused token secret, the exclusive S3 attachment): reported, but not a reason to stop.
  // Only resources the configuration no longer declares at all: a count that drops to 0 (the
  // karpenter-crd release in the blueprint set) is never waved through.
  report.destroyed = report.destroyed.filter((d) => {
    if (d.why !== "not declared by the stack") return true;
    const base = d.address.replace(/\[[^\]]*\]$/, "");
    const rows = documented.get(base) ?? documented.get(base.split(".")[0]!);
    if (!rows?.length) return true;
    report.destroyedAsDocumented.push({ address: d.address, rows });
    return false;
  });
  return report;
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

function cite(address: string, rows: Map<string, number[]>): string {
  const bare = address.replace(/\[[^\]]*\]$/, "");
  const call = /^module\.[a-z0-9_]+/.exec(bare)?.[0];
  const type = /^(?:data\.)?([a-z0-9_]+)\.[a-z0-9_]+$/.exec(bare)?.[1];
  const found = rows.get(bare) ?? (call ? rows.get(call) : undefined) ?? (type && !call ? rows.get(type) : undefined);
  return found?.length ? `  (${DIFFERENCES_LINK} row${found.length > 1 ? "s" : ""} ${found.join(", ")})` : "";
}

export function render(report: Report, rows: Map<string, number[]>): string {
  const out: string[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push("", title, ...lines.map((l) => `  ${l}`));
  };
  out.push(`auth mode of the state: ${report.mode} (plan with jupyter_hub_auth_mechanism = "${report.mode}")`);
  section(
    "DESTROYED by a plan:",
    report.destroyed.map((d) => `${d.address}: ${d.why}${cite(d.address, rows)}`),
  );
  section(
    "Destroyed as documented (the fixes of the rows named):",
    report.destroyedAsDocumented.map(
      (d) => `${d.address}  (${DIFFERENCES_LINK} row${d.rows.length > 1 ? "s" : ""} ${d.rows.join(", ")})`,
    ),
  );
  section(
    "Forgotten, not destroyed (a removed block with destroy = false):",
    report.forgotten.map((a) => `${a}${cite(a, rows)}`),
  );
  section(
    "Moved by Terraform (count shape):",
    report.moved.map((m) => `${m.from} -> ${m.to}`),
  );
  section(
    "Added by the stack (declared, not in the state):",
    report.added.map((a) => `${a.address} (${a.count})${cite(a.address, rows)}`),
  );
  section("Root resource instances kept at their address:", [`${report.kept}`]);
  section(
    "Modules (their internal addresses are the pinned module release's; the plan says which stay):",
    report.modules.map((m) => {
      const head = m.declared ? `${m.call} (${m.source} ${m.version})` : `${m.call} (NOT declared by the stack)`;
      const nested = m.moduleInstances.filter((i) => i !== m.call);
      return `${head}: ${m.instances} resource instance${m.instances === 1 ? "" : "s"}${
        nested.length ? `, in ${nested.join(", ")}${m.moduleInstances.includes(m.call) ? " and itself" : ""}` : ""
      }${cite(m.call, rows)}`;
    }),
  );
  section(
    "Module calls with nothing in the state yet:",
    report.modulesAdded.map((m) => `${m}${cite(m, rows)}`),
  );
  section("Data sources no longer read (dropped from the state, nothing destroyed):", report.dataDropped);
  section(
    "Data sources read for the first time:",
    report.dataAdded.map((a) => `${a}${cite(a, rows)}`),
  );
  section("Warnings:", report.warnings);
  out.push("");
  if (report.destroyed.length === 0) {
    const documentedPart = report.destroyedAsDocumented.length
      ? `${report.destroyedAsDocumented.length} destroyed as documented, `
      : "";
    out.push(
      `check-state: safe: a plan destroys nothing the state holds but what ` +
        `docs/differences.md documents (${documentedPart}${report.added.length} root ` +
        `resource instance${report.added.length === 1 ? "" : "s"} added)`,
    );
  } else {
    out.push(`check-state: NOT safe: a plan would destroy ${report.destroyed.map((d) => d.address).join(", ")}`);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

function callerCwd(): string {
  const env = process.env;
  if (env.npm_lifecycle_event === "check-state" && env.INIT_CWD) return env.INIT_CWD;
  return process.cwd();
}

export function parseArgs(
  argv: readonly string[],
  cwd: string,
): { stateFile?: string; stackDir: string; help: boolean } {
  let stateFile: string | undefined;
  let stackDir = DEFAULT_STACK_DIR;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "--stack-dir" || arg.startsWith("--stack-dir=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value) throw new UsageError("--stack-dir needs a directory");
      stackDir = path.resolve(cwd, value);
    } else if (arg.startsWith("-") && arg !== "-")
      throw new UsageError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
    else if (stateFile !== undefined) throw new UsageError(`one state file only (got ${stateFile} and ${arg})`);
    else stateFile = path.resolve(cwd, arg);
  }
  return { stateFile, stackDir, help };
}

export function checkState(argv: readonly string[]): number {
  const options = parseArgs(argv, callerCwd());
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (!options.stateFile) throw new UsageError("name the state file (terraform state pull > state.json); see --help");
  const state = readState(options.stateFile);
  const { stack, platform } = readStack(options.stackDir);
  let rows = new Map<string, number[]>();
  try {
    rows = differenceRows(fs.readFileSync(DIFFERENCES, "utf8"));
  } catch {
    // The report stands without the citations.
  }
  const report = analyze(state, stack, platform, rows);
  console.log(
    `check-state: ${options.stateFile} (state serial ${state.serial}, Terraform ${state.terraformVersion}) ` +
      `against ${path.relative(process.cwd(), options.stackDir) || "."} (platform ${platform ?? "unknown"})`,
  );
  console.log(render(report, rows));
  return report.destroyed.length === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = checkState(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) console.error(`check-state: ${e.message}`);
    else console.error("check-state: internal error:", e);
    process.exitCode = 2;
  }
}
