import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globals: true,
    isolate: false,
    environment: "node",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // Synthesizing the whole stack takes about a second; the terraform-backed
    // suites spawn the real binary. Both are well inside this bound.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
