/**
 * scripts/install.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the options, arguments and environment it accepts or refuses
 * before running anything, and the confirmation (typed on a terminal, or --yes).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { line, run, runOnTerminal, sandbox, terraformCalls, toolCalls, withVarFile } from "../helpers/scripts";

describe.concurrent("scripts/install.sh", () => {
  it(
    "refuses to apply without a terminal unless --yes (or -auto-approve) is given, " + "before running anything",
    async () => {
      const box = sandbox();
      const r = await run(box, "install", []);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "install.sh asks before it changes anything, and there is no terminal to ask on: pass --yes (or -auto-approve)",
      );
      expect(r.calls).toEqual([]);
      const approved = await run(box, "install", ["-auto-approve"]);
      expect(approved.code).toBe(0);
      expect(terraformCalls(approved.calls).filter((l) => l.includes(" apply "))).toHaveLength(3);
    },
  );

  it("on a terminal shows each plan and applies it only after a typed yes", async () => {
    const box = sandbox();
    const r = await runOnTerminal(box, "install", [], ["yes", "no"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Apply the plan above (step 4: module.vpc)? Only "yes" goes ahead: yes');
    expect(r.stdout).toContain('Apply the plan above (step 5: module.eks)? Only "yes" goes ahead: no');
    expect(r.stdout).toContain("ERROR: not confirmed: step 5 of 6 changed nothing, and nothing after it was run.");
    expect(r.stdout).toMatch(/5\/6\s+declined/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" apply "))).toEqual([
      `terraform -chdir=${box.stack} apply -input=false <plan4>`,
    ]);
  });

  it("with --skip-synth and no synthesized stack stops before running anything", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--skip-synth", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--skip-synth given but there is no synthesized stack");
    expect(r.calls).toEqual([]);
  });

  it("--help explains the options and runs nothing", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["-var", "x=1", "--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "Usage: scripts/install.sh",
      "--yes, -auto-approve",
      "--plan-only",
      "--skip-synth",
      "--dry-run",
      "-h, --help",
      "-var-file",
      "TF_VAR_",
      "jupyterhub.config.json",
    ]) {
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
    const r = await run(box, "install", [
      "--skip-synth",
      "--yes",
      "-var-file",
      "sub/a.tfvars",
      "-parallelism=4",
      "-lock-timeout=5m",
      "-no-color",
    ]);
    expect(r.code).toBe(0);
    expect(terraformCalls(r.calls)[1]).toBe(
      `terraform -chdir=${box.stack} plan -input=false -detailed-exitcode ` +
        `-out=<plan3> -target=module.vpc -var-file=${box.cwd}/sub/a.tfvars ` +
        `-parallelism=4 -lock-timeout=5m -no-color`,
    );
    // The inputs check gets only the inputs.
    expect(toolCalls(r.calls, "npm").map(line)).toEqual([
      `npm run --silent validate -- -var-file=${box.cwd}/sub/a.tfvars`,
    ]);
  });

  it("stops before running anything when a -var-file does not exist", async () => {
    const box = sandbox();
    const r = await run(box, "install", ["--yes", "-var-file=prdo.tfvars"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ERROR: -var-file prdo.tfvars: no such file (${box.cwd}/prdo.tfvars). Nothing was run.`);
    expect(r.calls).toEqual([]);
  });

  it.each(["TF_CLI_ARGS_apply", "TF_CLI_ARGS_plan", "TF_CLI_ARGS"])(
    "refuses %s holding -var-file, which the inputs check would not see",
    async (name) => {
      const box = sandbox();
      const r = await run(box, "install", ["--yes"], { env: { [name]: "-no-color -var-file=prod.tfvars" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${name} contains -var-file=prod.tfvars, which install.sh cannot check`);
      expect(r.calls).toEqual([]);
    },
  );

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
