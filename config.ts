/**
 * Synth-time configuration: what is fixed when the Terraform JSON is written (as opposed to
 * plan-time choices, which stay Terraform variables; see variables.ts).
 *
 * The settings live in a committed project file, jupyterhub.config.json, so that every shell,
 * CI job and lifecycle script synthesizes the same stack. Environment variables override
 * single settings (and every override is reported), they are never the only source.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { type NotebookProfile, notebookProfiles } from "./profiles";
import { isPlatformName, PLATFORM_NAMES, PLATFORM_SETS, type PlatformSet, UPGRADE_PATH } from "./versions";

/** The directory of the synthesized stack, relative to the project root. */
export const STACK_NAME = "jupyterhub";
export const STACK_DIR = path.posix.join("cdktf.out", "stacks", STACK_NAME);

/** The project file, relative to the project root (JUPYTERHUB_CONFIG names another one). */
export const CONFIG_FILE = "jupyterhub.config.json";

/**
 * Written beside cdk.tf.json at every synth: the settings that stack was synthesized with,
 * including what cannot go into cdk.tf.json (the absolute path of a state file outside the
 * project). The lifecycle scripts read it; it never leaves cdktf.out/ (ignored by git).
 */
export const SETTINGS_FILE = "settings.json";

/** The project root: the directory of this file. */
export const PROJECT_ROOT = __dirname;

/** The Terraform version S3-native state locking needs (versions.ts). */
export { S3_LOCKFILE_TERRAFORM_VERSION } from "./versions";

export interface LocalBackendSettings {
  readonly type: "local";
  /**
   * The state file. Inside the project: relative to the project root, written into
   * cdk.tf.json. Outside it: absolute, given to `terraform init -backend-config=path=...`
   * by the lifecycle scripts, so no machine path enters cdk.tf.json.
   */
  readonly path: string;
  readonly location: "project" | "outside";
}

export interface S3BackendSettings {
  readonly type: "s3";
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** Server-side encryption of the state object; on unless the project file turns it off. */
  readonly encrypt: boolean;
  /** Terraform's S3-native lock file (Terraform 1.11+); on unless turned off. */
  readonly useLockfile: boolean;
  /** A DynamoDB lock table, the older locking; optional (both may be used together). */
  readonly dynamodbTable?: string;
}

/**
 * HCP Terraform (or Terraform Enterprise at another hostname): the `cloud` block, one
 * workspace by name. The API token never goes into the project file: `terraform login
 * <hostname>` or TF_TOKEN_<hostname with dots as underscores> in the environment.
 */
export interface CloudBackendSettings {
  readonly type: "cloud";
  readonly organization: string;
  readonly workspace: string;
  /** app.terraform.io (HCP Terraform) unless a Terraform Enterprise hostname is set. */
  readonly hostname: string;
}

export type BackendSettings = LocalBackendSettings | S3BackendSettings | CloudBackendSettings;

export const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";

/** The environment variable Terraform reads the API token of `hostname` from. */
export function tokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/\./g, "_").replace(/-/g, "__")}`;
}

export interface ProjectConfig {
  readonly backend: BackendSettings;
  /** The platform version set (versions.ts): `current` by default, `blueprint` for adoption, `upgrade-N` on the way between. */
  readonly platform: PlatformSet;
  /** The notebook profiles JupyterHub offers (profiles/notebooks.ts by default). */
  readonly profiles: readonly NotebookProfile[];
}

/** Where the settings came from: the project file and the environment overrides applied. */
export interface ConfigSources {
  readonly file: string;
  readonly overrides: readonly string[];
}

export const DEFAULT_STATE_FILE = "terraform.tfstate";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The project file's shape, as written in JSON. */
export interface ConfigFileContent {
  platform?: string;
  backend?: Record<string, unknown>;
}

const TOP_KEYS = ["$comment", "platform", "backend"] as const;
const BACKEND_KEYS = {
  local: ["type", "path"],
  s3: ["type", "bucket", "key", "region", "encrypt", "use_lockfile", "dynamodb_table"],
  cloud: ["type", "organization", "workspace", "hostname"],
} as const;

function set(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

function checkKeys(where: string, object: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(
        `${where}: unknown setting "${key}"; allowed: ${allowed.filter((k) => k !== "$comment").join(", ")}.`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringSetting(where: string, object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !value.trim()) {
    throw new ConfigError(`${where}: "${key}" must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value.trim();
}

function booleanSetting(where: string, object: Record<string, unknown>, key: string): boolean | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean")
    throw new ConfigError(`${where}: "${key}" must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

function booleanEnv(env: Env, key: string): boolean | undefined {
  const value = set(env, key);
  if (value === undefined) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ConfigError(`${key}=${value} must be "true" or "false".`);
}

/** The platform set: JUPYTERHUB_PLATFORM, else the project file, else `current`. */
function resolvePlatform(where: string, file: ConfigFileContent, env: Env, overrides: string[]): PlatformSet {
  const fromEnv = set(env, "JUPYTERHUB_PLATFORM");
  if (fromEnv !== undefined) overrides.push(`JUPYTERHUB_PLATFORM=${fromEnv}`);
  const name = fromEnv ?? file.platform ?? "current";
  if (!isPlatformName(name)) {
    const source = fromEnv !== undefined ? `JUPYTERHUB_PLATFORM=${name}` : `${where}: "platform": "${name}"`;
    throw new ConfigError(
      `${source} is not a platform set: use ${PLATFORM_NAMES.map((n) => `"${n}"`).join(" or ")}. ` +
        `"current" (the default) deploys supported versions; "blueprint" keeps the HCL blueprint's components for ` +
        `adopting a running deployment (docs/versions.md).`,
    );
  }
  return PLATFORM_SETS[name];
}

/** A local state path, resolved against the project root. */
function localBackend(raw: string, source: string, root: string): LocalBackendSettings {
  const portable = raw.replace(/\\/g, "/");
  if (path.posix.isAbsolute(portable) || path.isAbsolute(raw) || /^[A-Za-z]:/.test(portable)) {
    return { type: "local", path: path.resolve(raw), location: "outside" };
  }
  const normalized = path.posix.normalize(portable);
  if (normalized === "cdktf.out" || normalized.startsWith("cdktf.out/")) {
    throw new ConfigError(
      `${source} points into cdktf.out/, which a clean synth may delete: keep the ` +
        `state elsewhere, e.g. terraform.tfstate.`,
    );
  }
  if (normalized === ".." || normalized.startsWith("../")) {
    return { type: "local", path: path.resolve(root, normalized), location: "outside" };
  }
  return { type: "local", path: normalized, location: "project" };
}

/**
 * Resolves the settings from the project file's content and the environment (overrides).
 * Pure: `loadConfig` reads the file. `where` names the file in messages.
 */
export function resolveConfig(
  content: unknown,
  env: Env,
  where: string = CONFIG_FILE,
  root: string = PROJECT_ROOT,
): { config: ProjectConfig; overrides: string[] } {
  if (!isObject(content))
    throw new ConfigError(
      `${where}: must hold a JSON object such as {"platform": "current", "backend": {"type": "local"}}.`,
    );
  checkKeys(where, content, TOP_KEYS);
  if (content.platform !== undefined && typeof content.platform !== "string") {
    throw new ConfigError(`${where}: "platform" must be a string ("current" or "blueprint").`);
  }
  const file: ConfigFileContent = content as ConfigFileContent;
  const overrides: string[] = [];
  const platform = resolvePlatform(where, file, env, overrides);

  const backendFile = file.backend ?? { type: "local" };
  if (!isObject(backendFile)) throw new ConfigError(`${where}: "backend" must be an object such as {"type": "local"}.`);
  const fileType = backendFile.type ?? "local";
  const envType = set(env, "JUPYTERHUB_BACKEND");
  if (envType !== undefined) overrides.push(`JUPYTERHUB_BACKEND=${envType}`);
  const type = envType ?? fileType;
  // Settings of the file's backend apply only when the environment keeps its type.
  const fromFile = type === fileType ? backendFile : { type };
  const bw = `${where}: backend`;
  if (typeof type !== "string" || !(type in BACKEND_KEYS)) {
    const source = envType !== undefined ? `JUPYTERHUB_BACKEND=${envType}` : `${bw}: "type": ${JSON.stringify(type)}`;
    throw new ConfigError(
      `${source} is not supported: use "local" (the default), "s3" or "cloud" (HCP Terraform / Terraform Enterprise).`,
    );
  }
  if (type === "cloud" && "token" in fromFile) {
    throw new ConfigError(
      `${bw}: "token" does not belong in the project file (it is committed): run terraform login, or set ` +
        `${tokenVariable(typeof fromFile.hostname === "string" ? fromFile.hostname : DEFAULT_CLOUD_HOSTNAME)} ` +
        `in the environment.`,
    );
  }
  checkKeys(bw, fromFile, BACKEND_KEYS[type as keyof typeof BACKEND_KEYS]);

  const override = (key: string): string | undefined => {
    const value = set(env, key);
    if (value !== undefined) overrides.push(`${key}=${value}`);
    return value;
  };

  if (type === "local") {
    const envPath = override("JUPYTERHUB_STATE_FILE");
    const raw = envPath ?? stringSetting(bw, fromFile, "path") ?? DEFAULT_STATE_FILE;
    const source = envPath !== undefined ? `JUPYTERHUB_STATE_FILE=${raw}` : `${bw}: "path": "${raw}"`;
    return { config: { platform, profiles: notebookProfiles, backend: localBackend(raw, source, root) }, overrides };
  }

  if (type === "cloud")
    return {
      config: { platform, profiles: notebookProfiles, backend: cloudBackend(bw, where, fromFile, override) },
      overrides,
    };

  const s3 = (key: string, envKey: string): string => {
    const value = override(envKey) ?? stringSetting(bw, fromFile, key);
    if (!value) {
      throw new ConfigError(
        `the S3 backend needs "${key}": set it in ${where} ("backend": {"type": "s3", "bucket": ..., "key": ..., ` +
          `"region": ...}) or with ${envKey}.`,
      );
    }
    return value;
  };
  const bucket = s3("bucket", "JUPYTERHUB_S3_BUCKET");
  const key = s3("key", "JUPYTERHUB_S3_KEY");
  const region = s3("region", "JUPYTERHUB_S3_REGION");
  const encryptEnv = booleanEnv(env, "JUPYTERHUB_S3_ENCRYPT");
  if (encryptEnv !== undefined) overrides.push(`JUPYTERHUB_S3_ENCRYPT=${encryptEnv}`);
  const lockEnv = booleanEnv(env, "JUPYTERHUB_S3_USE_LOCKFILE");
  if (lockEnv !== undefined) overrides.push(`JUPYTERHUB_S3_USE_LOCKFILE=${lockEnv}`);
  const table = override("JUPYTERHUB_S3_DYNAMODB_TABLE") ?? stringSetting(bw, fromFile, "dynamodb_table");
  const encrypt = encryptEnv ?? booleanSetting(bw, fromFile, "encrypt") ?? true;
  const useLockfile = lockEnv ?? booleanSetting(bw, fromFile, "use_lockfile") ?? true;
  if (!useLockfile && !table) {
    throw new ConfigError(
      `${bw}: the S3 backend must lock its state: keep "use_lockfile": true (the default, Terraform 1.11+) ` +
        `or name a DynamoDB lock table in "dynamodb_table".`,
    );
  }
  return {
    config: {
      platform,
      profiles: notebookProfiles,
      backend: { type: "s3", bucket, key, region, encrypt, useLockfile, ...(table ? { dynamodbTable: table } : {}) },
    },
    overrides,
  };
}

const CLOUD_NAME = /^[A-Za-z0-9_-]{1,90}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;

function cloudBackend(
  bw: string,
  where: string,
  fromFile: Record<string, unknown>,
  override: (key: string) => string | undefined,
): CloudBackendSettings {
  const setting = (key: string, envKey: string): string | undefined => {
    const fromEnv = override(envKey);
    const value = fromEnv ?? stringSetting(bw, fromFile, key);
    return value === undefined ? undefined : value;
  };
  const required = (key: string, envKey: string): string => {
    const value = setting(key, envKey);
    if (!value) {
      throw new ConfigError(
        `the cloud backend needs "${key}": set it in ${where} ("backend": {"type": "cloud", "organization": ..., ` +
          `"workspace": ...}) or with ${envKey}.`,
      );
    }
    if (!CLOUD_NAME.test(value)) {
      throw new ConfigError(
        `${bw}: "${key}": "${value}" is not an HCP Terraform name (letters, digits, "-" and "_", at most 90).`,
      );
    }
    return value;
  };
  const organization = required("organization", "JUPYTERHUB_TFC_ORGANIZATION");
  const workspace = required("workspace", "JUPYTERHUB_TFC_WORKSPACE");
  const hostname = setting("hostname", "JUPYTERHUB_TFC_HOSTNAME") ?? DEFAULT_CLOUD_HOSTNAME;
  if (!HOSTNAME.test(hostname)) {
    throw new ConfigError(
      `${bw}: "hostname": "${hostname}" is not a host name: give the Terraform ` +
        `Enterprise host alone, e.g. "tfe.example.com" (no https://, no path).`,
    );
  }
  return { type: "cloud", organization, workspace, hostname };
}

/**
 * Reads the project file (JUPYTERHUB_CONFIG, else jupyterhub.config.json in the project root)
 * and applies the environment's overrides:
 * - JUPYTERHUB_PLATFORM: "current" or "blueprint" (versions.ts).
 * - JUPYTERHUB_BACKEND: "local", "s3" or "cloud".
 * - local: JUPYTERHUB_STATE_FILE (relative to the project root, or absolute).
 * - s3: JUPYTERHUB_S3_BUCKET, _KEY, _REGION, _DYNAMODB_TABLE, _ENCRYPT, _USE_LOCKFILE.
 * - cloud: JUPYTERHUB_TFC_ORGANIZATION, _WORKSPACE, _HOSTNAME.
 * A missing or unreadable file is an error: nothing falls back to a guess.
 */
export function loadConfig(
  env: Env = process.env,
  root: string = PROJECT_ROOT,
): ProjectConfig & { sources: ConfigSources } {
  const named = set(env, "JUPYTERHUB_CONFIG");
  const file = path.resolve(root, named ?? CONFIG_FILE);
  const where = named ?? CONFIG_FILE;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `${where} not found (${file}): ` +
            `${named ? "check JUPYTERHUB_CONFIG" : `restore it with git checkout -- ${CONFIG_FILE}`}.`
        : `${where} cannot be read (${file}): ${(error as Error).message}`,
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  const { config, overrides } = resolveConfig(content, env, where, root);
  return { ...config, sources: { file, overrides } };
}

/** The local backend's path as Terraform sees it from the synthesized stack directory. */
export function statePathFromStackDir(stateFile: string): string {
  return path.posix.relative(STACK_DIR, stateFile);
}

/** One line naming the backend and its state, for messages. */
export function describeBackend(backend: BackendSettings, root: string = PROJECT_ROOT): string {
  if (backend.type === "local") {
    const where = backend.location === "project" ? path.join(root, backend.path) : backend.path;
    const how =
      backend.location === "project" ? "" : " (outside the project: terraform init gets -backend-config=path=...)";
    return `local state file ${where}${how}`;
  }
  if (backend.type === "cloud") {
    return (
      `HCP Terraform workspace ${backend.organization}/${backend.workspace} at ${backend.hostname} ` +
      `(token from terraform login or ${tokenVariable(backend.hostname)})`
    );
  }
  const locks = [
    backend.useLockfile ? "S3 lock file" : "",
    backend.dynamodbTable ? `DynamoDB table ${backend.dynamodbTable}` : "",
  ].filter(Boolean);
  return (
    `S3 s3://${backend.bucket}/${backend.key} in ${backend.region} ` +
    `(${backend.encrypt ? "encrypted" : "NOT encrypted"}, locked by ` +
    `${locks.join(" and ")})`
  );
}

/** What synth writes beside cdk.tf.json (SETTINGS_FILE): the scripts read it. */
export interface SynthSettings {
  readonly platform: string;
  readonly backend: string;
  readonly description: string;
  /** Arguments `terraform init` needs beyond the stack's own backend block. */
  readonly initArgs: readonly string[];
  /** The local state file, absolute; absent for S3 and cloud. */
  readonly stateFile?: string;
  readonly configFile: string;
  readonly overrides: readonly string[];
  /**
   * The upgrade path (versions.ts UPGRADE_PATH) for scripts/upgrade.sh, one tab-separated
   * line per stage: platform set, Karpenter version, karpenter-crd version ("-": none), node
   * image family, JupyterHub chart version, title. The script recognises a live cluster's
   * stage by these facts.
   */
  readonly upgradePath: readonly string[];
  /** The Kubernetes version the control plane stages end at: the current set's default. */
  readonly kubernetesTarget: string;
}

/** The upgrade path as the lines of SynthSettings.upgradePath. */
export function upgradePathLines(): string[] {
  return UPGRADE_PATH.map(({ platform, title }) => {
    const set = PLATFORM_SETS[platform];
    return [
      set.name,
      set.karpenter.version,
      set.karpenterCrd?.version ?? "-",
      set.nodeImage.family,
      set.charts.jupyterhub.version,
      title,
    ].join("\t");
  });
}

export function synthSettings(
  config: ProjectConfig,
  sources: ConfigSources,
  root: string = PROJECT_ROOT,
): SynthSettings {
  const backend = config.backend;
  const local = backend.type === "local";
  return {
    platform: config.platform.name,
    backend: backend.type,
    description: describeBackend(backend, root),
    initArgs: local && backend.location === "outside" ? [`-backend-config=path=${backend.path}`] : [],
    ...(local ? { stateFile: backend.location === "project" ? path.join(root, backend.path) : backend.path } : {}),
    configFile: sources.file,
    overrides: sources.overrides,
    upgradePath: upgradePathLines(),
    kubernetesTarget: PLATFORM_SETS.current.kubernetes.default,
  };
}
