/**
 * scripts/cleanup.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the options, arguments and environment it accepts or refuses
 * before running anything, and the confirmation (typed on a terminal, or --yes).
 */
import * as fs from "node:fs";
import { changes, run, runOnTerminal, sandbox, terraformCalls } from "../helpers/scripts";

describe.concurrent("scripts/cleanup.sh", () => {
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

  it("refuses to run without a terminal unless --yes is given, before anything runs", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "cleanup.sh asks before it changes anything, and there is no terminal to ask on: pass --yes",
    );
    expect(r.calls).toEqual([]);
  });

  it("on a terminal says what it will destroy and goes on only after a typed yes", async () => {
    const box = sandbox({ synthesized: true });
    const declined = await runOnTerminal(box, "cleanup", ["--skip-synth"], ["no"]);
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain("This run destroys the 3 resource(s) in local state file");
    expect(declined.stdout).toContain(
      'Destroy cluster jupyterhub-on-eks in us-west-2 and everything in its state? Only "yes" goes ahead: no',
    );
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
