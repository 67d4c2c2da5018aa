/**
 * Vitest configuration of `npm run test:e2e`: the end-to-end suites listed in
 * vitest.config.mts, with that file's shared settings.
 */

import { defineConfig } from "vitest/config";
import { common, E2E_TESTS } from "./vitest.config.mts";

/**
 * `npm run test:e2e`: the end-to-end suites that `npm test` leaves out (vitest.config.mts).
 * Their files run their tests concurrently (describe.concurrent), one file per worker: at most
 * three at a time per file keeps the bash runs per core about what they were when the lifecycle
 * scripts' tests were one file, so the timing checks (a hung call ends within its timeout, a
 * signal reaches terraform mid-step) keep their margin on a 2-core machine.
 */
export default defineConfig({ test: { ...common, include: E2E_TESTS, maxConcurrency: 3 } });
