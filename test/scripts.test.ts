// End-to-end tests of scripts/install.sh and scripts/cleanup.sh. The scripts are copied
// into a throw-away repository layout and run against the fake terraform, kubectl, aws and
// npm of test/fixtures/fakebin (first on PATH), which log every call (argv + cwd) and can
// be told through FAKE_* variables to fail or to simulate a cluster's state. Every run is
// in a new session with stdin from /dev/null: no terminal at all.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const FAKEBIN = path.join(ROOT, "test", "fixtures", "fakebin");
const SCRIPT_FILES = ["scripts/install.sh", "scripts/cleanup.sh", "scripts/lib/lifecycle.sh"];

const OUR_LB =
  "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/net/k8s-jupyterh-proxypub-0123456789/abcdef0123456789";
const OUR_TG =
  "arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/k8s-jupyterh-proxypub-0a1b2c3d4e/0123456789abcdef";
const OUR_SG = "sg-0123456789abcdef0";
const OUR_ENI = "eni-0123456789abcdef0";

interface Call {
  tool: string;
  argv: string[];
  cwd: string;
  stdin?: string;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: Call[];
}

interface Sandbox {
  repo: string;
  stack: string;
  cwd: string;
  state: string;
  log: string;
}

let tmpRoot: string;

beforeAll(() => {
  tmpRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "scripts-test-")));
});

afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** A repository copy holding only the scripts, a working directory elsewhere, fake state. */
function sandbox(options: { synthesized?: boolean } = {}): Sandbox {
  const base = fs.mkdtempSync(path.join(tmpRoot, "case-"));
  const repo = path.join(base, "repo");
  for (const file of SCRIPT_FILES) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
    fs.chmodSync(path.join(repo, file), fs.statSync(path.join(ROOT, file)).mode);
  }
  const stack = path.join(repo, "cdktf.out", "stacks", "jupyterhub");
  if (options.synthesized) {
    fs.mkdirSync(stack, { recursive: true });
    fs.writeFileSync(path.join(stack, "cdk.tf.json"), "{}\n");
  }
  const cwd = path.join(base, "elsewhere");
  const state = path.join(base, "state");
  fs.mkdirSync(cwd);
  fs.mkdirSync(state);
  return { repo, stack, cwd, state, log: path.join(base, "calls.log") };
}

/** Parses the fakes' log: fields end with \x1f, records with \x1e and a newline. */
function readCalls(log: string): Call[] {
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
function pathWithout(hidden: string[]): string {
  const key = hidden.join(",");
  const existing = restrictedPaths.get(key);
  if (existing) return existing;
  const dir = fs.mkdtempSync(path.join(tmpRoot, "bin-"));
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

function baseEnv(box: Sandbox, extra: Record<string, string>, pathValue?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(TF_VAR_|JH_|FAKE_|KUBECONFIG$|AWS_)/.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    PATH: pathValue ?? `${FAKEBIN}${path.delimiter}${process.env.PATH ?? ""}`,
    FAKE_LOG: box.log,
    FAKE_STATE: box.state,
    JH_POLL_INTERVAL: "0",
    ...extra,
  };
}

interface RunOptions {
  env?: Record<string, string>;
  hide?: string[];
  closeStdin?: boolean;
}

/** Runs a script from the sandbox's unrelated working directory, detached (no terminal). */
function run(box: Sandbox, script: "install" | "cleanup", args: string[], options: RunOptions = {}): Promise<Result> {
  const file = path.join(box.repo, "scripts", `${script}.sh`);
  const env = baseEnv(box, options.env ?? {}, options.hide ? pathWithout(options.hide) : undefined);
  const [command, argv] = options.closeStdin
    ? ["bash", ["-c", 'exec "$0" "$@" <&-', file, ...args]]
    : [file, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: box.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, calls: readCalls(box.log) }));
  });
}

const line = (call: Call) => [call.tool, ...call.argv].join(" ");
const terraformCalls = (calls: Call[]) => calls.filter((c) => c.tool === "terraform").map(line);
const toolCalls = (calls: Call[], tool: string) => calls.filter((c) => c.tool === tool);
/** Calls that change something (everything but aws describe-* and kubectl get). */
const changes = (calls: Call[]) =>
  calls
    .filter((c) => !(c.tool === "aws" && c.argv.some((a) => a.startsWith("describe-"))))
    .filter((c) => !(c.tool === "kubectl" && c.argv.includes("get")))
    .map(line);
const kubeconfigOf = (calls: Call[]) => {
  const call = calls.find((c) => c.argv.includes("update-kubeconfig"));
  return call ? call.argv[call.argv.indexOf("--kubeconfig") + 1] : "";
};

// ---------------------------------------------------------------------------------------
// install.sh
// ---------------------------------------------------------------------------------------

describe.concurrent("scripts/install.sh", () => {
  const PASS = ["-var-file=prod.tfvars", "-var", "region=eu-west-1"];

  it("synthesizes, inits, applies module.vpc, module.eks, then everything, passing the arguments on", async () => {
    const box = sandbox();
    const r = await run(box, "install", PASS);
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var region=eu-west-1`;
    expect(r.calls.map(line)).toEqual([
      "npm run synth",
      `terraform ${chdir} init -input=false`,
      `terraform ${chdir} apply -input=false -auto-approve -target=module.vpc ${pass}`,
      `terraform ${chdir} apply -input=false -auto-approve -target=module.eks ${pass}`,
      `terraform ${chdir} apply -input=false -auto-approve ${pass}`,
    ]);
    expect(r.calls[0]!.cwd).toBe(box.repo);
    expect(fs.existsSync(path.join(box.stack, "cdk.tf.json"))).toBe(true);
  });

  it("shows step k of n with timings and a summary", async () => {
    const box = sandbox();
    const r = await run(box, "install", []);
    expect(r.code).toBe(0);
    for (let k = 1; k <= 5; k++) {
      expect(r.stdout).toContain(`==> Step ${k} of 5: `);
      expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 5 done in \\d+m \\d\\ds`));
    }
    expect(r.stdout).toContain("==> Step 3 of 5: Create the VPC (terraform apply -target=module.vpc)");
    expect(r.stdout).toMatch(/Summary of install\.sh:\n(\s+\d\/5\s+done\s+\d+m \d\ds\s+\S.*\n){5}Total time: \d+m \d\ds/);
    // Success comes from the exit status: the fake terraform never prints "Apply complete!".
    expect(r.stdout).not.toContain("Apply complete");
  });

  it("with --skip-synth uses the existing stack and does not run npm", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "install", ["--skip-synth"]);
    expect(r.code).toBe(0);
    expect(toolCalls(r.calls, "npm")).toEqual([]);
    expect(r.stdout).toContain("Step 4 of 4: Create everything else");
  });

  it("with --skip-synth and no synthesized stack stops before running anything", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--skip-synth"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--skip-synth given but there is no synthesized stack");
    expect(r.calls).toEqual([]);
  });

  const installSteps: Array<[number, string, string]> = [
    [1, "npm run synth", "Synthesize the Terraform JSON"],
    [2, "init -input=false", "Initialize Terraform"],
    [3, "-target=module.vpc", "Create the VPC"],
    [4, "-target=module.eks", "Create the EKS cluster"],
    [5, "-auto-approve -var-file", "Create everything else"],
  ];

  it.each(installSteps)("a failure in step %i (%s) stops there, names the step and says how to resume", async (step, needle, name) => {
    const box = sandbox();
    const r = await run(box, "install", ["-var-file=prod.tfvars"], { env: { FAKE_FAIL: needle, FAKE_FAIL_CODE: "3" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`ERROR: step ${step} of 5 failed (exit 3)`);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toContain("resume by running the same command again:");
    expect(r.stderr).toContain(`${box.repo}/scripts/install.sh -var-file=prod.tfvars`);
    // The failing call is the last one: nothing after it ran.
    expect(r.calls).toHaveLength(step);
    expect(line(r.calls[step - 1]!)).toContain(needle);
    expect(r.stdout).toMatch(new RegExp(`${step}/5\\s+FAILED`));
    if (step < 5) expect(r.stdout).toMatch(new RegExp(`${step + 1}/5\\s+not run`));
  });

  it("judges terraform by its exit status, not by what it prints", async () => {
    const box = sandbox();
    const r = await run(box, "install", [], {
      env: { FAKE_FAIL: "-target=module.vpc", FAKE_FAIL_OUTPUT: "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." },
    });
    expect(r.stdout).toContain("Apply complete!");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("step 3 of 5 failed");
  });

  it("resumes after a failure and can run again after success (idempotent)", async () => {
    const box = sandbox();
    const failed = await run(box, "install", [], { env: { FAKE_FAIL: "-target=module.eks" } });
    expect(failed.code).toBe(1);
    fs.rmSync(box.log);
    const resumed = await run(box, "install", []);
    expect(resumed.code).toBe(0);
    const first = resumed.calls.map(line);
    expect(first).toHaveLength(5);
    fs.rmSync(box.log);
    const again = await run(box, "install", []);
    expect(again.code).toBe(0);
    expect(again.calls.map(line)).toEqual(first);
  });

  it("--dry-run prints the exact commands and runs none, not even the synth", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--dry-run", "-var-file=prod.tfvars", "-var", "region=eu-west-1"]);
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var region=eu-west-1`;
    expect(r.stdout.split("\n").filter((l) => l.startsWith("+ "))).toEqual([
      "+ npm run synth",
      `+ terraform ${chdir} init -input=false`,
      `+ terraform ${chdir} apply -input=false -auto-approve -target=module.vpc ${pass}`,
      `+ terraform ${chdir} apply -input=false -auto-approve -target=module.eks ${pass}`,
      `+ terraform ${chdir} apply -input=false -auto-approve ${pass}`,
    ]);
    expect(r.stdout).toContain("nothing was executed");
    expect(r.calls).toEqual([]);
    expect(fs.existsSync(path.join(box.repo, "cdktf.out"))).toBe(false);
  });

  it("--help explains the options and runs nothing", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["-var", "x=1", "--help"]);
    expect(r.code).toBe(0);
    for (const text of ["Usage: scripts/install.sh", "--skip-synth", "--dry-run", "-h, --help", "-var-file", "TF_VAR_"]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.calls).toEqual([]);
  });

  it("refuses -target and -chdir, which would break the ordering", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["-target=module.vpc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("-target=module.vpc is not allowed");
    expect(r.calls).toEqual([]);
  });

  it("takes -var-file as two arguments too and `--` ends the script's own options", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "install", ["--skip-synth", "-var-file", "sub/a.tfvars", "--", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)[1]).toBe(
      `terraform -chdir=${box.stack} apply -input=false -auto-approve -target=module.vpc -var-file=${box.cwd}/sub/a.tfvars --dry-run`,
    );
  });

  it("runs without a terminal and with stdin closed", async () => {
    const box = sandbox();
    // The environment really has no terminal: /dev/tty cannot be opened in it.
    const ttyCheck = await new Promise<number | null>((resolve) => {
      const child = spawn("bash", ["-c", "exec 9<>/dev/tty"], { detached: true, stdio: "ignore" });
      child.on("close", resolve);
    });
    expect(ttyCheck).not.toBe(0);
    const r = await run(box, "install", [], { closeStdin: true });
    expect(r.stderr).not.toContain("/dev/tty");
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------
// cleanup.sh
// ---------------------------------------------------------------------------------------

describe.concurrent("scripts/cleanup.sh", () => {
  it("clears load balancers and stuck namespaces, destroys the four targets in order, then a full destroy", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["-var-file=prod.tfvars", "-var", "region=us-west-2"], {
      env: { FAKE_AWS_LB_POLLS: "2", FAKE_KUBE_TERMINATING: "kubecost" },
    });
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var region=us-west-2`;
    const kubeconfig = kubeconfigOf(r.calls);
    expect(kubeconfig).not.toBe("");
    const kubectl = `kubectl --kubeconfig ${kubeconfig}`;
    expect(changes(r.calls)).toEqual([
      "npm run synth",
      `terraform ${chdir} init -input=false`,
      `aws --region us-west-2 eks update-kubeconfig --name jupyterhub-on-eks --kubeconfig ${kubeconfig}`,
      `${kubectl} delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false`,
      `${kubectl} delete ingress --namespace monitoring grafana --ignore-not-found --wait=false`,
      `${kubectl} delete ingress --namespace kubecost ui --ignore-not-found --wait=false`,
      `${kubectl} delete ingress --namespace legacy old --ignore-not-found --wait=false`,
      `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
      `${kubectl} replace --raw /api/v1/namespaces/kubecost/finalize -f -`,
      `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_data_addons ${pass}`,
      `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_blueprints_addons ${pass}`,
      `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks ${pass}`,
      `terraform ${chdir} destroy -input=false -auto-approve -target=module.vpc ${pass}`,
      `terraform ${chdir} destroy -input=false -auto-approve ${pass}`,
    ]);
    // The final destroy is a real full destroy.
    const last = toolCalls(r.calls, "terraform").at(-1)!;
    expect(last.argv.filter((a) => a.startsWith("-target"))).toEqual([]);
    // The reachability check comes before any Kubernetes change; the security group sweep
    // runs again between the module.eks and module.vpc destroys.
    const lines = r.calls.map(line);
    expect(lines.findIndex((l) => l.includes("get --raw=/readyz"))).toBeLessThan(lines.findIndex((l) => l.includes("delete service")));
    const eks = lines.findIndex((l) => l.includes("-target=module.eks "));
    const vpc = lines.findIndex((l) => l.includes("-target=module.vpc"));
    expect(lines.slice(eks + 1, vpc)).toEqual([
      `aws --region us-west-2 ec2 describe-security-groups --output text --filters Name=tag:elbv2.k8s.aws/cluster,Values=jupyterhub-on-eks --query SecurityGroups[].GroupId`,
    ]);
    for (let k = 1; k <= 10; k++) expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 10 done in \\d+m \\d\\ds`));
    expect(r.stdout).toContain("Step 10 of 10: Destroy everything that is left (terraform destroy, no -target)");
    expect(r.stdout).toMatch(/Summary of cleanup\.sh:\n(\s+\d+\/10\s+done\s+\d+m \d\ds\s+\S.*\n){10}Total time/);
  });

  it("waits for the tagged load balancer resources until they are gone, then deletes the security group", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], {
      env: { FAKE_AWS_LB_POLLS: "3", FAKE_AWS_ENI_POLLS: "4" },
    });
    expect(r.code).toBe(0);
    // Load balancer listed by describe calls 1-3 (call 1 is the snapshot before the
    // Services go), target group by calls 1-3, network interface by lookups 1-4 (two per check).
    expect(r.stdout).toContain("Check 1: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("Check 2: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("Check 3: 0 load balancer(s), 1 target group(s), 0 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("No load balancer, target group or network interface of jupyterhub-on-eks is left (check 4).");
    const aws = toolCalls(r.calls, "aws").map(line);
    expect(aws.filter((l) => l.includes("describe-load-balancers"))).toHaveLength(5);
    // The network interfaces are looked up by the tagged security group and by the
    // description of the load balancer seen before it went.
    expect(aws).toContain(
      `aws --region us-west-2 ec2 describe-network-interfaces --output text --filters Name=group-id,Values=${OUR_SG} --query NetworkInterfaces[].NetworkInterfaceId`,
    );
    expect(aws).toContain(
      "aws --region us-west-2 ec2 describe-network-interfaces --output text --filters Name=description,Values=ELB net/k8s-jupyterh-proxypub-0123456789/abcdef0123456789 --query NetworkInterfaces[].NetworkInterfaceId",
    );
    expect(aws).toContain(
      `aws --region us-west-2 elbv2 describe-tags --resource-arns ${OUR_LB} arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/k8s-other-web-9876543210/fedcba9876543210 --output text --query TagDescriptions[?Tags[?Key=='elbv2.k8s.aws/cluster' && Value=='jupyterhub-on-eks']].ResourceArn`,
    );
    // The controller removed them: nothing is deleted behind its back.
    expect(aws.filter((l) => /delete-(load-balancer|target-group)/.test(l))).toEqual([]);
    expect(aws.filter((l) => l.includes("delete-security-group"))).toEqual([
      `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
    ]);
    // All of it happens before the first destroy.
    const lines = r.calls.map(line);
    expect(lines.findIndex((l) => l.includes("delete-security-group"))).toBeLessThan(lines.findIndex((l) => l.includes(" destroy ")));
  });

  it("deletes what the controller left after --lb-timeout, only for this cluster", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--lb-timeout", "0"], { env: { FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: the AWS Load Balancer Controller did not remove the load balancers of jupyterhub-on-eks within 0s: deleting them with the AWS CLI.",
    );
    expect(changes(r.calls).filter((l) => l.startsWith("aws") && l.includes("delete"))).toEqual([
      `aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`,
      `aws --region us-west-2 elbv2 delete-target-group --target-group-arn ${OUR_TG}`,
      `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
    ]);
    expect(r.stdout).toContain("Warnings:\n  - the AWS Load Balancer Controller did not remove");
  });

  it("fails the step, bounded by --lb-timeout, when network interfaces never go", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--lb-timeout=1"], {
      env: { FAKE_AWS_LB_POLLS: "1", FAKE_AWS_ENI_POLLS: "100000" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: still present after waiting 1s: ${OUR_ENI}`);
    expect(r.stderr).toContain("Raise --lb-timeout and re-run");
    expect(r.stderr).toContain("step 2 of 9 failed");
    expect(terraformCalls(r.calls).filter((l) => l.includes("destroy"))).toEqual([]);
  });

  it("takes the cluster name and region from TF_VAR_*, -var and -var-file, the later winning", async () => {
    const box = sandbox({ synthesized: true });
    fs.writeFileSync(path.join(box.cwd, "prod.tfvars"), 'name   = "from-file"\nregion = "eu-central-1"\n');
    const env = { TF_VAR_name: "from-env", TF_VAR_region: "ap-south-1", FAKE_AWS_LB_POLLS: "1" };

    const fromEnv = await run(box, "cleanup", ["--skip-synth"], { env: { ...env, FAKE_AWS_CLUSTER: "from-env" } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain("Cluster: from-env   Region: ap-south-1");
    expect(changes(fromEnv.calls)).toContain("aws --region ap-south-1 ec2 delete-security-group --group-id " + OUR_SG);

    fs.rmSync(box.log);
    fs.rmSync(box.state, { recursive: true });
    fs.mkdirSync(box.state);
    const fromFile = await run(box, "cleanup", ["--skip-synth", "-var", "name=from-cli", "-var-file=prod.tfvars"], {
      env: { ...env, FAKE_AWS_CLUSTER: "from-file" },
    });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain("Cluster: from-file   Region: eu-central-1");
    expect(fromFile.calls.find((c) => c.argv.includes("update-kubeconfig"))!.argv.slice(0, 5)).toEqual([
      "--region",
      "eu-central-1",
      "eks",
      "update-kubeconfig",
      "--name",
    ]);
    expect(changes(fromFile.calls)).toContain(`aws --region eu-central-1 eks update-kubeconfig --name from-file --kubeconfig ${kubeconfigOf(fromFile.calls)}`);

    fs.rmSync(box.log);
    const fromCli = await run(box, "cleanup", ["--skip-synth", "-var-file=prod.tfvars", "-var=name=from-cli", "--dry-run"]);
    expect(fromCli.stdout).toContain("Cluster: from-cli   Region: eu-central-1");
    expect(fromCli.stdout).toContain("Name=tag:elbv2.k8s.aws/cluster\\,Values=from-cli");
  });

  it("clears the finalizers of namespaces stuck in Terminating", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], { env: { FAKE_KUBE_TERMINATING: "kubecost,spark-team-a" } });
    expect(r.code).toBe(0);
    const replaces = toolCalls(r.calls, "kubectl").filter((c) => c.argv.includes("replace"));
    expect(replaces.map((c) => c.argv.slice(2))).toEqual([
      ["replace", "--raw", "/api/v1/namespaces/kubecost/finalize", "-f", "-"],
      ["replace", "--raw", "/api/v1/namespaces/spark-team-a/finalize", "-f", "-"],
    ]);
    const body = JSON.parse(replaces[0]!.stdin!) as { metadata: { name: string; finalizers: string[] }; spec: { finalizers: string[] } };
    expect(body.metadata.name).toBe("kubecost");
    expect(body.spec.finalizers).toEqual([]);
    expect(body.metadata.finalizers).toEqual(["example.com/keep"]);
    expect(r.stdout).toContain("Namespaces stuck in Terminating cleared: 2.");
  });

  it("skips the Kubernetes steps with a warning when the cluster is unreachable, and destroys anyway", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], { env: { FAKE_KUBE_UNREACHABLE: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: kubectl cannot reach cluster jupyterhub-on-eks: skipping the Kubernetes steps");
    expect(toolCalls(r.calls, "kubectl").map((c) => c.argv.slice(2))).toEqual([["--request-timeout=20s", "get", "--raw=/readyz"]]);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toMatch(/3\/9\s+skipped\s+\d+m \d\ds\s+Clear namespaces stuck in Terminating \(cluster not reachable/);
  });

  it("skips the Kubernetes steps when the cluster is already gone, and deletes its leftover load balancers", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], { env: { FAKE_AWS_NO_CLUSTER: "1", FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: could not get a kubeconfig for cluster jupyterhub-on-eks in us-west-2");
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(changes(r.calls)).toContain(`aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(terraformCalls(r.calls).at(-1)).toBe(`terraform -chdir=${box.stack} destroy -input=false -auto-approve`);
  });

  it.each([
    ["kubectl", "kubectl not found: skipping the Kubernetes steps (deleting LoadBalancer Services and ALB Ingresses, clearing namespaces stuck in Terminating)."],
    ["jq", "jq not found: skipping the Kubernetes steps (deleting LoadBalancer Services and ALB Ingresses, clearing namespaces stuck in Terminating), which read kubectl's JSON with jq."],
  ])("says that %s is missing and what is skipped, and still destroys", async (tool, message) => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], { hide: [tool], env: { FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WARNING: ${message}`);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    // The AWS side still runs, without the controller: the leftovers are deleted directly.
    expect(changes(r.calls)).toContain(`aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toContain(`  - ${message}`);
  });

  it("says that aws is missing and what is skipped, and still destroys", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: aws (AWS CLI) not found: skipping the wait for load balancers, target groups, network interfaces and security groups tagged elbv2.k8s.aws/cluster=jupyterhub-on-eks",
    );
    expect(r.stderr).toContain("no kubeconfig can be made for the cluster, so the Kubernetes steps");
    expect(toolCalls(r.calls, "aws")).toEqual([]);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(r.stdout).toMatch(/2\/9\s+skipped.*aws not found/);
    expect(r.stdout).toMatch(/7\/9\s+skipped.*aws not found/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
  });

  it("uses --kube-context instead of a temporary kubeconfig (works without aws)", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--kube-context", "prod-admin"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(changes(r.calls)).toContain(
      "kubectl --context prod-admin delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false",
    );
    expect(toolCalls(r.calls, "kubectl").every((c) => c.argv[0] === "--context" && c.argv[1] === "prod-admin")).toBe(true);
  });

  it("retries a security group the first sweep could not delete after module.eks is gone", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth"], {
      env: { FAKE_AWS_LB_POLLS: "1", FAKE_FAIL: "delete-security-group", FAKE_FAIL_TIMES: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WARNING: could not delete security group ${OUR_SG} yet; it is tried again after module.eks is destroyed.`);
    const lines = r.calls.map(line);
    const deletes = lines.flatMap((l, i) => (l.includes("delete-security-group") ? [i] : []));
    expect(deletes).toHaveLength(2);
    expect(deletes[1]).toBeGreaterThan(lines.findIndex((l) => l.includes("-target=module.eks ")));
    expect(deletes[1]).toBeLessThan(lines.findIndex((l) => l.includes("-target=module.vpc")));
  });

  const cleanupSteps: Array<[number, string, string, Record<string, string>]> = [
    [1, "npm run synth", "Synthesize the Terraform JSON", {}],
    [2, "init -input=false", "Initialize Terraform", {}],
    [3, "delete ingress", "Delete Kubernetes load balancers", {}],
    [3, "describe-target-groups", "Delete Kubernetes load balancers", {}],
    [4, "status.phase=Terminating", "Clear namespaces stuck in Terminating", {}],
    [5, "-target=module.eks_data_addons", "Destroy module.eks_data_addons", {}],
    [6, "-target=module.eks_blueprints_addons", "Destroy module.eks_blueprints_addons", {}],
    [7, "-target=module.eks -var", "Destroy module.eks", {}],
    [8, "delete-security-group", "Delete leftover load balancer security groups", { FAKE_AWS_LB_POLLS: "1" }],
    [9, "-target=module.vpc", "Destroy module.vpc", {}],
    [10, "-auto-approve -var", "Destroy everything that is left", {}],
  ];

  it.each(cleanupSteps)("a failure in step %i (%s) stops there, names the step and says how to resume", async (step, needle, name, env) => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["-var", "name=jupyterhub-on-eks"], { env: { ...env, FAKE_FAIL: needle, FAKE_FAIL_CODE: "4" } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`ERROR: step ${step} of 10 failed (exit 4)`);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toContain(`${box.repo}/scripts/cleanup.sh -var name=jupyterhub-on-eks`);
    const lines = r.calls.map(line);
    expect(lines.at(-1)).toContain(needle);
    expect(r.stdout).toMatch(new RegExp(`${step}/10\\s+FAILED`));
    const destroys = terraformCalls(r.calls).filter((l) => l.includes(" destroy "));
    // Destroy steps are 5, 6, 7, 9 and 10; the failing one is logged, none after it.
    expect(destroys).toHaveLength([5, 6, 7, 9, 10].filter((d) => d <= step).length);
  });

  it("resumes after a failure: a second run does every step", async () => {
    const box = sandbox();
    const failed = await run(box, "cleanup", [], { env: { FAKE_FAIL: "-target=module.eks_blueprints_addons" } });
    expect(failed.code).toBe(1);
    fs.rmSync(box.log);
    const again = await run(box, "cleanup", ["--skip-synth"]);
    expect(again.code).toBe(0);
    expect(terraformCalls(again.calls).map((l) => l.replace(`-chdir=${box.stack} `, ""))).toEqual([
      "terraform init -input=false",
      "terraform destroy -input=false -auto-approve -target=module.eks_data_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks_blueprints_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks",
      "terraform destroy -input=false -auto-approve -target=module.vpc",
      "terraform destroy -input=false -auto-approve",
    ]);
  });

  it("--dry-run prints the exact commands and runs none", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--dry-run", "-var", "region=eu-west-1"], { env: { FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(fs.existsSync(path.join(box.repo, "cdktf.out"))).toBe(false);
    const chdir = `-chdir=${box.stack}`;
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ "));
    expect(printed.filter((l) => l.startsWith("+ terraform") || l.startsWith("+ npm"))).toEqual([
      "+ npm run synth",
      `+ terraform ${chdir} init -input=false`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_data_addons -var region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_blueprints_addons -var region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks -var region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.vpc -var region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -var region=eu-west-1`,
    ]);
    expect(printed).toContain("+ aws --region eu-west-1 elbv2 describe-load-balancers --output text --query LoadBalancers\\[\\].LoadBalancerArn");
    expect(printed.some((l) => l.includes("delete service --namespace <namespace> <name> --ignore-not-found --wait=false"))).toBe(true);
    expect(printed.some((l) => l.includes("replace --raw /api/v1/namespaces/<namespace>/finalize -f -"))).toBe(true);
    expect(printed).toContain("+ aws --region eu-west-1 ec2 delete-security-group --group-id <id>");
    expect(r.stdout).toContain("Summary of cleanup.sh (dry run, nothing was executed):");
  });

  it("--help explains every option and environment variable", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "Usage: scripts/cleanup.sh",
      "--skip-synth",
      "--dry-run",
      "--lb-timeout SECONDS",
      "--poll-interval SECONDS",
      "--kube-context NAME",
      "JH_LB_TIMEOUT",
      "JH_POLL_INTERVAL",
      "JH_KUBE_CONTEXT",
      "TF_VAR_name",
      "terraform destroy                (full, no -target",
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.calls).toEqual([]);
  });

  it("rejects a bad --lb-timeout before running anything", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--lb-timeout", "soon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--lb-timeout / JH_LB_TIMEOUT must be a number of seconds, got 'soon'");
    expect(r.calls).toEqual([]);
  });

  it("runs without a terminal and with stdin closed", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", [], { closeStdin: true, env: { FAKE_KUBE_TERMINATING: "kubecost" } });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)).toHaveLength(6);
  });
});

// ---------------------------------------------------------------------------------------
// Static checks
// ---------------------------------------------------------------------------------------

describe("the lifecycle scripts", () => {
  it("are shellcheck clean, and so are the fakes", () => {
    const fakes = ["terraform", "kubectl", "aws", "npm", "lib/fake.bash"].map((f) => path.join(FAKEBIN, f));
    const files = [...SCRIPT_FILES.map((f) => path.join(ROOT, f)), ...fakes];
    const result = spawnSync("shellcheck", ["-x", ...files], { cwd: ROOT, encoding: "utf8" });
    if (result.error) {
      throw new Error(`shellcheck is not installed (${result.error.message}); install it with: apt-get install -y shellcheck`);
    }
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });

  it("find jq on this machine, which the cleanup tests need", () => {
    const result = spawnSync("jq", ["--version"], { encoding: "utf8" });
    if (result.error) {
      throw new Error(`jq is not installed (${result.error.message}); install it with: apt-get install -y jq`);
    }
    expect(result.status).toBe(0);
  });

  it("are executable", () => {
    for (const file of ["scripts/install.sh", "scripts/cleanup.sh"]) {
      expect(fs.statSync(path.join(ROOT, file)).mode & 0o111).toBe(0o111);
    }
  });
});
