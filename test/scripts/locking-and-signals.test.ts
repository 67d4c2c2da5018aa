/**
 * The lifecycle scripts end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): one run per stack at a time (the lock), and a run stopped by
 * SIGTERM or SIGINT in the middle of a step.
 */
import type { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { line, readCalls, run, sandbox, until } from "../helpers/scripts";

describe.concurrent("scripts/install.sh", () => {
  it("lets one run at a time work on a stack: a second one is refused, naming the first", async () => {
    const box = sandbox();
    let first: ReturnType<typeof spawn> | undefined;
    const running = run(box, "install", ["--yes"], { env: { FAKE_TF_SLEEP: "30" }, started: (c) => (first = c) });
    await until(() => readCalls(box.log).some((c) => c.argv.includes("apply")), "the first run's apply");
    const second = await run(box, "cleanup", ["--yes"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(`another run on this stack is in progress: install.sh, started \\S+ \\(PID ${first!.pid}\\)`),
    );
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
    fs.writeFileSync(
      path.join(box.repo, ".lifecycle.lock", "owner"),
      "999999999 install.sh, started 2026-01-01T00:00:00Z\n",
    );
    const r = await run(box, "install", ["--yes"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: taking over the lock of a run that is gone (999999999 install.sh, started 2026-01-01T00:00:00Z;",
    );
  });

  it.each([
    ["SIGTERM", 143, "TERM"],
    ["SIGINT", 130, "INT"],
  ] as const)(
    "on %s stops terraform gracefully, waits for it, prints the summary and exits %i",
    async (signal, code, name) => {
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
    },
  );
});
