/**
 * Runs the real `terraform` binary offline in throw-away directories, for tests.
 *
 * - The binary comes from TERRAFORM_BIN if set, otherwise from PATH. When neither has it,
 *   `terraformBinary()` throws an error that says how to install it: a suite that needs
 *   terraform fails loudly instead of skipping.
 * - Every run gets a clean environment for Terraform: TF_IN_AUTOMATION=1,
 *   CHECKPOINT_DISABLE=1, TF_INPUT=0, TF_CLI_CONFIG_FILE pointing at an empty file (so a
 *   missing ~/.terraformrc produces no warning and a present one has no effect), and no
 *   inherited TF_VAR_*, TF_CLI_ARGS*, TF_WORKSPACE, TF_DATA_DIR or TF_LOG settings.
 * - stdout and stderr come back without ANSI colour codes.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";

export interface TerraformResult {
  /** Exit code of the process (-1 if it was killed, e.g. by the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Directory to run in (terraform's working directory). */
  cwd: string;
  /** Extra environment variables (e.g. TF_VAR_x). Set a key to undefined to remove it. */
  env?: Record<string, string | undefined>;
  /** Kill the process after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Written to the process's standard input, which is then closed (`terraform console`). */
  input?: string;
}

export const TERRAFORM_INSTALL_HINT =
  "The terraform CLI (>= 1.9) is required by this test suite and was not found. Install it from " +
  "https://developer.hashicorp.com/terraform/install (Debian/Ubuntu: add the HashiCorp apt repository, then " +
  "`apt-get install terraform`; or unzip the linux_amd64 release from https://releases.hashicorp.com/terraform/ " +
  "into a directory on PATH), or point TERRAFORM_BIN at the binary, then run the tests again.";

let cachedBinary: string | undefined;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the terraform binary from `env` (TERRAFORM_BIN, else PATH) without caching.
 * Throws an error with installation instructions if there is none.
 */
export function locateTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TERRAFORM_BIN;
  if (override) {
    const path = isAbsolute(override) ? override : resolve(override);
    if (!isExecutable(path)) {
      throw new Error(
        `TERRAFORM_BIN is set to ${override}, which is not an executable file. ${TERRAFORM_INSTALL_HINT}`,
      );
    }
    return path;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === "win32" ? "terraform.exe" : "terraform");
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(TERRAFORM_INSTALL_HINT);
}

/** Absolute path of the terraform binary (looked up once); throws with installation instructions if absent. */
export function terraformBinary(): string {
  cachedBinary ??= locateTerraform();
  return cachedBinary;
}

let emptyCliConfig: string | undefined;

/** An empty CLI configuration file, created once per process. */
function emptyCliConfigFile(): string {
  if (!emptyCliConfig) {
    const dir = mkdtempSync(join(tmpdir(), "tf-cli-config-"));
    emptyCliConfig = join(dir, "terraformrc");
    writeFileSync(emptyCliConfig, "");
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return emptyCliConfig;
}

const INHERITED_TF_SETTINGS = /^TF_(VAR_|CLI_ARGS|WORKSPACE$|DATA_DIR$|LOG|CLI_CONFIG_FILE$|PLUGIN_CACHE_DIR$|INPUT$)/;

/** The environment every terraform run gets: the caller's, minus Terraform settings, plus ours. */
export function terraformEnv(
  extra: Record<string, string | undefined> = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!INHERITED_TF_SETTINGS.test(key)) env[key] = value;
  }
  Object.assign(env, {
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    TF_INPUT: "0",
    TF_CLI_CONFIG_FILE: emptyCliConfigFile(),
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour sequences terraform prints
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Runs `terraform <args>` in `options.cwd`. Never rejects for a non-zero exit: check `code`. */
export function runTerraform(args: readonly string[], options: RunOptions): Promise<TerraformResult> {
  const binary = terraformBinary();
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      binary,
      [...args],
      {
        cwd: options.cwd,
        env: terraformEnv(options.env),
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number" && !error.killed) {
          // The process could not start at all (ENOENT, EACCES, ...).
          reject(new Error(`could not run ${binary}: ${error.message}. ${TERRAFORM_INSTALL_HINT}`));
          return;
        }
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolvePromise({ code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Writes `files` (relative path -> content) under `dir`, creating subdirectories. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    if (isAbsolute(relative) || relative.split(/[\\/]/).includes("..")) {
      throw new Error(`writeFiles: ${relative} must be a relative path inside the directory`);
    }
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** A fresh temporary directory holding `files`. Remove it with `removeTerraformDir`. */
export function makeTerraformDir(files: Record<string, string> = {}): string {
  terraformBinary(); // fail early, with the installation hint, before creating anything
  const dir = mkdtempSync(join(tmpdir(), "tf-test-"));
  writeFiles(dir, files);
  return dir;
}

export function removeTerraformDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Creates a temporary directory with `files`, passes it to `fn`, and removes it afterwards. */
export async function withTerraformDir<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTerraformDir(files);
  try {
    return await fn(dir);
  } finally {
    removeTerraformDir(dir);
  }
}

/** Convenience: one command in a fresh directory holding `files`. */
export function terraformInTempDir(files: Record<string, string>, args: readonly string[]): Promise<TerraformResult> {
  return withTerraformDir(files, (cwd) => runTerraform(args, { cwd }));
}

/** `terraform version` as "1.11.4". */
export async function terraformVersion(): Promise<string> {
  const dir = makeTerraformDir();
  try {
    const result = await runTerraform(["version", "-json"], { cwd: dir });
    if (result.code !== 0) throw new Error(`terraform version failed: ${result.stderr}`);
    return (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
  } finally {
    removeTerraformDir(dir);
  }
}

/** A diagnostic from `terraform <command> -json` output. */
export interface TerraformDiagnostic {
  severity: "error" | "warning";
  summary: string;
  detail: string;
  /** The first line of the source snippet, e.g. `    "vpc_cidr": {` for a variable in JSON. */
  snippetCode?: string;
  /** The snippet's context: "variable" for a validation rule, `check.<name>.assert[<i>]` for a check block. */
  snippetContext?: string;
  /** What the failing expression read, e.g. [{traversal: "var.vpc_cidr", statement: 'is "x"'}]. */
  values: { traversal: string; statement: string }[];
}

/** Parses the diagnostics out of the JSON-lines output of `terraform plan -json` (or validate -json). */
export function parseDiagnostics(jsonLines: string): TerraformDiagnostic[] {
  const diagnostics: TerraformDiagnostic[] = [];
  const pushFrom = (d: Record<string, unknown>): void => {
    const snippet = (d.snippet ?? {}) as {
      code?: string;
      context?: string;
      values?: { traversal: string; statement: string }[];
    };
    diagnostics.push({
      severity: d.severity as "error" | "warning",
      summary: String(d.summary ?? ""),
      detail: String(d.detail ?? ""),
      snippetCode: snippet.code,
      snippetContext: snippet.context,
      values: snippet.values ?? [],
    });
  };
  const trimmed = jsonLines.trim();
  if (trimmed.startsWith("{") && trimmed.includes('"format_version"')) {
    // `terraform validate -json` prints one document.
    const doc = JSON.parse(trimmed) as { diagnostics?: Record<string, unknown>[] };
    for (const d of doc.diagnostics ?? []) pushFrom(d);
    return diagnostics;
  }
  for (const line of trimmed.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { type?: string; diagnostic?: Record<string, unknown> };
    if (message.type === "diagnostic" && message.diagnostic) pushFrom(message.diagnostic);
  }
  return diagnostics;
}

/**
 * A directory holding only a stack's `eks_cluster_version` variable and its version check
 * (the value checks read variables it does not declare), for planning the version rules of a
 * platform set with the real terraform. Remove it with removeTerraformDir.
 */
export function eksVersionRuleDir(json: {
  terraform: Record<string, unknown>;
  variable: Record<string, unknown>;
  check?: Record<string, unknown>;
}): string {
  const config = {
    terraform: { required_version: json.terraform.required_version },
    variable: { eks_cluster_version: json.variable.eks_cluster_version },
    check: { eks_cluster_version_support: json.check!.eks_cluster_version_support },
  };
  return makeTerraformDir({ "main.tf.json": `${JSON.stringify(config, null, 2)}\n` });
}
