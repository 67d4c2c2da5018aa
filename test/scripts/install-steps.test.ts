/**
 * scripts/install.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the steps it runs and in which order, how a failing step stops
 * the run and how the run is resumed, --plan-only and --dry-run.
 */
import * as fs from "node:fs";
import { line, run, sandbox, terraformCalls, toolCalls, withVarFile } from "../helpers/scripts";

describe.concurrent("scripts/install.sh", () => {
  const PASS = ["-var-file=prod.tfvars", "-var", "region=eu-west-1"];

  it(
    "synthesizes, checks the inputs, inits, then plans and applies module.vpc, " + "module.eks and everything",
    async () => {
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
      expect(
        toolCalls(r.calls, "terraform")
          .filter((c) => c.argv.includes("apply"))
          .every((c) => c.argv.length === 4),
      ).toBe(true);
    },
  );

  it("shows step k of n with timings and a summary", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"]);
    expect(r.code).toBe(0);
    for (let k = 1; k <= 6; k++) {
      expect(r.stdout).toContain(`==> Step ${k} of 6: `);
      expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 6 done in \\d+m \\d\\ds`));
    }
    expect(r.stdout).toContain("==> Step 4 of 6: Create the VPC (terraform plan and apply -target=module.vpc)");
    expect(r.stdout).toMatch(
      /Summary of install\.sh:\n(\s+\d\/6\s+done\s+\d+m \d\ds\s+\S.*\n){6}Total time: \d+m \d\ds/,
    );
    // Success comes from the exit status: the fake terraform never prints "Apply complete!".
    expect(r.stdout).not.toContain("Apply complete");
  });

  it("passes the init arguments synth recorded (a state file outside the project) and names that state", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], {
      env: {
        FAKE_INIT_ARGS: "-backend-config=path=/srv/blueprint/terraform.tfstate",
        FAKE_OVERRIDES: "JUPYTERHUB_STATE_FILE=/srv/blueprint/terraform.tfstate",
      },
    });
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)[0]).toBe(
      `terraform -chdir=${box.stack} init -input=false -backend-config=path=/srv/blueprint/terraform.tfstate`,
    );
    expect(r.stdout).toContain(
      "Environment overrides of jupyterhub.config.json: JUPYTERHUB_STATE_FILE=/srv/blueprint/terraform.tfstate",
    );
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

  it("with --skip-synth uses the existing stack and does not synthesize", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "install", ["--skip-synth", "--yes"]);
    expect(r.code).toBe(0);
    expect(toolCalls(r.calls, "npm").map(line)).toEqual(["npm run --silent validate --"]);
    expect(r.stdout).toContain("Step 5 of 5: Create everything else");
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

  it.each(installSteps)(
    "a failure in step %i (%s) stops there, names the step and says how to resume",
    async (step, needle, name, calls) => {
      const box = sandbox();
      withVarFile(box);
      const fail = needle === "-out=" ? "-target=module.eks" : needle;
      const r = await run(box, "install", ["--yes", "-var-file=prod.tfvars"], {
        env: { FAKE_FAIL: fail, FAKE_FAIL_CODE: "3" },
      });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`ERROR: step ${step} of 6 failed (exit 3)`);
      expect(r.stderr).toContain(name);
      expect(r.stderr).toContain("resume by running the same command again:");
      expect(r.stderr).toContain(`${box.repo}/scripts/install.sh --yes -var-file=prod.tfvars`);
      // The failing call is the last one: nothing after it ran.
      expect(r.calls).toHaveLength(calls);
      expect(r.stdout).toMatch(new RegExp(`${step}/6\\s+FAILED`));
      if (step < 6) expect(r.stdout).toMatch(new RegExp(`${step + 1}/6\\s+not run`));
    },
  );

  it("judges terraform by its exit status, not by what it prints", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], {
      env: {
        FAKE_FAIL: "step-4.tfplan",
        FAKE_FAIL_OUTPUT: "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
      },
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
    expect(r.calls.map(line)).toEqual([
      "npm run synth",
      `npm run --silent validate -- ${pass}`,
      `terraform ${chdir} init -input=false`,
    ]);
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ terraform") && l.includes(" apply "));
    expect(printed).toEqual([
      `+ terraform ${chdir} apply -input=false -target=module.vpc ${pass}`,
      `+ terraform ${chdir} apply -input=false -target=module.eks ${pass}`,
      `+ terraform ${chdir} apply -input=false ${pass}`,
    ]);
    expect(r.stdout).toContain("Summary of install.sh (dry run: nothing was changed):");
  });

  it("stops at the inputs check, before init, when npm run validate finds a problem", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes"], {
      env: { FAKE_FAIL: "validate", FAKE_FAIL_OUTPUT: "error: jupyter_hub_auth_mechansim is not a variable" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("step 2 of 6 failed");
    expect(terraformCalls(r.calls)).toEqual([]);
  });
});
