/**
 * Running the project's node CLIs (scripts/*.ts: validate, check-state, compare) in tests,
 * the way `npm run <name>` does: node with the tsx loader.
 */
import { execFile } from "node:child_process";

const TSX = require.resolve("tsx/cjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --require tsx/cjs <script> <args>`; never rejects: check `code`. */
export function runNodeCli(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", TSX, script, ...args],
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}
