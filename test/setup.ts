import { Testing } from "cdktf";

// Registers cdktf's matchers (toHaveResource, toHaveDataSource, ...) on vitest's expect.
Testing.setupJest();
