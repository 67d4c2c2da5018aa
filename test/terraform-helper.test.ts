/**
 * The terraform test helper (test/helpers/terraform.ts): finding the binary, the clean
 * environment it runs terraform in, and no CLI configuration warning.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  locateTerraform,
  makeTerraformDir,
  removeTerraformDir,
  runTerraform,
  TERRAFORM_INSTALL_HINT,
  terraformEnv,
} from "./helpers/terraform";

describe("test helper: terraform", () => {
  it("fails with installation instructions when terraform is not on PATH", () => {
    expect(() => locateTerraform({ PATH: "/nonexistent-dir" })).toThrow(TERRAFORM_INSTALL_HINT);
    expect(TERRAFORM_INSTALL_HINT).toContain("https://developer.hashicorp.com/terraform/install");
    expect(() => locateTerraform({ TERRAFORM_BIN: "/nonexistent-dir/terraform" })).toThrow(
      "TERRAFORM_BIN is set to /nonexistent-dir/terraform, which is not an executable file",
    );
  });

  it("runs terraform without inherited Terraform settings and with checkpoint and input off", () => {
    const env = terraformEnv(
      { TF_VAR_region: "eu-west-1" },
      {
        PATH: "/usr/bin",
        HOME: "/home/x",
        TF_VAR_name: "x",
        TF_CLI_ARGS_plan: "-destroy",
        TF_LOG: "DEBUG",
        TF_WORKSPACE: "w",
      },
    );
    expect(env.PATH).toBe("/usr/bin");
    expect(env.HOME).toBe("/home/x");
    expect(env.TF_VAR_region).toBe("eu-west-1");
    for (const gone of ["TF_VAR_name", "TF_CLI_ARGS_plan", "TF_LOG", "TF_WORKSPACE"]) expect(env[gone]).toBeUndefined();
    expect(env.TF_IN_AUTOMATION).toBe("1");
    expect(env.CHECKPOINT_DISABLE).toBe("1");
    expect(env.TF_INPUT).toBe("0");
    expect(readFileSync(env.TF_CLI_CONFIG_FILE!, "utf8")).toBe("");
  });

  it("prints no CLI configuration warning when TF_CLI_CONFIG_FILE names a missing file", async () => {
    const missing = join(makeTerraformDir(), "no-such-terraformrc");
    const cwd = makeTerraformDir();
    const previous = process.env.TF_CLI_CONFIG_FILE;
    process.env.TF_CLI_CONFIG_FILE = missing;
    try {
      // Without the helper's environment terraform warns about the missing file ...
      const raw = spawnSync(locateTerraform(), ["version"], {
        cwd,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      expect(raw.stderr).toContain("Unable to open CLI configuration file");
      // ... with it, it does not.
      const result = await runTerraform(["version"], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Terraform v1\.\d+\.\d+/);
      expect(result.stderr).toBe("");
    } finally {
      if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
      else process.env.TF_CLI_CONFIG_FILE = previous;
      removeTerraformDir(cwd);
      removeTerraformDir(dirname(missing));
    }
  });
});
