import { defineConfig } from "vitest/config";
import { E2E_TESTS, common } from "./vitest.config.mts";

/** `npm run test:e2e`: the end-to-end suites that `npm test` leaves out (vitest.config.mts). */
export default defineConfig({ test: { ...common, include: E2E_TESTS } });
