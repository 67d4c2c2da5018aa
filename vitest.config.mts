/**
 * Vitest configuration of `npm test`: every test file except the end-to-end suites, and the
 * settings both test commands share (exported for vitest.e2e.config.mts).
 */

import { defineConfig } from "vitest/config";

/**
 * The end-to-end suites: the lifecycle scripts against the fake CLIs and the synth command as
 * a user runs it. They spawn thousands of processes and take minutes on a 2-core machine, so
 * they run as `npm run test:e2e` (vitest.e2e.config.mts); CI runs both commands.
 */
export const E2E_TESTS = ["test/scripts/**/*.test.ts", "test/upgrade-script.test.ts", "test/synth-cli.test.ts"];

/** Settings both test commands share. */
export const common = {
  globals: true,
  isolate: false,
  environment: "node",
  setupFiles: ["test/setup.ts"],
  // Most suites wait on child processes (terraform, bash, node): more workers than cores keep
  // both cores busy (vitest's default on 2 cores is a single worker).
  maxWorkers: 4,
  // Synthesizing the whole stack takes about a second; the terraform-backed
  // suites spawn the real binary. Both are well inside this bound.
  testTimeout: 60_000,
  hookTimeout: 60_000,
} as const;

export default defineConfig({
  test: { ...common, include: ["test/**/*.test.ts"], exclude: ["**/node_modules/**", ...E2E_TESTS] },
});
