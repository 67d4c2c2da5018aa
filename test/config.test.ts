/**
 * config.ts: the committed project file, how settings resolve from it and the environment
 * (platform set; local, S3 and HCP Terraform backends; errors), and the synth settings.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CONFIG_FILE,
  ConfigError,
  describeBackend,
  loadConfig,
  resolveConfig,
  statePathFromStackDir,
  synthSettings,
  tokenVariable,
  upgradePathLines,
} from "../config";
import { notebookProfiles } from "../profiles";
import { PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";

const ROOT = "/project";
const resolve = (content: unknown, env: Record<string, string> = {}) => resolveConfig(content, env, CONFIG_FILE, ROOT);
const s3File = {
  backend: { type: "s3", bucket: "tf-state", key: "jupyterhub/terraform.tfstate", region: "us-west-2" },
};

describe("the committed project file", () => {
  it("holds the defaults: the current platform and a local state in the project root", () => {
    const content = JSON.parse(fs.readFileSync(path.join(__dirname, "..", CONFIG_FILE), "utf8"));
    expect(content.platform).toBe("current");
    expect(content.backend).toEqual({ type: "local", path: "terraform.tfstate" });
    const config = loadConfig({});
    expect(config.platform).toBe(PLATFORM_SETS.current);
    expect(config.backend).toEqual({ type: "local", path: "terraform.tfstate", location: "project" });
    expect(config.sources.overrides).toEqual([]);
  });
});

describe("resolveConfig", () => {
  it("defaults to a local state file in the project root and the shipped profiles", () => {
    expect(resolve({})).toEqual({
      config: {
        backend: { type: "local", path: "terraform.tfstate", location: "project" },
        platform: PLATFORM_SETS.current,
        profiles: notebookProfiles,
      },
      overrides: [],
    });
    expect(statePathFromStackDir("terraform.tfstate")).toBe("../../../terraform.tfstate");
    expect(statePathFromStackDir("state/prod.tfstate")).toBe("../../../state/prod.tfstate");
  });

  it("takes a relative state file from the file, and from JUPYTERHUB_STATE_FILE as a reported override", () => {
    expect(resolve({ backend: { type: "local", path: "./state//prod.tfstate" } }).config.backend).toEqual({
      type: "local",
      path: "state/prod.tfstate",
      location: "project",
    });
    const { config, overrides } = resolve(
      { backend: { type: "local", path: "a.tfstate" } },
      { JUPYTERHUB_STATE_FILE: "b.tfstate" },
    );
    expect(config.backend).toEqual({ type: "local", path: "b.tfstate", location: "project" });
    expect(overrides).toEqual(["JUPYTERHUB_STATE_FILE=b.tfstate"]);
  });

  it("uses a state file outside the project where it lies, through partial backend configuration", () => {
    for (const [raw, abs] of [
      ["/var/lib/tf/terraform.tfstate", "/var/lib/tf/terraform.tfstate"],
      ["../blueprint/terraform.tfstate", "/blueprint/terraform.tfstate"],
    ]) {
      const { config } = resolve({ backend: { type: "local", path: raw } });
      expect(config.backend).toEqual({ type: "local", path: abs, location: "outside" });
      const settings = synthSettings(config, { file: "/project/jupyterhub.config.json", overrides: [] }, ROOT);
      expect(settings.initArgs).toEqual([`-backend-config=path=${abs}`]);
      expect(settings.stateFile).toBe(abs);
    }
  });

  it("refuses a state file inside cdktf.out/", () => {
    expect(() => resolve({ backend: { type: "local", path: "cdktf.out/terraform.tfstate" } })).toThrow(
      /points into cdktf.out\/, which a clean synth may delete/,
    );
  });

  it("configures an S3 backend, encrypted and locked by a lock file unless told otherwise", () => {
    expect(resolve(s3File).config.backend).toEqual({
      type: "s3",
      bucket: "tf-state",
      key: "jupyterhub/terraform.tfstate",
      region: "us-west-2",
      encrypt: true,
      useLockfile: true,
    });
    expect(
      resolve({ backend: { ...s3File.backend, use_lockfile: false, dynamodb_table: "tf-locks", encrypt: false } })
        .config.backend,
    ).toEqual({
      type: "s3",
      bucket: "tf-state",
      key: "jupyterhub/terraform.tfstate",
      region: "us-west-2",
      encrypt: false,
      useLockfile: false,
      dynamodbTable: "tf-locks",
    });
  });

  it("refuses an S3 backend without any lock", () => {
    expect(() => resolve({ backend: { ...s3File.backend, use_lockfile: false } })).toThrow(
      /the S3 backend must lock its state: keep "use_lockfile": true/,
    );
  });

  it("lets the environment switch to S3 and names what is missing", () => {
    expect(() =>
      resolve({}, { JUPYTERHUB_BACKEND: "s3", JUPYTERHUB_S3_BUCKET: "tf-state", JUPYTERHUB_S3_KEY: "k" }),
    ).toThrow(
      'the S3 backend needs "region": set it in jupyterhub.config.json ("backend": ' +
        '{"type": "s3", "bucket": ..., "key": ..., "region": ...}) or with ' +
        "JUPYTERHUB_S3_REGION.",
    );
    const { config, overrides } = resolve(
      {},
      {
        JUPYTERHUB_BACKEND: "s3",
        JUPYTERHUB_S3_BUCKET: "b",
        JUPYTERHUB_S3_KEY: "k",
        JUPYTERHUB_S3_REGION: "eu-west-1",
        JUPYTERHUB_S3_ENCRYPT: "true",
      },
    );
    expect(config.backend).toMatchObject({
      type: "s3",
      bucket: "b",
      key: "k",
      region: "eu-west-1",
      encrypt: true,
      useLockfile: true,
    });
    expect(overrides).toEqual([
      "JUPYTERHUB_BACKEND=s3",
      "JUPYTERHUB_S3_BUCKET=b",
      "JUPYTERHUB_S3_KEY=k",
      "JUPYTERHUB_S3_REGION=eu-west-1",
      "JUPYTERHUB_S3_ENCRYPT=true",
    ]);
    expect(() => resolve(s3File, { JUPYTERHUB_S3_ENCRYPT: "yes" })).toThrow(
      'JUPYTERHUB_S3_ENCRYPT=yes must be "true" or "false".',
    );
  });

  it("configures HCP Terraform by organization and workspace, app.terraform.io unless a hostname is set", () => {
    const cloud = { backend: { type: "cloud", organization: "acme", workspace: "jupyterhub-prod" } };
    expect(resolve(cloud).config.backend).toEqual({
      type: "cloud",
      organization: "acme",
      workspace: "jupyterhub-prod",
      hostname: "app.terraform.io",
    });
    expect(resolve({ backend: { ...cloud.backend, hostname: "tfe.example.com" } }).config.backend).toMatchObject({
      hostname: "tfe.example.com",
    });
    const { config, overrides } = resolve(cloud, {
      JUPYTERHUB_TFC_WORKSPACE: "jupyterhub-staging",
      JUPYTERHUB_TFC_HOSTNAME: "tfe.example.com",
    });
    expect(config.backend).toEqual({
      type: "cloud",
      organization: "acme",
      workspace: "jupyterhub-staging",
      hostname: "tfe.example.com",
    });
    expect(overrides).toEqual([
      "JUPYTERHUB_TFC_WORKSPACE=jupyterhub-staging",
      "JUPYTERHUB_TFC_HOSTNAME=tfe.example.com",
    ]);
    // The environment alone can switch to it, like the S3 backend.
    expect(
      resolve({}, { JUPYTERHUB_BACKEND: "cloud", JUPYTERHUB_TFC_ORGANIZATION: "acme", JUPYTERHUB_TFC_WORKSPACE: "hub" })
        .config.backend,
    ).toEqual({ type: "cloud", organization: "acme", workspace: "hub", hostname: "app.terraform.io" });
  });

  it("refuses an incomplete or malformed cloud backend, and a token in the project file", () => {
    expect(() => resolve({ backend: { type: "cloud", organization: "acme" } })).toThrow(
      'the cloud backend needs "workspace": set it in jupyterhub.config.json ' +
        '("backend": {"type": "cloud", "organization": ..., "workspace": ...}) or with ' +
        "JUPYTERHUB_TFC_WORKSPACE.",
    );
    expect(() => resolve({}, { JUPYTERHUB_BACKEND: "cloud", JUPYTERHUB_TFC_WORKSPACE: "hub" })).toThrow(
      /needs "organization"/,
    );
    expect(() => resolve({ backend: { type: "cloud", organization: "acme", workspace: "hub prod" } })).toThrow(
      '"workspace": "hub prod" is not an HCP Terraform name',
    );
    expect(() =>
      resolve({
        backend: { type: "cloud", organization: "acme", workspace: "hub", hostname: "https://tfe.example.com" },
      }),
    ).toThrow(/"hostname": "https:\/\/tfe.example.com" is not a host name/);
    expect(() => resolve({ backend: { type: "cloud", organization: "acme", workspace: "hub", token: "x" } })).toThrow(
      'jupyterhub.config.json: backend: "token" does not belong in the project file ' +
        "(it is committed): run terraform login, or set TF_TOKEN_app_terraform_io in " +
        "the environment.",
    );
    expect(() => resolve({ backend: { type: "cloud", organization: "acme", workspace: "hub", bucket: "b" } })).toThrow(
      'unknown setting "bucket"; allowed: type, organization, workspace, hostname.',
    );
    expect(tokenVariable("tfe.my-corp.example")).toBe("TF_TOKEN_tfe_my__corp_example");
  });

  it("takes the platform set from the file, JUPYTERHUB_PLATFORM overriding it", () => {
    expect(resolve({ platform: "blueprint" }).config.platform).toBe(PLATFORM_SETS.blueprint);
    expect(resolve({ platform: "blueprint" }, { JUPYTERHUB_PLATFORM: " current " }).config.platform).toBe(
      PLATFORM_SETS.current,
    );
    expect(() => resolve({}, { JUPYTERHUB_PLATFORM: "latest" })).toThrow(
      'JUPYTERHUB_PLATFORM=latest is not a platform set: use "current" or "blueprint" ' +
        'or "upgrade-1" or "upgrade-2" or "upgrade-3" or "upgrade-4".',
    );
    expect(() => resolve({ platform: "latest" })).toThrow(
      'jupyterhub.config.json: "platform": "latest" is not a platform set',
    );
  });

  it("accepts the upgrade stages as platform sets, in the file and in JUPYTERHUB_PLATFORM", () => {
    for (const name of ["upgrade-1", "upgrade-2", "upgrade-3", "upgrade-4"] as const) {
      expect(resolve({ platform: name }).config.platform, name).toBe(PLATFORM_SETS[name]);
      expect(resolve({ platform: "blueprint" }, { JUPYTERHUB_PLATFORM: name }).config.platform, name).toBe(
        PLATFORM_SETS[name],
      );
    }
    expect(() => resolve({ platform: "upgrade-5" })).toThrow('"platform": "upgrade-5" is not a platform set');
  });

  it("refuses unknown settings, wrong types and unknown backends, naming the setting", () => {
    expect(() => resolve({ platfrom: "current" })).toThrow(
      'jupyterhub.config.json: unknown setting "platfrom"; allowed: platform, backend.',
    );
    expect(() => resolve({ backend: { type: "local", bucket: "x" } })).toThrow(
      'jupyterhub.config.json: backend: unknown setting "bucket"; allowed: type, path.',
    );
    expect(() => resolve({ backend: { ...s3File.backend, encrypt: "yes" } })).toThrow(
      '"encrypt" must be true or false, got "yes".',
    );
    expect(() => resolve({}, { JUPYTERHUB_BACKEND: "gcs" })).toThrow(
      'JUPYTERHUB_BACKEND=gcs is not supported: use "local" (the default), "s3" or ' +
        '"cloud" (HCP Terraform / Terraform Enterprise).',
    );
    expect(() => resolve([])).toThrow(ConfigError);
  });

  it("describes the backend in one line", () => {
    expect(describeBackend(resolve({}).config.backend, ROOT)).toBe("local state file /project/terraform.tfstate");
    expect(describeBackend(resolve(s3File).config.backend)).toBe(
      "S3 s3://tf-state/jupyterhub/terraform.tfstate in us-west-2 (encrypted, locked by S3 lock file)",
    );
    expect(
      describeBackend(resolve({ backend: { type: "cloud", organization: "acme", workspace: "hub" } }).config.backend),
    ).toBe(
      "HCP Terraform workspace acme/hub at app.terraform.io (token from terraform login or TF_TOKEN_app_terraform_io)",
    );
  });

  it("synthesizes the cloud block exactly, with no backend block and no token", () => {
    const backend = resolve({
      backend: { type: "cloud", organization: "acme", workspace: "jupyterhub-prod", hostname: "tfe.example.com" },
    }).config.backend;
    const terraform = synthStack({ backend }).terraform;
    expect(terraform.cloud).toEqual({
      hostname: "tfe.example.com",
      organization: "acme",
      workspaces: { name: "jupyterhub-prod" },
    });
    expect(terraform.backend).toBeUndefined();
    expect(terraform.required_version).toBe(">= 1.9.0");
    const settings = synthSettings(
      { ...resolve({}).config, backend },
      { file: "/project/jupyterhub.config.json", overrides: [] },
      ROOT,
    );
    expect(settings).toMatchObject({ backend: "cloud", initArgs: [] });
    expect(settings.stateFile).toBeUndefined();
  });
});

describe("loadConfig", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jh-config-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the file JUPYTERHUB_CONFIG names, relative to the project root", () => {
    fs.writeFileSync(path.join(dir, "prod.json"), JSON.stringify({ platform: "blueprint" }));
    expect(loadConfig({ JUPYTERHUB_CONFIG: "prod.json" }, dir).platform).toBe(PLATFORM_SETS.blueprint);
  });

  it("refuses a missing or broken file instead of falling back to defaults", () => {
    expect(() => loadConfig({}, dir)).toThrow(
      /jupyterhub.config.json not found .*: restore it with git checkout -- jupyterhub.config.json/,
    );
    expect(() => loadConfig({ JUPYTERHUB_CONFIG: "nope.json" }, dir)).toThrow(
      /nope.json not found .*: check JUPYTERHUB_CONFIG/,
    );
    fs.writeFileSync(path.join(dir, "broken.json"), "{");
    expect(() => loadConfig({ JUPYTERHUB_CONFIG: "broken.json" }, dir)).toThrow(/broken.json is not valid JSON/);
  });
});

describe("the upgrade path in the synth settings", () => {
  it("lists every stage with the facts upgrade.sh recognises it by, and the fakes model the same path", () => {
    const lines = upgradePathLines();
    expect(lines.map((l) => l.split("\t")[0])).toEqual([
      "blueprint",
      "upgrade-1",
      "upgrade-2",
      "upgrade-3",
      "upgrade-4",
      "current",
    ]);
    for (const l of lines) expect(l.split("\t")).toHaveLength(6);
    // test/fixtures/fakebin/lib/stages.tsv is what the fake synth writes: same facts.
    const fixture = fs
      .readFileSync(path.join(__dirname, "fixtures", "fakebin", "lib", "stages.tsv"), "utf8")
      .trim()
      .split("\n");
    expect(fixture.map((l) => l.split("\t").slice(0, 5))).toEqual(lines.map((l) => l.split("\t").slice(0, 5)));
    expect(synthSettings(resolve({}).config, { file: "f", overrides: [] }, ROOT).kubernetesTarget).toBe(
      PLATFORM_SETS.current.kubernetes.default,
    );
  });
});
