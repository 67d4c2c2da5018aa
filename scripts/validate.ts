/**
 * Checks the stack's inputs offline, before anything touches AWS.
 *
 *   npm run validate -- [-var NAME=VALUE]... [-var-file FILE]... [--stack-dir DIR]
 *
 * 1. Every name given a value must be a variable of the stack: the keys of each -var-file,
 *    the names of -var, and the TF_VAR_<name> environment variables (Terraform ignores an
 *    undeclared one silently). A close declared name is suggested.
 * 2. terraform.tfvars, terraform.tfvars.json and *.auto.tfvars(.json) files in the project root
 *    or the current directory are errors: Terraform runs in the stack directory and does not
 *    read them. Files of those names in the stack directory are read, and checked.
 * 3. The variables' validation rules and the `check` blocks that read only variables run in
 *    the real `terraform plan`, on a temporary root module holding only those blocks (no
 *    provider, no module, no network, no state), with the same -var / -var-file arguments and
 *    TF_VAR_* environment.
 *
 * Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error, unreadable input,
 * missing synthesized stack or missing terraform.
 *
 * Startup time matters (the lifecycle scripts run this first), so this file imports only
 * node built-ins and reads the synthesized JSON: no cdktf, no stack code. The HCL parser
 * (@cdktf/hcl2json, WebAssembly) is loaded only when a .tfvars file is to be read, and it
 * parses while terraform runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_STACK_DIR = path.join(ROOT, "cdktf.out", "stacks", "jupyterhub");
const STACK_FILE = "cdk.tf.json";

const USAGE = `Usage: npm run validate -- [-var NAME=VALUE]... [-var-file FILE]... [--stack-dir DIR]

Checks the stack's input variables offline, with the real terraform, before anything touches
AWS: every name given a value is a variable of the stack (in -var, -var-file and TF_VAR_*), no
tfvars file lies where terraform would not read it, every variable's validation rules pass, and
the check blocks that read only variables hold.

  -var NAME=VALUE, -var=NAME=VALUE     a variable value, as for terraform (also --var)
  -var-file FILE, -var-file=FILE       a .tfvars or .tfvars.json file (also --var-file);
                                       a relative path is taken from the current directory
  --stack-dir DIR                      the synthesized stack to check against
                                       (default: cdktf.out/stacks/jupyterhub; npm run synth)
  -h, --help                           show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error, unreadable
var file, missing synthesized stack or missing terraform.`;

const TERRAFORM_INSTALL_HINT =
  "terraform (>= 1.9) is not on PATH. Install it from https://developer.hashicorp.com/terraform/install " +
  "(Debian/Ubuntu: add the HashiCorp apt repository, then `apt-get install terraform`; or unzip a release from " +
  "https://releases.hashicorp.com/terraform/ into a directory on PATH) and run this again.";

/** Stops with exit status 2 (usage, unreadable input, missing stack or tool). */
class UsageError extends Error {}

type Json = Record<string, unknown>;

interface Options {
  /** -var and -var-file in the order given (terraform applies them in that order). */
  inputs: ({ kind: "var"; name: string; text: string } | { kind: "file"; path: string })[];
  stackDir: string;
  help: boolean;
}

interface Problem {
  severity: "error" | "warning" | "note";
  text: string;
}

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

/**
 * The directory the user ran the command from. `npm run` changes into the project root and
 * keeps the caller's directory in INIT_CWD; only trust it when npm started this script.
 */
function callerCwd(): string {
  const env = process.env;
  if (env.npm_lifecycle_event === "validate" && env.INIT_CWD) return env.INIT_CWD;
  return process.cwd();
}

export function parseArgs(argv: readonly string[], cwd: string): Options {
  const options: Options = { inputs: [], stackDir: DEFAULT_STACK_DIR, help: false };
  const valueAt = (arg: string, i: number, flag: string): [string, number] => {
    const eq = arg.indexOf("=");
    if (eq >= 0) return [arg.slice(eq + 1), i];
    if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value${flag === "var" ? " NAME=VALUE" : ""}`);
    return [argv[i + 1], i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = /^--?(var|var-file)(=|$)/.exec(arg)?.[1] ?? (/^--stack-dir(=|$)/.test(arg) ? "stack-dir" : undefined);
    if (arg === "-h" || arg === "--help") {
      options.help = true;
    } else if (flag === "var") {
      const [text, next] = valueAt(arg, i, flag);
      i = next;
      const eq = text.indexOf("=");
      if (eq <= 0) {
        throw new UsageError(`-var ${text.split("=")[0]}: expected NAME=VALUE, for example -var 'region=eu-west-1'`);
      }
      options.inputs.push({ kind: "var", name: text.slice(0, eq), text });
    } else if (flag === "var-file") {
      const [file, next] = valueAt(arg, i, flag);
      i = next;
      if (file === "") throw new UsageError(`${arg} needs a file name`);
      options.inputs.push({ kind: "file", path: path.resolve(cwd, file) });
    } else if (flag === "stack-dir") {
      const [dir, next] = valueAt(arg, i, flag);
      i = next;
      options.stackDir = path.resolve(cwd, dir);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------
// The synthesized stack
// ---------------------------------------------------------------------------------------

function readStack(stackDir: string): Json {
  const file = path.join(stackDir, STACK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new UsageError(`${file} does not exist: run npm run synth first`);
    throw new UsageError(`${file} cannot be read (${code}): run npm run synth first`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Json;
  } catch {
    // reported below
  }
  throw new UsageError(`${file} is not a synthesized Terraform JSON stack: run npm run synth again`);
}

/**
 * The traversal roots an HCL template or expression refers to (`var`, `local`, `data`,
 * `module`, a resource type, ...), plus "provider::" when it calls a provider function.
 * A small scanner, not a parser: it may see a root where there is none (a for-expression's
 * own symbol), which only makes the caller skip a block it could have kept.
 */
export function referenceRoots(template: string): Set<string> {
  const roots = new Set<string>();
  scanTemplate(template, 0, roots, false);
  return roots;
}

/** Scans template text from `i` until the closing quote (when `quoted`) or the end; returns the index after it. */
function scanTemplate(s: string, i: number, roots: Set<string>, quoted: boolean): number {
  while (i < s.length) {
    const c = s[i];
    if (quoted && c === "\\") {
      i += 2;
    } else if (quoted && c === '"') {
      return i + 1;
    } else if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") {
      i += 3; // $${ and %%{ are literal
    } else if ((c === "$" || c === "%") && s[i + 1] === "{") {
      i = scanExpression(s, i + 2, roots);
    } else {
      i++;
    }
  }
  return i;
}

/** Scans an expression from `i` to its closing brace; returns the index after the brace. */
function scanExpression(s: string, i: number, roots: Set<string>): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = scanTemplate(s, i + 1, roots, true);
      continue;
    }
    if (c === "{") depth++;
    if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(i, i + 256));
    if (id && !/[A-Za-z0-9_.-]/.test(s[i - 1] ?? "")) {
      const after = s.slice(i + id[0].length).trimStart();
      if (after.startsWith("::")) roots.add("provider::");
      else if (after.startsWith(".") || after.startsWith("[")) roots.add(id[0]);
      i += id[0].length;
      continue;
    }
    if (id) {
      i += id[0].length;
      continue;
    }
    i++;
  }
  return i;
}

/** Every string in a JSON value (the templates of a block). */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

function foreignRoots(value: unknown): string[] {
  const roots = new Set<string>();
  for (const s of stringsIn(value)) for (const r of referenceRoots(s)) if (r !== "var") roots.add(r);
  return [...roots].sort();
}

interface TempModule {
  config: Json;
  variables: string[];
  notes: Problem[];
}

/**
 * The temporary root module: required_version, every variable (validation rules that read
 * anything but variables left out), and the check blocks that read only variables.
 */
export function tempModule(stack: Json): TempModule {
  const notes: Problem[] = [];
  const variables: Record<string, Json> = {};
  for (const [name, block] of Object.entries((stack.variable ?? {}) as Record<string, Json>)) {
    const copy: Json = { ...block };
    if (Array.isArray(block.validation)) {
      copy.validation = (block.validation as Json[]).filter((rule) => {
        const foreign = foreignRoots(rule);
        if (foreign.length > 0) {
          notes.push({
            severity: "note",
            text:
              `variable ${name}: a validation rule reads ${foreign.join(", ")}, which only a ` +
              `full terraform plan has; not checked here`,
          });
        }
        return foreign.length === 0;
      });
    }
    variables[name] = copy;
  }
  const checks: Record<string, Json> = {};
  for (const [name, block] of Object.entries((stack.check ?? {}) as Record<string, Json>)) {
    const foreign = [...foreignRoots(block.assert), ...(block.data ? ["data"] : [])];
    if (foreign.length > 0) {
      notes.push({
        severity: "note",
        text:
          `check.${name} reads ${[...new Set(foreign)].join(", ")}, which only a full ` +
          `terraform plan has; not checked here`,
      });
    } else {
      checks[name] = block;
    }
  }
  const terraform = (stack.terraform ?? {}) as Json;
  const config: Json = {};
  if (typeof terraform.required_version === "string")
    config.terraform = { required_version: terraform.required_version };
  if (Object.keys(variables).length > 0) config.variable = variables;
  if (Object.keys(checks).length > 0) config.check = checks;
  return { config, variables: Object.keys(variables), notes };
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The declared name closest to `name`, if it is close enough to be a likely typo. */
export function closest(name: string, declared: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, "_");
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...declared].sort()) {
    const distance = editDistance(norm(name), norm(candidate));
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function undeclared(name: string, declared: readonly string[]): string {
  const guess = closest(name, declared);
  return `${name} is not a variable of this stack${guess ? `; did you mean ${guess}?` : ""}`;
}

// ---------------------------------------------------------------------------------------
// Var files
// ---------------------------------------------------------------------------------------

const AUTOLOADED = /^(terraform\.tfvars(\.json)?|.+\.auto\.tfvars(\.json)?)$/;

/** terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in `dir`, in terraform's order. */
function autoloadedFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const rank = (n: string) => (n === "terraform.tfvars" ? 0 : n === "terraform.tfvars.json" ? 1 : 2);
  return names
    .filter((n) => AUTOLOADED.test(n) && isFile(path.join(dir, n)))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => path.join(dir, n));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Reads a var file, or throws a UsageError naming it. */
function readVarFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" || code === "ENOTDIR" ? `${file}: no such file` : `${file}: cannot be read (${code})`,
    );
  }
  if (!stat.isFile()) throw new UsageError(`${file}: not a regular file`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code})`);
  }
}

interface VarFile {
  /** The path shown to the user and passed to terraform (absolute). */
  path: string;
  text: string;
}

interface FileKeys {
  file: VarFile;
  keys: string[];
  /** The parse error, when the file is not valid HCL / JSON. */
  error?: string;
}

/** 1-based line of the first `key =` (HCL) or `"key":` (JSON) in the text, if found. */
function lineOf(text: string, key: string, json: boolean): number | undefined {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = json ? new RegExp(`"${k}"\\s*:`) : new RegExp(`^\\s*"?${k}"?\\s*=`);
  const lines = text.split("\n");
  const index = lines.findIndex((line) => re.test(line));
  return index >= 0 ? index + 1 : undefined;
}

type HclParse = (filename: string, contents: string) => Promise<Record<string, unknown>>;
let hclParse: HclParse | undefined;

function loadHclParser(): HclParse {
  if (!hclParse) {
    // hcl2json is Go compiled to WebAssembly. V8 compiles its 6 MB module twice (baseline,
    // then optimized in the background) and the process waits ~0.4 s at exit for the second
    // compile; the baseline code alone parses a tfvars file in microseconds.
    require("node:v8").setFlagsFromString("--liftoff-only");
    hclParse = (require("@cdktf/hcl2json") as typeof import("@cdktf/hcl2json")).parse;
  }
  return hclParse;
}

/** The top-level keys of a var file, parsed as terraform would (JSON for *.json, else HCL). */
async function varFileKeys(file: VarFile): Promise<FileKeys> {
  if (file.path.endsWith(".json")) {
    try {
      const value = JSON.parse(file.text) as unknown;
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        return {
          file,
          keys: [],
          error: `${file.path}: the root value must be a JSON object of variable names and values`,
        };
      }
      return { file, keys: Object.keys(value) };
    } catch (e) {
      return { file, keys: [], error: jsonError(file, (e as Error).message) };
    }
  }
  try {
    return { file, keys: Object.keys(await loadHclParser()(file.path, file.text)) };
  } catch (e) {
    return { file, keys: [], error: hclError(file.path, (e as Error).message) };
  }
}

/** JSON.parse's message as "<file> line 3: invalid JSON: <what>". */
function jsonError(file: VarFile, message: string): string {
  const position = /at position (\d+)/.exec(message);
  const what = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
  const line = position ? file.text.slice(0, Number(position[1])).split("\n").length : undefined;
  return `${file.path}${line ? ` line ${line}` : ""}: invalid JSON: ${what}`;
}

/**
 * hcl2json's error, "parse config: [<file>:3,5-6: Summary; Detail. <file>:...]", as
 * terraform-like lines "<file> line 3: Summary: Detail", duplicates dropped.
 */
export function hclError(file: string, message: string): string {
  const body = message.replace(/^parse config: \[/, "").replace(/\]$/, "");
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const parts = body.split(new RegExp(`(?:^|\\s)(?=${escaped}:\\d+,\\d+)`)).filter((p) => p.trim() !== "");
  const lines: string[] = [];
  for (const part of parts) {
    const m = new RegExp(`^${escaped}:(\\d+),\\d+(?:-[\\d,]+)?: ([^;]*);?\\s*([\\s\\S]*)$`).exec(part.trim());
    const line = m ? `${file} line ${m[1]}: ${m[2]}${m[3] ? `: ${m[3].trim()}` : ""}` : `${file}: ${part.trim()}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.length > 0 ? lines.join("\n") : `${file}: ${message}`;
}

// ---------------------------------------------------------------------------------------
// terraform
// ---------------------------------------------------------------------------------------

function findTerraform(): string {
  const exe = process.platform === "win32" ? "terraform.exe" : "terraform";
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new UsageError(TERRAFORM_INSTALL_HINT);
}

/**
 * The caller's environment for terraform, minus settings that would change what this run
 * does or prints (TF_CLI_ARGS*, TF_WORKSPACE, TF_DATA_DIR, TF_LOG*, the CLI configuration),
 * plus an empty CLI configuration: a plan without providers needs none, and a missing
 * ~/.terraformrc or TF_CLI_CONFIG_FILE then produces no warning.
 */
function terraformEnv(cliConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^TF_(CLI_ARGS|WORKSPACE$|DATA_DIR$|LOG|CLI_CONFIG_FILE$|PLUGIN_CACHE_DIR$|INPUT$|IN_AUTOMATION$)/.test(key))
      env[key] = value;
  }
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
}

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail: string;
  range?: { filename: string; start: { line: number } };
}

interface PlanResult {
  code: number;
  version?: string;
  diagnostics: Diagnostic[];
  stderr: string;
}

let child: ChildProcess | undefined;

function runPlan(binary: string, cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<PlanResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ["plan", "-input=false", "-lock=false", "-refresh=false", "-json", ...args], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    proc.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    proc.on("error", (e) => reject(new UsageError(`could not run ${binary}: ${e.message}. ${TERRAFORM_INSTALL_HINT}`)));
    proc.on("close", (code, signal) => {
      child = undefined;
      const result: PlanResult = { code: code ?? (signal ? 128 : 1), diagnostics: [], stderr };
      for (const line of stdout.split("\n")) {
        if (!line.startsWith("{")) continue;
        let message: { type?: string; terraform?: string; diagnostic?: Diagnostic };
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if (message.type === "version") result.version = message.terraform;
        if (message.type === "diagnostic" && message.diagnostic) result.diagnostics.push(message.diagnostic);
      }
      resolve(result);
    });
  });
}

/**
 * For each line of the pretty-printed module (1-based), the variable block it is in. The
 * module's JSON is written by JSON.stringify(config, null, 2): a variable block starts with
 * `    "<name>": {` inside `  "variable": {`.
 */
export function variableLines(moduleText: string): (string | undefined)[] {
  const byLine: (string | undefined)[] = [undefined];
  let inVariables = false;
  let current: string | undefined;
  for (const line of moduleText.split("\n")) {
    if (/^ {2}"/.test(line)) {
      inVariables = line === '  "variable": {';
      current = undefined;
    } else if (inVariables && /^ {4}"/.test(line)) {
      current = /^ {4}"((?:[^"\\]|\\.)*)": \{$/.exec(line)?.[1];
    }
    byLine.push(inVariables ? current : undefined);
  }
  return byLine;
}

/**
 * The variable a failed validation rule belongs to: terraform names the rule's line in the
 * module ("This was checked by the validation rule at main.tf.json:55,21-22."), and for a
 * value from -var, TF_VAR_ or the default its range is the variable block itself.
 */
function variableOf(d: Diagnostic, byLine: (string | undefined)[]): string | undefined {
  const rule = /validation rule at main\.tf\.json:(\d+),/.exec(d.detail)?.[1];
  if (rule) return byLine[Number(rule)];
  if (d.range?.filename === "main.tf.json") return byLine[d.range.start.line];
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------

function block(severity: string, text: string): string {
  const [first, ...rest] = text.trimEnd().split("\n");
  return [`${severity}: ${first}`, ...rest.map((l) => (l === "" ? "" : `  ${l}`))].join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

async function validate(argv: readonly string[]): Promise<number> {
  const cwd = callerCwd();
  const options = parseArgs(argv, cwd);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const stack = readStack(options.stackDir);
  const varFiles: VarFile[] = [];
  for (const input of options.inputs) {
    if (input.kind === "file") varFiles.push({ path: input.path, text: readVarFile(input.path) });
  }
  const terraform = findTerraform();

  const { config, variables: declared, notes } = tempModule(stack);
  const isDeclared = new Set(declared);
  const problems: Problem[] = [];

  // Names given a value on the command line and in the environment.
  const planArgs: string[] = [];
  for (const input of options.inputs) {
    if (input.kind === "file") {
      planArgs.push(`-var-file=${input.path}`);
    } else if (isDeclared.has(input.name)) {
      planArgs.push(`-var=${input.text}`);
    } else {
      // Left out of the plan: terraform stops at an undeclared -var before any rule runs.
      problems.push({ severity: "error", text: `-var ${input.name}: ${undeclared(input.name, declared)}` });
    }
  }
  for (const key of Object.keys(process.env).sort()) {
    const name = /^TF_VAR_(.+)$/.exec(key)?.[1];
    if (name && !isDeclared.has(name)) {
      problems.push({
        severity: "error",
        text: `${key}: ${undeclared(name, declared)} (terraform ignores this environment variable)`,
      });
    }
  }

  // tfvars files terraform loads by itself, and those it will not load.
  const stackDirReal = realpath(options.stackDir);
  const passed = new Set(varFiles.map((f) => realpath(f.path)));
  const stackRel = path.relative(ROOT, options.stackDir);
  const stackShown = stackRel && !stackRel.startsWith("..") && !path.isAbsolute(stackRel) ? stackRel : options.stackDir;
  const seenDirs = new Set<string>([stackDirReal]);
  for (const dir of [ROOT, cwd]) {
    const real = realpath(dir);
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    for (const file of autoloadedFiles(dir)) {
      if (passed.has(realpath(file))) continue;
      problems.push({
        severity: "error",
        text:
          `${file}: terraform runs in ${stackShown} and does not read this file by itself; ` +
          `pass it explicitly with -var-file=${file} (or remove it)`,
      });
    }
  }
  const autoloaded: VarFile[] = autoloadedFiles(options.stackDir).map((p) => ({ path: p, text: readVarFile(p) }));

  const tmp = fs.mkdtempSync(path.join(tmpdir(), "jupyterhub-validate-"));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.once("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      child?.kill(signal);
      cleanup();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal]);
    });
  }
  try {
    const moduleDir = path.join(tmp, "module");
    fs.mkdirSync(moduleDir);
    // Pretty-printed, so that a line terraform names maps back to its variable block.
    const moduleText = `${JSON.stringify(config, null, 2)}\n`;
    fs.writeFileSync(path.join(moduleDir, "main.tf.json"), moduleText);
    const byLine = variableLines(moduleText);
    for (const file of autoloaded) fs.writeFileSync(path.join(moduleDir, path.basename(file.path)), file.text);
    const cliConfig = path.join(tmp, "terraformrc");
    fs.writeFileSync(cliConfig, "");

    // terraform plans while the var files are parsed here.
    const plan = runPlan(terraform, moduleDir, planArgs, terraformEnv(cliConfig));
    const parsed = await Promise.all([...autoloaded, ...varFiles].map(varFileKeys));
    const result = await plan;

    const unparsable = new Set<string>();
    for (const { file, keys, error } of parsed) {
      if (error) {
        unparsable.add(file.path);
        unparsable.add(path.basename(file.path)); // an autoloaded copy, named relative to the module
        problems.push({ severity: "error", text: error });
        continue;
      }
      for (const key of keys) {
        if (isDeclared.has(key)) continue;
        const line = lineOf(file.text, key, file.path.endsWith(".json"));
        problems.push({
          severity: "error",
          text: `${file.path}${line ? ` line ${line}` : ""}: ${undeclared(key, declared)}`,
        });
      }
    }

    for (const d of result.diagnostics) {
      // Reported above, with a suggestion.
      if (/^Values? for undeclared variables?$/.test(d.summary)) continue;
      // A file that did not parse is reported above, once.
      if (d.range && unparsable.has(d.range.filename)) continue;
      const detail = d.detail.replace(/\n*This was checked by the validation rule at [^\n]*$/, "").trim();
      // A -var or TF_VAR_ value terraform could not read is "<value for var.NAME>".
      const fromValue = /^<value for var\.([^>]+)>$/.exec(d.range?.filename ?? "")?.[1];
      const variable = d.summary === "Invalid value for variable" ? variableOf(d, byLine) : fromValue;
      let where = "";
      if (d.range && d.range.filename !== "main.tf.json" && !fromValue) {
        const copy = autoloaded.find((f) => path.basename(f.path) === d.range?.filename);
        where = `\n(set in ${copy ? copy.path : d.range.filename} line ${d.range.start.line})`;
      }
      const text = variable
        ? `${variable}: ${d.summary === "Invalid value for variable" ? "" : `${d.summary}: `}${detail}`
        : `${d.summary}: ${detail}`;
      problems.push({ severity: d.severity === "error" ? "error" : "warning", text: text + where });
    }
    if (result.code !== 0 && !result.diagnostics.some((d) => d.severity === "error")) {
      problems.push({
        severity: "error",
        text: `terraform plan failed (exit ${result.code}) without a diagnostic: ${result.stderr.trim() || "no output"}`,
      });
    }

    // Errors first (what stops the run), then warnings, then what was not checked.
    const rank = { error: 0, warning: 1, note: 2 } as const;
    const shown = [...problems, ...notes].sort((x, y) => rank[x.severity] - rank[y.severity]);
    for (const p of shown) console.log(block(p.severity, p.text));
    const errorCount = problems.filter((p) => p.severity === "error").length;
    const warningCount = problems.filter((p) => p.severity === "warning").length;
    const seconds = (performance.now() / 1000).toFixed(2);
    console.log(
      `validate: ${plural(declared.length, "variable")} checked, ${plural(errorCount, "error")}, ` +
        `${plural(warningCount, "warning")} (terraform ${result.version ?? "?"}, ${seconds} s)`,
    );
    return errorCount > 0 ? 1 : 0;
  } finally {
    cleanup();
  }
}

if (require.main === module) {
  validate(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`validate: ${e.message}`);
        process.exitCode = 2;
      } else {
        // Not a verdict on the inputs: 2, like every other "could not check".
        console.error("validate: internal error:", e);
        process.exitCode = 2;
      }
    },
  );
}
