/**
 * The lifecycle scripts' prerequisites: what the end-to-end tests in this directory need on
 * this machine, and the scripts being executable in the repository.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/scripts";

describe("the lifecycle scripts", () => {
  it("find jq on this machine, which the cleanup tests need", () => {
    const result = spawnSync("jq", ["--version"], { encoding: "utf8" });
    if (result.error) {
      throw new Error(`jq is not installed (${result.error.message}); install it with: apt-get install -y jq`);
    }
    expect(result.status).toBe(0);
  });

  it("are executable", () => {
    for (const file of ["scripts/install.sh", "scripts/cleanup.sh"]) {
      expect(fs.statSync(path.join(ROOT, file)).mode & 0o111).toBe(0o111);
    }
  });
});
