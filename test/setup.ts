/**
 * Vitest setup file (vitest.config.mts `setupFiles`), run before every test file.
 */

import { Testing } from "cdktf";

// Registers cdktf's matchers (toHaveResource, toHaveDataSource, ...) on vitest's expect.
Testing.setupJest();
