// End-to-end tests of scripts/install.sh and scripts/cleanup.sh against the fakes of
// test/fixtures/fakebin (test/helpers/scripts.ts explains the set-up).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  FAKEBIN,
  OUR_ENI,
  OUR_LB,
  OUR_SG,
  OUR_TG,
  ROOT,
  SCRIPT_FILES,
  Sandbox,
  changes,
  exact,
  kubeconfigOf,
  line,
  readCalls,
  run,
  runOnTerminal,
  sandbox,
  terraformCalls,
  toolCalls,
  until,
} from "./helpers/scripts";

// ---------------------------------------------------------------------------------------
// install.sh
// ---------------------------------------------------------------------------------------

describe.concurrent("scripts/install.sh", () => {
  const PASS = ["-var-file=prod.tfvars", "-var", "region=eu-west-1"];
  const withVarFile = (box: Sandbox, name = "prod.tfvars") => fs.writeFileSync(path.join(box.cwd, name), 'region = "eu-west-1"\n');

  it("synthesizes, checks the inputs, inits, then plans and applies module.vpc, module.eks and everything", async () => {
    const box = sandbox();
    withVarFile(box);
    const r = await run(box, "install", ["--yes", ...PASS]);
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var=region=eu-west-1`;
    expect(r.calls.map(line)).toEqual([
      "npm run synth",
      `npm run --silent validate -- ${pass}`,
      `terraform ${chdir} init -input=false`,
      `terraform ${chdir} plan -input=false -detailed-exitcode -out=<plan4> -target=module.vpc ${pass}`,
      `terraform ${chdir} apply -input=false <plan4>`,
      `terraform ${chdir} plan -input=false -detailed-exitcode -out=<plan5> -target=module.eks ${pass}`,
      `terraform ${chdir} apply -input=false <plan5>`,
      `terraform ${chdir} plan -input=false -detailed-exitcode -out=<plan6> ${pass}`,
      `terraform ${chdir} apply -input=false <plan6>`,
    ]);
    expect(r.calls[0]!.cwd).toBe(box.repo);
    expect(r.calls[1]!.cwd).toBe(box.repo);
    // It says which platform set and which state it uses before anything changes.
    expect(r.stdout).toContain(`Platform set: current\nState: local state file ${box.repo}/terraform.tfstate\n`);
    expect(r.stdout).toContain("Apply the plan above (step 4: module.vpc)? yes (--yes)");
    // The apply uses the plan just shown, never a new one: no -var on it.
    expect(toolCalls(r.calls, "terraform").filter((c) => c.argv.includes("apply")).every((c) => c.argv.length === 4)).toBe(true);
  });

  it("shows step k of n with timings and a summary", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"]);
    expect(r.code).toBe(0);
    for (let k = 1; k <= 6; k++) {
      expect(r.stdout).toContain(`==> Step ${k} of 6: `);
      expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 6 done in \\d+m \\d\\ds`));
    }
    expect(r.stdout).toContain("==> Step 4 of 6: Create the VPC (terraform plan and apply -target=module.vpc)");
    expect(r.stdout).toMatch(/Summary of install\.sh:\n(\s+\d\/6\s+done\s+\d+m \d\ds\s+\S.*\n){6}Total time: \d+m \d\ds/);
    // Success comes from the exit status: the fake terraform never prints "Apply complete!".
    expect(r.stdout).not.toContain("Apply complete");
  });

  it("passes the init arguments synth recorded (a state file outside the project) and names that state", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], {
      env: { FAKE_INIT_ARGS: "-backend-config=path=/srv/blueprint/terraform.tfstate", FAKE_OVERRIDES: "JUPYTERHUB_STATE_FILE=/srv/blueprint/terraform.tfstate" },
    });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)[0]).toBe(`terraform -chdir=${box.stack} init -input=false -backend-config=path=/srv/blueprint/terraform.tfstate`);
    expect(r.stdout).toContain("Environment overrides of jupyterhub.config.json: JUPYTERHUB_STATE_FILE=/srv/blueprint/terraform.tfstate");
  });

  it("does not apply a plan without changes", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], { env: { FAKE_TF_NO_CHANGES: "1" } });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toEqual([]);
    expect(r.stdout).toMatch(/4\/6\s+done\s+\d+m \d\ds\s+Create the VPC .*\(no changes\)/);
  });

  it("--plan-only plans every step, applies nothing and needs no terminal or --yes", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--plan-only"]);
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls).map((l) => l.split(" ")[2])).toEqual(["init", "plan", "plan", "plan"]);
    expect(r.stdout).toMatch(/6\/6\s+done.*\(planned \(--plan-only\)\)/);
    expect(r.stdout).not.toContain("JupyterHub is deployed");
  });

  it("refuses to apply without a terminal unless --yes (or -auto-approve) is given, before running anything", async () => {
    const box = sandbox();
    const r = await run(box, "install", []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("install.sh asks before it changes anything, and there is no terminal to ask on: pass --yes (or -auto-approve)");
    expect(r.calls).toEqual([]);
    const approved = await run(box, "install", ["-auto-approve"]);
    expect(approved.code).toBe(0);
    expect(terraformCalls(approved.calls).filter((l) => l.includes(" apply "))).toHaveLength(3);
  });

  it("on a terminal shows each plan and applies it only after a typed yes", async () => {
    const box = sandbox();
    const r = await runOnTerminal(box, "install", [], ["yes", "no"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Apply the plan above (step 4: module.vpc)? Only "yes" goes ahead: yes');
    expect(r.stdout).toContain('Apply the plan above (step 5: module.eks)? Only "yes" goes ahead: no');
    expect(r.stdout).toContain("ERROR: not confirmed: step 5 of 6 changed nothing, and nothing after it was run.");
    expect(r.stdout).toMatch(/5\/6\s+declined/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toEqual([`terraform -chdir=${box.stack} apply -input=false <plan4>`]);
  });

  it("with --skip-synth uses the existing stack and does not synthesize", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "install", ["--skip-synth", "--yes"]);
    expect(r.code).toBe(0);
    expect(toolCalls(r.calls, "npm").map(line)).toEqual(["npm run --silent validate --"]);
    expect(r.stdout).toContain("Step 5 of 5: Create everything else");
  });

  it("with --skip-synth and no synthesized stack stops before running anything", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--skip-synth", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--skip-synth given but there is no synthesized stack");
    expect(r.calls).toEqual([]);
  });

  const installSteps: Array<[number, string, string, number]> = [
    [1, "npm run synth", "Synthesize the Terraform JSON", 1],
    [2, "validate", "Check the settings and every input", 2],
    [3, "init -input=false", "Initialize Terraform", 3],
    [4, "-target=module.vpc", "Create the VPC", 4],
    [5, "-out=", "Create the EKS cluster", 6],
    [4, "apply -input=false", "Create the VPC", 5],
    [6, "step-6.tfplan", "Create everything else", 8],
  ];

  it.each(installSteps)("a failure in step %i (%s) stops there, names the step and says how to resume", async (step, needle, name, calls) => {
    const box = sandbox();
    withVarFile(box);
    const fail = needle === "-out=" ? "-target=module.eks" : needle;
    const r = await run(box, "install", ["--yes", "-var-file=prod.tfvars"], { env: { FAKE_FAIL: fail, FAKE_FAIL_CODE: "3" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`ERROR: step ${step} of 6 failed (exit 3)`);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toContain("resume by running the same command again:");
    expect(r.stderr).toContain(`${box.repo}/scripts/install.sh --yes -var-file=prod.tfvars`);
    // The failing call is the last one: nothing after it ran.
    expect(r.calls).toHaveLength(calls);
    expect(r.stdout).toMatch(new RegExp(`${step}/6\\s+FAILED`));
    if (step < 6) expect(r.stdout).toMatch(new RegExp(`${step + 1}/6\\s+not run`));
  });

  it("judges terraform by its exit status, not by what it prints", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], {
      env: { FAKE_FAIL: "step-4.tfplan", FAKE_FAIL_OUTPUT: "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." },
    });
    expect(r.stdout).toContain("Apply complete!");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("step 4 of 6 failed");
  });

  it("resumes after a failure and can run again after success (idempotent)", async () => {
    const box = sandbox();
    const failed = await run(box, "install", ["--yes"], { env: { FAKE_FAIL: "-target=module.eks" } });
    expect(failed.code).toBe(1);
    fs.rmSync(box.log);
    const resumed = await run(box, "install", ["--yes"]);
    expect(resumed.code).toBe(0);
    const first = resumed.calls.map(line);
    expect(first).toHaveLength(9);
    fs.rmSync(box.log);
    const again = await run(box, "install", ["--yes"]);
    expect(again.code).toBe(0);
    expect(again.calls.map(line)).toEqual(first);
  });

  it("--dry-run runs the local, read-only part and prints the applies without running them", async () => {
    const box = sandbox();
    withVarFile(box);
    const r = await run(box, "install", ["--dry-run", "-var-file=prod.tfvars", "-var", "region=eu-west-1"]);
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var=region=eu-west-1`;
    expect(r.calls.map(line)).toEqual(["npm run synth", `npm run --silent validate -- ${pass}`, `terraform ${chdir} init -input=false`]);
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ terraform") && l.includes(" apply "));
    expect(printed).toEqual([
      `+ terraform ${chdir} apply -input=false -target=module.vpc ${pass}`,
      `+ terraform ${chdir} apply -input=false -target=module.eks ${pass}`,
      `+ terraform ${chdir} apply -input=false ${pass}`,
    ]);
    expect(r.stdout).toContain("Summary of install.sh (dry run: nothing was changed):");
  });

  it("--help explains the options and runs nothing", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["-var", "x=1", "--help"]);
    expect(r.code).toBe(0);
    for (const text of ["Usage: scripts/install.sh", "--yes, -auto-approve", "--plan-only", "--skip-synth", "--dry-run", "-h, --help", "-var-file", "TF_VAR_", "jupyterhub.config.json"]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.calls).toEqual([]);
  });

  it.each([
    ["-target=module.vpc", "-target=module.vpc is not allowed"],
    ["-chdir=/tmp", "-chdir=/tmp is not allowed"],
    ["--bogus", "unknown option: --bogus (see install.sh --help for what is accepted)"],
    ["-refresh=false", "unknown option: -refresh=false"],
    ["--", "unknown option: --"],
    ["apply", "unexpected argument: apply (install.sh takes no positional arguments"],
    ["-parallelism=many", "-parallelism=many: -parallelism needs a positive number"],
    ["--lb-timeout=5", "unknown option: --lb-timeout"],
  ])("refuses %s with exit 2 before running anything", async (arg, message) => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes", arg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.calls).toEqual([]);
  });

  it("passes the accepted terraform options on to every plan", async () => {
    const box = sandbox({ synthesized: true });
    fs.mkdirSync(path.join(box.cwd, "sub"));
    withVarFile(box, "sub/a.tfvars");
    const r = await run(box, "install", ["--skip-synth", "--yes", "-var-file", "sub/a.tfvars", "-parallelism=4", "-lock-timeout=5m", "-no-color"]);
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)[1]).toBe(
      `terraform -chdir=${box.stack} plan -input=false -detailed-exitcode -out=<plan3> -target=module.vpc -var-file=${box.cwd}/sub/a.tfvars -parallelism=4 -lock-timeout=5m -no-color`,
    );
    // The inputs check gets only the inputs.
    expect(toolCalls(r.calls, "npm").map(line)).toEqual([`npm run --silent validate -- -var-file=${box.cwd}/sub/a.tfvars`]);
  });

  it("stops before running anything when a -var-file does not exist", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes", "-var-file=prdo.tfvars"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ERROR: -var-file prdo.tfvars: no such file (${box.cwd}/prdo.tfvars). Nothing was run.`);
    expect(r.calls).toEqual([]);
  });

  it("stops at the inputs check, before init, when npm run validate finds a problem", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], { env: { FAKE_FAIL: "validate", FAKE_FAIL_OUTPUT: "error: jupyter_hub_auth_mechansim is not a variable" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("step 2 of 6 failed");
    expect(terraformCalls(r.calls)).toEqual([]);
  });

  it.each(["TF_CLI_ARGS_apply", "TF_CLI_ARGS_plan", "TF_CLI_ARGS"])("refuses %s holding -var-file, which the inputs check would not see", async (name) => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], { env: { [name]: "-no-color -var-file=prod.tfvars" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name} contains -var-file=prod.tfvars, which install.sh cannot check`);
    expect(r.calls).toEqual([]);
  });

  it("lets one run at a time work on a stack: a second one is refused, naming the first", async () => {
    const box = sandbox();
    let first: ReturnType<typeof spawn> | undefined;
    const running = run(box, "install", ["--yes"], { env: { FAKE_TF_SLEEP: "30" }, started: (c) => (first = c) });
    await until(() => readCalls(box.log).some((c) => c.argv.includes("apply")), "the first run's apply");
    const second = await run(box, "cleanup", ["--yes"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`another run on this stack is in progress: install.sh, started \\S+ \\(PID ${first!.pid}\\)`));
    expect(second.calls.filter((c) => c.argv.includes("destroy") || c.argv.includes("output"))).toEqual([]);
    process.kill(first!.pid!, "SIGTERM");
    const r = await running;
    expect(r.code).toBe(143);
    // The lock went with the run: the next one works.
    expect(fs.existsSync(path.join(box.repo, ".lifecycle.lock"))).toBe(false);
  });

  it("takes over the lock of a run that is gone, with a warning", async () => {
    const box = sandbox();
    fs.mkdirSync(path.join(box.repo, ".lifecycle.lock"));
    fs.writeFileSync(path.join(box.repo, ".lifecycle.lock", "owner"), "999999999 install.sh, started 2026-01-01T00:00:00Z\n");
    const r = await run(box, "install", ["--yes"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: taking over the lock of a run that is gone (999999999 install.sh, started 2026-01-01T00:00:00Z;");
  });

  it.each([
    ["SIGTERM", 143, "TERM"],
    ["SIGINT", 130, "INT"],
  ] as const)("on %s stops terraform gracefully, waits for it, prints the summary and exits %i", async (signal, code, name) => {
    const box = sandbox();
    let child: ReturnType<typeof spawn> | undefined;
    const running = run(box, "install", ["--yes"], { env: { FAKE_TF_SLEEP: "30" }, started: (c) => (child = c) });
    await until(() => readCalls(box.log).some((c) => c.argv.includes("apply")), "the apply");
    process.kill(child!.pid!, signal);
    const r = await running;
    expect(r.code).toBe(code);
    // terraform got the signal and ended before the script did; nothing ran after it.
    const lines = r.calls.map(line);
    expect(lines.at(-1)).toBe(`terraform interrupted ${name}`);
    expect(lines.filter((l) => l.includes("-target=module.eks"))).toEqual([]);
    expect(r.stderr).toContain(`ERROR: step 4 of 6 was stopped by SIG${name}`);
    expect(r.stdout).toMatch(/4\/6\s+stopped/);
    expect(r.stdout).toMatch(/5\/6\s+not run/);
    expect(r.stderr).toContain("resume by running the same command again:");
  });

  it("runs without a terminal and with stdin closed when told --yes", async () => {
    const box = sandbox();
    // The environment really has no terminal: /dev/tty cannot be opened in it.
    const ttyCheck = await new Promise<number | null>((resolve) => {
      const child = spawn("bash", ["-c", "exec 9<>/dev/tty"], { detached: true, stdio: "ignore" });
      child.on("close", resolve);
    });
    expect(ttyCheck).not.toBe(0);
    const r = await run(box, "install", ["--yes"], { closeStdin: true });
    expect(r.stderr).not.toContain("/dev/tty");
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)).toHaveLength(7);
  });
});

// ---------------------------------------------------------------------------------------
// cleanup.sh
// ---------------------------------------------------------------------------------------

describe.concurrent("scripts/cleanup.sh", () => {
  const BLUEPRINT_OUTPUTS = JSON.stringify({ configure_kubectl: { value: "aws eks --region eu-central-1 update-kubeconfig --name team-hub" } });

  it("reads the cluster from the state, clears load balancers and stuck namespaces, destroys the four targets in order, then all", async () => {
    const box = sandbox();
    fs.writeFileSync(path.join(box.cwd, "prod.tfvars"), 'name = "x"\n');
    const r = await run(box, "cleanup", ["--yes", "-var-file=prod.tfvars", "-var", "region=us-west-2"], {
      env: { FAKE_AWS_LB_POLLS: "2", FAKE_KUBE_TERMINATING: "kubecost" },
    });
    expect(r.code).toBe(0);
    const chdir = `-chdir=${box.stack}`;
    const pass = `-var-file=${box.cwd}/prod.tfvars -var=region=us-west-2`;
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
    // The cluster came from the state and the account was checked, before any change.
    const lines = r.calls.map(line);
    const firstChange = lines.findIndex((l) => l.includes("update-kubeconfig"));
    expect(lines.slice(2, firstChange)).toEqual([
      `terraform ${chdir} init -input=false`,
      `terraform ${chdir} output -json`,
      `terraform ${chdir} state list`,
      "aws --region us-west-2 sts get-caller-identity --output text --query Account",
      `aws --region us-west-2 elbv2 describe-load-balancers --output text --query LoadBalancers[].LoadBalancerArn`,
      expect.stringContaining("elbv2 describe-tags"),
    ]);
    expect(r.stdout).toContain("Cluster (from the state, output cluster_arn): jupyterhub-on-eks   Region: us-west-2   Account: 111122223333");
    expect(r.stdout).toContain(`This run destroys the 3 resource(s) in local state file ${box.repo}/terraform.tfstate, including cluster jupyterhub-on-eks`);
    // The final destroy is a real full destroy.
    const last = toolCalls(r.calls, "terraform").at(-1)!;
    expect(last.argv.filter((a) => a.startsWith("-target"))).toEqual([]);
    expect(lines.findIndex((l) => l.includes("get --raw=/readyz"))).toBeLessThan(lines.findIndex((l) => l.includes("delete service")));
    const eks = lines.findIndex((l) => l.includes("-target=module.eks "));
    const vpc = lines.findIndex((l) => l.includes("-target=module.vpc"));
    expect(lines.slice(eks + 1, vpc)).toEqual([
      `aws --region us-west-2 ec2 describe-security-groups --output text --filters Name=tag:elbv2.k8s.aws/cluster,Values=jupyterhub-on-eks --query SecurityGroups[].GroupId`,
    ]);
    for (let k = 1; k <= 12; k++) expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 12 done in \\d+m \\d\\ds`));
    expect(r.stdout).toContain("Step 12 of 12: Destroy everything that is left (terraform destroy, no -target)");
    expect(r.stdout).toMatch(/Summary of cleanup\.sh:\n(\s+\d+\/12\s+done\s+\d+m \d\ds\s+\S.*\n){12}Total time/);
  });

  it("puts a timeout on every kubectl and aws call", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout", "45"], { env: { FAKE_AWS_LB_POLLS: "1" } });
    expect(r.code).toBe(0);
    const kubectl = toolCalls(r.calls, "kubectl");
    const aws = toolCalls(r.calls, "aws");
    expect(kubectl.length).toBeGreaterThan(3);
    expect(aws.length).toBeGreaterThan(5);
    for (const c of kubectl) expect(c.argv).toContain("--request-timeout=45s");
    for (const c of aws) expect(exact(c)).toContain("--cli-connect-timeout 10 --cli-read-timeout 45");
  });

  it("ends a call that hangs at --call-timeout instead of waiting forever", async () => {
    const box = sandbox({ synthesized: true });
    const started = Date.now();
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout=1"], { env: { FAKE_AWS_HANG: "describe-target-groups" } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("ERROR: timed out after 1s (--call-timeout): aws --region us-west-2");
    expect(r.stderr).toContain("step 4 of 11 failed");
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toEqual([]);
  });

  it("skips the Kubernetes steps when kubectl hangs (the readiness check times out)", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout=1"], { env: { FAKE_KUBE_HANG: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("ERROR: timed out after 1s (--call-timeout): kubectl");
    expect(r.stderr).toContain("WARNING: kubectl cannot reach cluster jupyterhub-on-eks");
  });

  it("never acts on a guess: a missing -var-file stops it before anything runs", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--yes", "-var-file=prdo.tfvars"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`-var-file prdo.tfvars: no such file (${box.cwd}/prdo.tfvars). Nothing was run.`);
    expect(r.stdout).not.toContain("Cluster");
    expect(r.calls).toEqual([]);
  });

  it.each(["TF_CLI_ARGS_destroy", "TF_CLI_ARGS_output"])("refuses %s holding -var-file", async (name) => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--yes"], { env: { [name]: "-var-file=prod.tfvars" } });
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
  });

  it("takes the cluster from the state, not from -var, -var-file or TF_VAR_*", async () => {
    const box = sandbox({ synthesized: true });
    fs.writeFileSync(path.join(box.cwd, "prod.tfvars"), 'name   = "from-file"\nregion = "eu-central-1"\n');
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "-var", "name=from-cli", "-var-file=prod.tfvars"], {
      env: { TF_VAR_name: "from-env", TF_VAR_region: "ap-south-1", FAKE_AWS_LB_POLLS: "1" },
    });
    expect(r.code).toBe(0);
    expect(changes(r.calls)).toContain(`aws --region us-west-2 eks update-kubeconfig --name jupyterhub-on-eks --kubeconfig ${kubeconfigOf(r.calls)}`);
    expect(changes(r.calls)).toContain(`aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`);
    const acting = r.calls.filter((c) => c.tool !== "npm" && !(c.tool === "terraform" && c.argv.includes("destroy")));
    expect(acting.map(line).join("\n")).not.toMatch(/from-(file|cli|env)|eu-central-1|ap-south-1/);
  });

  it("reads a state the blueprint wrote (only configure_kubectl), without an account to compare", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_TF_OUTPUTS: BLUEPRINT_OUTPUTS, FAKE_AWS_CLUSTER: "team-hub", FAKE_AWS_LB_POLLS: "1" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Cluster (from the state, output configure_kubectl): team-hub   Region: eu-central-1   Account: not recorded");
    expect(changes(r.calls)).toContain(`aws --region eu-central-1 ec2 delete-security-group --group-id ${OUR_SG}`);
  });

  it("with no cluster in the state skips every Kubernetes and AWS step and still destroys what the state holds", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_TF_OUTPUTS: "{}", FAKE_TF_RESOURCES: "2" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: the state records no EKS cluster");
    expect(toolCalls(r.calls, "aws")).toEqual([]);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(r.stdout).toMatch(/4\/11\s+skipped.*\(no cluster in the state\)/);
    expect(r.stdout).toMatch(/9\/11\s+skipped.*\(no cluster in the state\)/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toContain("Cleanup complete: the stack's state is empty.");
  });

  it("stops before any change when the AWS credentials are for another account", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_AWS_ACCOUNT: "444455556666" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "your AWS credentials are for account 444455556666, but the state's cluster jupyterhub-on-eks is in account 111122223333",
    );
    expect(changes(r.calls).filter((l) => !l.startsWith("npm") && !l.includes(" init "))).toEqual([]);
  });

  it("checks that --kube-context points at the state's cluster", async () => {
    const box = sandbox({ synthesized: true });
    const wrong = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "other"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      "--kube-context other points at https://FFFF.gr7.eu-west-1.eks.amazonaws.com, not at cluster jupyterhub-on-eks in us-west-2",
    );
    expect(changes(wrong.calls).filter((l) => l.includes("delete"))).toEqual([]);
    fs.rmSync(box.log);
    const missing = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--kube-context nope: no such context in your kubeconfig.");
    fs.rmSync(box.log);
    const right = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "ours"]);
    expect(right.code).toBe(0);
    expect(changes(right.calls)).toContain("kubectl --context ours delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false");
    expect(toolCalls(right.calls, "aws").map(line)).not.toContainEqual(expect.stringContaining("update-kubeconfig"));
  });

  it("accepts --kube-context without aws when the context names the cluster's ARN", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "ours"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(toolCalls(r.calls, "kubectl").filter((c) => !c.argv.includes("config")).every((c) => c.argv[0] === "--context" && c.argv[1] === "ours")).toBe(true);
  });

  it("waits for the tagged load balancer resources until they are gone, then deletes the security group", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
      env: { FAKE_AWS_LB_POLLS: "3", FAKE_AWS_ENI_POLLS: "4" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Check 1: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("Check 2: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("Check 3: 0 load balancer(s), 1 target group(s), 0 network interface(s) of jupyterhub-on-eks left.");
    expect(r.stdout).toContain("No load balancer, target group or network interface of jupyterhub-on-eks is left (check 4).");
    const aws = toolCalls(r.calls, "aws").map(line);
    expect(aws.filter((l) => l.includes("describe-load-balancers"))).toHaveLength(5);
    expect(aws).toContain(
      `aws --region us-west-2 ec2 describe-network-interfaces --output text --filters Name=group-id,Values=${OUR_SG} --query NetworkInterfaces[].NetworkInterfaceId`,
    );
    expect(aws).toContain(
      "aws --region us-west-2 ec2 describe-network-interfaces --output text --filters Name=description,Values=ELB net/k8s-jupyterh-proxypub-0123456789/abcdef0123456789 --query NetworkInterfaces[].NetworkInterfaceId",
    );
    expect(aws).toContain(
      `aws --region us-west-2 elbv2 describe-tags --resource-arns ${OUR_LB} arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/k8s-other-web-9876543210/fedcba9876543210 --output text --query TagDescriptions[?Tags[?Key=='elbv2.k8s.aws/cluster' && Value=='jupyterhub-on-eks']].ResourceArn`,
    );
    expect(aws.filter((l) => /delete-(load-balancer|target-group)/.test(l))).toEqual([]);
    expect(aws.filter((l) => l.includes("delete-security-group"))).toEqual([`aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`]);
    const lines = r.calls.map(line);
    expect(lines.findIndex((l) => l.includes("delete-security-group"))).toBeLessThan(lines.findIndex((l) => l.includes(" destroy ")));
  });

  it("deletes what the controller left after --lb-timeout, only for this cluster", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--lb-timeout", "0"], { env: { FAKE_AWS_LB_STUCK: "1" } });
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
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--lb-timeout=1"], {
      env: { FAKE_AWS_LB_POLLS: "1", FAKE_AWS_ENI_POLLS: "100000" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: still present after waiting 1s: ${OUR_ENI}`);
    expect(r.stderr).toContain("Raise --lb-timeout and re-run");
    expect(r.stderr).toContain("step 4 of 11 failed");
    expect(terraformCalls(r.calls).filter((l) => l.includes("destroy"))).toEqual([]);
  });

  it("clears the finalizers of namespaces stuck in Terminating", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_KUBE_TERMINATING: "kubecost,spark-team-a" } });
    expect(r.code).toBe(0);
    const replaces = toolCalls(r.calls, "kubectl").filter((c) => c.argv.includes("replace"));
    expect(replaces.map((c) => c.argv.slice(3))).toEqual([
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
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_KUBE_UNREACHABLE: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: kubectl cannot reach cluster jupyterhub-on-eks: skipping the Kubernetes steps");
    expect(toolCalls(r.calls, "kubectl").map((c) => c.argv.slice(2))).toEqual([["--request-timeout=60s", "get", "--raw=/readyz"]]);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toMatch(/5\/11\s+skipped\s+\d+m \d\ds\s+Clear namespaces stuck in Terminating \(cluster not reachable/);
  });

  it("fails with the way out when the cluster refuses the listing (RBAC), and --skip-kubernetes gets past it", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_KUBE_FORBIDDEN: "1" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("services is forbidden");
    expect(r.stderr).toContain("If your identity may not list them, run again with --skip-kubernetes");
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toEqual([]);
    fs.rmSync(box.log);
    const skipped = await run(box, "cleanup", ["--skip-synth", "--yes", "--skip-kubernetes"], { env: { FAKE_KUBE_FORBIDDEN: "1", FAKE_AWS_LB_STUCK: "1" } });
    expect(skipped.code).toBe(0);
    expect(toolCalls(skipped.calls, "kubectl")).toEqual([]);
    expect(changes(skipped.calls)).toContain(`aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(skipped.stderr).toContain("WARNING: --skip-kubernetes: not using kubectl");
  });

  it("skips the Kubernetes steps when the cluster is already gone, and deletes its leftover load balancers", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_AWS_NO_CLUSTER: "1", FAKE_AWS_LB_STUCK: "1" } });
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
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { hide: [tool], env: { FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WARNING: ${message}`);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(changes(r.calls)).toContain(`aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toContain(`  - ${message}`);
  });

  it("says that aws is missing and what is skipped, and still destroys", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("WARNING: aws (AWS CLI) not found: the account is not checked, and the wait for load balancers");
    expect(r.stderr).toContain("no kubeconfig can be made for the cluster, so the Kubernetes steps");
    expect(toolCalls(r.calls, "aws")).toEqual([]);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(r.stdout).toMatch(/4\/11\s+skipped.*aws not found/);
    expect(r.stdout).toMatch(/9\/11\s+skipped.*aws not found/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
  });

  it("retries a security group the first sweep could not delete after module.eks is gone", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
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
    [2, "validate", "Check the settings and every input", {}],
    [3, "init -input=false", "Initialize Terraform", {}],
    [4, "output -json", "Read the cluster from the Terraform state", {}],
    [5, "delete ingress", "Delete Kubernetes load balancers", {}],
    [5, "describe-target-groups", "Delete Kubernetes load balancers", {}],
    [6, "status.phase=Terminating", "Clear namespaces stuck in Terminating", {}],
    [7, "-target=module.eks_data_addons", "Destroy module.eks_data_addons", {}],
    [8, "-target=module.eks_blueprints_addons", "Destroy module.eks_blueprints_addons", {}],
    [9, "-target=module.eks -var", "Destroy module.eks", {}],
    [10, "delete-security-group", "Delete leftover load balancer security groups", { FAKE_AWS_LB_POLLS: "1" }],
    [11, "-target=module.vpc", "Destroy module.vpc", {}],
    [12, "-auto-approve -var", "Destroy everything that is left", {}],
  ];

  it.each(cleanupSteps)("a failure in step %i (%s) stops there, names the step and says how to resume", async (step, needle, name, env) => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--yes", "-var", "name=jupyterhub-on-eks"], { env: { ...env, FAKE_FAIL: needle, FAKE_FAIL_CODE: "4" } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`ERROR: step ${step} of 12 failed (exit 4)`);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toContain(`${box.repo}/scripts/cleanup.sh --yes -var name=jupyterhub-on-eks`);
    const lines = r.calls.map(line);
    expect(lines.at(-1)).toContain(needle);
    expect(r.stdout).toMatch(new RegExp(`${step}/12\\s+FAILED`));
    const destroys = terraformCalls(r.calls).filter((l) => l.includes(" destroy "));
    expect(destroys).toHaveLength([7, 8, 9, 11, 12].filter((d) => d <= step).length);
  });

  it("resumes after a failure: a second run does every step", async () => {
    const box = sandbox();
    const failed = await run(box, "cleanup", ["--yes"], { env: { FAKE_FAIL: "-target=module.eks_blueprints_addons" } });
    expect(failed.code).toBe(1);
    fs.rmSync(box.log);
    const again = await run(box, "cleanup", ["--skip-synth", "--yes"]);
    expect(again.code).toBe(0);
    expect(terraformCalls(again.calls).map((l) => l.replace(`-chdir=${box.stack} `, ""))).toEqual([
      "terraform init -input=false",
      "terraform output -json",
      "terraform state list",
      "terraform destroy -input=false -auto-approve -target=module.eks_data_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks_blueprints_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks",
      "terraform destroy -input=false -auto-approve -target=module.vpc",
      "terraform destroy -input=false -auto-approve",
    ]);
  });

  it("--dry-run goes through the same code: it reads for real and prints every deletion it would make", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--dry-run", "-var", "region=eu-west-1"], { env: { FAKE_AWS_LB_STUCK: "1", FAKE_KUBE_TERMINATING: "kubecost" } });
    expect(r.code).toBe(0);
    // Nothing that changes the deployment ran: no destroy, no kubectl delete / replace, no aws delete.
    expect(changes(r.calls).filter((l) => !l.includes("update-kubeconfig"))).toEqual(["npm run synth", `terraform -chdir=${box.stack} init -input=false`]);
    const chdir = `-chdir=${box.stack}`;
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ ")).map((l) => l.replace(/ --cli-connect-timeout 10 --cli-read-timeout 60| --request-timeout=60s/, ""));
    expect(printed.filter((l) => l.includes(" destroy "))).toEqual([
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_data_addons -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_blueprints_addons -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.vpc -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -var=region=eu-west-1`,
    ]);
    // The real names a real run would delete, listed by the same queries (the cluster's region comes from the state).
    const kubeconfig = kubeconfigOf(r.calls);
    expect(printed).toContain(`+ kubectl --kubeconfig ${kubeconfig} delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false`);
    expect(printed).toContain(`+ kubectl --kubeconfig ${kubeconfig} replace --raw /api/v1/namespaces/kubecost/finalize -f -`);
    expect(printed).toContain(`+ aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(printed).toContain(`+ aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`);
    expect(r.stdout).toContain("A real run waits up to 600s for the controller, then deletes what is left with:");
    expect(r.stdout).toContain("Summary of cleanup.sh (dry run: nothing was changed):");
  });

  it("refuses to run without a terminal unless --yes is given, before anything runs", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cleanup.sh asks before it changes anything, and there is no terminal to ask on: pass --yes");
    expect(r.calls).toEqual([]);
  });

  it("on a terminal says what it will destroy and goes on only after a typed yes", async () => {
    const box = sandbox({ synthesized: true });
    const declined = await runOnTerminal(box, "cleanup", ["--skip-synth"], ["no"]);
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain("This run destroys the 3 resource(s) in local state file");
    expect(declined.stdout).toContain('Destroy cluster jupyterhub-on-eks in us-west-2 and everything in its state? Only "yes" goes ahead: no');
    expect(changes(declined.calls).filter((l) => !l.includes(" init "))).toEqual([]);
    fs.rmSync(box.log);
    const confirmed = await runOnTerminal(box, "cleanup", ["--skip-synth"], ["yes"], { FAKE_AWS_LB_POLLS: "1" });
    expect(confirmed.code).toBe(0);
    expect(terraformCalls(confirmed.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
  });

  it("--help explains every option and environment variable", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "Usage: scripts/cleanup.sh",
      "--yes, -auto-approve",
      "--skip-synth",
      "--skip-kubernetes",
      "--dry-run",
      "--lb-timeout SECONDS",
      "--poll-interval SECONDS",
      "--call-timeout SECONDS",
      "--kube-context NAME",
      "JH_LB_TIMEOUT",
      "JH_POLL_INTERVAL",
      "JH_KUBE_CONTEXT",
      "JH_CALL_TIMEOUT",
      "TF_VAR_",
      "The cluster is never guessed: it comes from the state.",
      "terraform destroy                (full, no -target",
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.calls).toEqual([]);
  });

  it.each([
    [["--lb-timeout", "soon"], "--lb-timeout / JH_LB_TIMEOUT must be a number of seconds, got 'soon'"],
    [["--call-timeout=0"], "--call-timeout / JH_CALL_TIMEOUT must be a number of seconds (1 or more), got '0'"],
    [["--bogus"], "unknown option: --bogus (see cleanup.sh --help for what is accepted)"],
    [["--plan-only"], "unknown option: --plan-only"],
  ])("rejects %j before running anything", async (args, message) => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--yes", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.calls).toEqual([]);
  });

  it("runs without a terminal and with stdin closed when told --yes", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--yes"], { closeStdin: true, env: { FAKE_KUBE_TERMINATING: "kubecost" } });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)).toHaveLength(8);
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
