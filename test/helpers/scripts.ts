/**
 * Running the lifecycle scripts (install.sh, cleanup.sh, upgrade.sh) in tests. The scripts
 * are copied into a throw-away repository layout and run against the fake terraform,
 * kubectl, aws and npm of test/fixtures/fakebin (first on PATH), which log every call
 * (argv + cwd) and can be told through FAKE_* variables to fail or to simulate a cluster's
 * state. Every run is in a new session with stdin from /dev/null: no terminal at all, except
 * the runs that answer the confirmation on a pseudo-terminal (node-pty, which the cdktf CLI
 * ships).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pty from "@cdktf/node-pty-prebuilt-multiarch";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FAKEBIN = path.join(ROOT, "test", "fixtures", "fakebin");
export const SCRIPT_FILES = [
  "scripts/install.sh",
  "scripts/cleanup.sh",
  "scripts/upgrade.sh",
  "scripts/lib/lifecycle.sh",
  "scripts/lib/load-balancers.sh",
  "scripts/lib/cluster.sh",
];

export const OUR_LB =
  "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/net/k8s-jupyterh-proxypub-0123456789/abcdef0123456789";
export const OUR_TG =
  "arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/k8s-jupyterh-proxypub-0a1b2c3d4e/0123456789abcdef";
export const OUR_SG = "sg-0123456789abcdef0";
export const OUR_ENI = "eni-0123456789abcdef0";

export type Script = "install" | "cleanup" | "upgrade";

export interface Call {
  tool: string;
  argv: string[];
  cwd: string;
  stdin?: string;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: Call[];
}

export interface Sandbox {
  repo: string;
  stack: string;
  cwd: string;
  state: string;
  log: string;
}

let tmpRootDir: string | undefined;

/** One temporary directory per test process, removed when it exits. */
export function tmpRoot(): string {
  if (!tmpRootDir) {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "scripts-test-")));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    tmpRootDir = dir;
  }
  return tmpRootDir;
}

/** A repository copy holding only the scripts, a working directory elsewhere, fake state. */
export function sandbox(options: { synthesized?: boolean; platform?: string } = {}): Sandbox {
  const base = fs.mkdtempSync(path.join(tmpRoot(), "case-"));
  const repo = path.join(base, "repo");
  for (const file of SCRIPT_FILES) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
    fs.chmodSync(path.join(repo, file), fs.statSync(path.join(ROOT, file)).mode);
  }
  const stack = path.join(repo, "cdktf.out", "stacks", "jupyterhub");
  if (options.platform) {
    fs.writeFileSync(
      path.join(repo, "jupyterhub.config.json"),
      `${JSON.stringify({ platform: options.platform, backend: { type: "local" } }, null, 2)}\n`,
    );
  }
  if (options.synthesized) {
    fs.mkdirSync(stack, { recursive: true });
    fs.writeFileSync(path.join(stack, "cdk.tf.json"), "{}\n");
    fs.writeFileSync(
      path.join(stack, "settings.json"),
      JSON.stringify({
        platform: "current",
        backend: "local",
        description: `local state file ${repo}/terraform.tfstate`,
        initArgs: [],
        overrides: [],
      }),
    );
  }
  const cwd = path.join(base, "elsewhere");
  const state = path.join(base, "state");
  fs.mkdirSync(cwd);
  fs.mkdirSync(state);
  return { repo, stack, cwd, state, log: path.join(base, "calls.log") };
}

/** Writes a variables file into the sandbox's working directory (the -var-file the tests pass). */
export function withVarFile(box: Sandbox, name = "prod.tfvars"): void {
  fs.writeFileSync(path.join(box.cwd, name), 'region = "eu-west-1"\n');
}

/** Parses the fakes' log: fields end with \x1f, records with \x1e and a newline. */
export function readCalls(log: string): Call[] {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, "utf8")
    .split("\x1e\n")
    .filter((record) => record !== "")
    .map((record) => {
      const [tool, cwd, stdin, ...argv] = record.split("\x1f").slice(0, -1);
      return { tool: tool!, cwd: cwd!, argv, ...(stdin ? { stdin } : {}) };
    });
}

/** A PATH holding the fakes and every other command found on PATH, except `hidden`. */
const restrictedPaths = new Map<string, string>();
export function pathWithout(hidden: string[]): string {
  const key = hidden.join(",");
  const existing = restrictedPaths.get(key);
  if (existing) return existing;
  const dir = fs.mkdtempSync(path.join(tmpRoot(), "bin-"));
  for (const source of [FAKEBIN, ...(process.env.PATH ?? "").split(path.delimiter)]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(source);
    } catch {
      continue;
    }
    for (const name of names) {
      const target = path.join(dir, name);
      if (hidden.includes(name) || fs.existsSync(target) || name === "lib") continue;
      fs.symlinkSync(path.join(source, name), target);
    }
  }
  restrictedPaths.set(key, dir);
  return dir;
}

export function baseEnv(box: Sandbox, extra: Record<string, string>, pathValue?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(TF_VAR_|TF_CLI_ARGS|JH_|FAKE_|KUBECONFIG$|AWS_|JUPYTERHUB_)/.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    PATH: pathValue ?? `${FAKEBIN}${path.delimiter}${process.env.PATH ?? ""}`,
    FAKE_LOG: box.log,
    FAKE_LIB: path.join(FAKEBIN, "lib"),
    FAKE_STATE: box.state,
    JH_POLL_INTERVAL: "0",
    ...extra,
  };
}

export interface RunOptions {
  env?: Record<string, string>;
  hide?: string[];
  closeStdin?: boolean;
  /** Called with the child once it runs (to signal it). */
  started?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs a script from the sandbox's unrelated working directory, detached (no terminal). */
export function run(box: Sandbox, script: Script, args: string[], options: RunOptions = {}): Promise<Result> {
  const file = path.join(box.repo, "scripts", `${script}.sh`);
  const env = baseEnv(box, options.env ?? {}, options.hide ? pathWithout(options.hide) : undefined);
  const [command, argv] = options.closeStdin ? ["bash", ["-c", 'exec "$0" "$@" <&-', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: box.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, calls: readCalls(box.log) }));
    options.started?.(child);
  });
}

/**
 * Runs a script on a pseudo-terminal and types `answers` one by one, each when the
 * confirmation prompt appears. Returns the combined output.
 */
export function runOnTerminal(
  box: Sandbox,
  script: Script,
  args: string[],
  answers: string[],
  env: Record<string, string> = {},
): Promise<Result> {
  const file = path.join(box.repo, "scripts", `${script}.sh`);
  return new Promise((resolve) => {
    const term = pty.spawn(file, args, {
      cwd: box.cwd,
      env: baseEnv(box, env) as Record<string, string>,
      cols: 200,
      rows: 50,
    });
    let output = "";
    let asked = 0;
    term.onData((data) => {
      output += data;
      const prompts = output.split('Only "yes" goes ahead: ').length - 1;
      while (asked < prompts && asked < answers.length) term.write(`${answers[asked++]}\r`);
    });
    term.onExit(({ exitCode }) =>
      resolve({ code: exitCode, stdout: output.replace(/\r/g, ""), stderr: "", calls: readCalls(box.log) }),
    );
  });
}

/** Waits until `check` holds, polling (for the runs that are signalled mid-step). */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A call as one line; the temporary plan files read <plan>. */
export const exact = (call: Call) =>
  [call.tool, ...call.argv]
    .join(" ")
    .replace(/\/[^ ]*\/step-(\d+)\.tfplan/g, "<plan$1>")
    .replace(/\/[^ ]*\/stage\.tfplan/g, "<stage-plan>");
/** The same without the call timeouts that every kubectl and aws call carries. */
export const line = (call: Call) =>
  exact(call)
    .replace(/ --cli-connect-timeout 10 --cli-read-timeout \d+/, "")
    .replace(/ --request-timeout=\d+s/, "");
export const terraformCalls = (calls: Call[]) => calls.filter((c) => c.tool === "terraform").map(line);
export const toolCalls = (calls: Call[], tool: string) => calls.filter((c) => c.tool === tool);
/** Calls that change something (not aws describe-* / sts, kubectl get / config, terraform output / state / plan). */
export const changes = (calls: Call[]) =>
  calls
    .filter((c) => !(c.tool === "aws" && c.argv.some((a) => a.startsWith("describe-") || a === "sts")))
    .filter((c) => !(c.tool === "kubectl" && (c.argv.includes("get") || c.argv.includes("config"))))
    .filter((c) => !(c.tool === "terraform" && c.argv.some((a) => a === "output" || a === "state" || a === "plan")))
    .filter((c) => !(c.tool === "npm" && c.argv.includes("validate")))
    .map(line);
export const kubeconfigOf = (calls: Call[]) => {
  const call = calls.find((c) => c.argv.includes("update-kubeconfig"));
  return call ? call.argv[call.argv.indexOf("--kubeconfig") + 1] : "";
};
