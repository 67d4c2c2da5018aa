import { ConfigError, loadConfig, statePathFromStackDir } from "../config";
import { PLATFORM_SETS } from "../versions";
import { notebookProfiles } from "../profiles";

describe("loadConfig", () => {
  it("defaults to a local state file in the project root and the shipped profiles", () => {
    expect(loadConfig({})).toEqual({
      backend: { type: "local", path: "terraform.tfstate" },
      platform: PLATFORM_SETS.current,
      profiles: notebookProfiles,
    });
    expect(statePathFromStackDir("terraform.tfstate")).toBe("../../../terraform.tfstate");
    expect(statePathFromStackDir("state/prod.tfstate")).toBe("../../../state/prod.tfstate");
  });

  it("takes a relative state file", () => {
    expect(loadConfig({ JUPYTERHUB_STATE_FILE: "./state//prod.tfstate" }).backend).toEqual({ type: "local", path: "state/prod.tfstate" });
  });

  it.each([
    ["/var/lib/tf/terraform.tfstate", /is absolute: give a path relative to the project root/],
    ["../elsewhere.tfstate", /points outside the project/],
    ["cdktf.out/terraform.tfstate", /points into cdktf.out\/, which a clean synth may delete/],
  ])("refuses JUPYTERHUB_STATE_FILE=%s", (file, message) => {
    expect(() => loadConfig({ JUPYTERHUB_STATE_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ JUPYTERHUB_STATE_FILE: file })).toThrow(message);
  });

  it("configures an S3 backend and names what is missing", () => {
    expect(
      loadConfig({
        JUPYTERHUB_BACKEND: "s3",
        JUPYTERHUB_S3_BUCKET: "tf-state",
        JUPYTERHUB_S3_KEY: "jupyterhub/terraform.tfstate",
        JUPYTERHUB_S3_REGION: "us-west-2",
        JUPYTERHUB_S3_DYNAMODB_TABLE: "tf-locks",
      }).backend,
    ).toEqual({ type: "s3", bucket: "tf-state", key: "jupyterhub/terraform.tfstate", region: "us-west-2", dynamodbTable: "tf-locks" });
    expect(() => loadConfig({ JUPYTERHUB_BACKEND: "s3", JUPYTERHUB_S3_BUCKET: "tf-state", JUPYTERHUB_S3_KEY: "k" })).toThrow(
      "JUPYTERHUB_S3_REGION is not set: JUPYTERHUB_BACKEND=s3 needs JUPYTERHUB_S3_BUCKET, JUPYTERHUB_S3_KEY and JUPYTERHUB_S3_REGION.",
    );
  });

  it("takes the platform set from JUPYTERHUB_PLATFORM, current by default", () => {
    expect(loadConfig({}).platform.name).toBe("current");
    expect(loadConfig({ JUPYTERHUB_PLATFORM: "blueprint" }).platform).toBe(PLATFORM_SETS.blueprint);
    expect(loadConfig({ JUPYTERHUB_PLATFORM: " current " }).platform).toBe(PLATFORM_SETS.current);
    expect(() => loadConfig({ JUPYTERHUB_PLATFORM: "latest" })).toThrow(ConfigError);
    expect(() => loadConfig({ JUPYTERHUB_PLATFORM: "latest" })).toThrow(
      'JUPYTERHUB_PLATFORM=latest is not a platform set: use "current" or "blueprint".',
    );
  });

  it("refuses an unknown backend", () => {
    expect(() => loadConfig({ JUPYTERHUB_BACKEND: "gcs" })).toThrow('JUPYTERHUB_BACKEND=gcs is not supported: use "local" (the default) or "s3".');
  });
});
