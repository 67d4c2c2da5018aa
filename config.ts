import * as path from "node:path";
import { NotebookProfile, notebookProfiles } from "./profiles";
import { PLATFORM_NAMES, PLATFORM_SETS, PlatformSet, isPlatformName } from "./versions";

/**
 * Synth-time configuration: what is fixed when the Terraform JSON is written (as opposed to
 * plan-time choices, which stay Terraform variables; see variables.ts).
 *
 * Read from the environment so that `npm run synth`, `cdktf synth` and the lifecycle scripts
 * all see the same settings without editing code.
 */

/** The directory of the synthesized stack, relative to the project root. */
export const STACK_NAME = "jupyterhub";
export const STACK_DIR = path.posix.join("cdktf.out", "stacks", STACK_NAME);

export interface LocalBackendSettings {
  readonly type: "local";
  /** The state file, relative to the project root. */
  readonly path: string;
}

export interface S3BackendSettings {
  readonly type: "s3";
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly dynamodbTable?: string;
}

export type BackendSettings = LocalBackendSettings | S3BackendSettings;

export interface ProjectConfig {
  readonly backend: BackendSettings;
  /** The platform version set (versions.ts): `current` by default, `blueprint` for adoption. */
  readonly platform: PlatformSet;
  /** The notebook profiles JupyterHub offers (profiles/notebooks.ts by default). */
  readonly profiles: readonly NotebookProfile[];
}

export const DEFAULT_STATE_FILE = "terraform.tfstate";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, key: string, why: string): string {
  const value = env[key]?.trim();
  if (!value) {
    throw new ConfigError(`${key} is not set: ${why}`);
  }
  return value;
}

/** The platform set named by JUPYTERHUB_PLATFORM: `current` (the default) or `blueprint`. */
export function loadPlatform(env: Env = process.env): PlatformSet {
  const name = env.JUPYTERHUB_PLATFORM?.trim() || "current";
  if (!isPlatformName(name)) {
    throw new ConfigError(
      `JUPYTERHUB_PLATFORM=${name} is not a platform set: use ${PLATFORM_NAMES.map((n) => `"${n}"`).join(" or ")}. ` +
        `"current" (the default) deploys supported versions; "blueprint" keeps the HCL blueprint's components for ` +
        `adopting a running deployment (docs/versions.md).`,
    );
  }
  return PLATFORM_SETS[name];
}

/**
 * Reads the configuration:
 * - JUPYTERHUB_PLATFORM: "current" (default) or "blueprint" (versions.ts).
 * - JUPYTERHUB_BACKEND: "local" (default) or "s3".
 * - local: JUPYTERHUB_STATE_FILE, a path relative to the project root (default terraform.tfstate).
 * - s3: JUPYTERHUB_S3_BUCKET, JUPYTERHUB_S3_KEY, JUPYTERHUB_S3_REGION, optional JUPYTERHUB_S3_DYNAMODB_TABLE.
 */
export function loadConfig(env: Env = process.env): ProjectConfig {
  const platform = loadPlatform(env);
  const kind = (env.JUPYTERHUB_BACKEND ?? "local").trim() || "local";
  if (kind === "local") {
    const file = (env.JUPYTERHUB_STATE_FILE ?? DEFAULT_STATE_FILE).trim() || DEFAULT_STATE_FILE;
    const normalized = path.posix.normalize(file.replace(/\\/g, "/"));
    if (path.posix.isAbsolute(normalized) || /^[A-Za-z]:/.test(normalized)) {
      throw new ConfigError(
        `JUPYTERHUB_STATE_FILE=${file} is absolute: give a path relative to the project root ` +
          `(e.g. JUPYTERHUB_STATE_FILE=state/prod.tfstate) so the synthesized JSON is the same on every machine.`,
      );
    }
    if (normalized === ".." || normalized.startsWith("../") || normalized.startsWith("cdktf.out/")) {
      throw new ConfigError(
        `JUPYTERHUB_STATE_FILE=${file} points ${normalized.startsWith("cdktf.out/") ? "into cdktf.out/, which a clean synth may delete" : "outside the project"}: ` +
          `keep the state inside the project root, e.g. JUPYTERHUB_STATE_FILE=terraform.tfstate.`,
      );
    }
    return { backend: { type: "local", path: normalized }, platform, profiles: notebookProfiles };
  }
  if (kind === "s3") {
    const why = "JUPYTERHUB_BACKEND=s3 needs JUPYTERHUB_S3_BUCKET, JUPYTERHUB_S3_KEY and JUPYTERHUB_S3_REGION.";
    const table = env.JUPYTERHUB_S3_DYNAMODB_TABLE?.trim();
    return {
      platform,
      profiles: notebookProfiles,
      backend: {
        type: "s3",
        bucket: required(env, "JUPYTERHUB_S3_BUCKET", why),
        key: required(env, "JUPYTERHUB_S3_KEY", why),
        region: required(env, "JUPYTERHUB_S3_REGION", why),
        ...(table ? { dynamodbTable: table } : {}),
      },
    };
  }
  throw new ConfigError(`JUPYTERHUB_BACKEND=${kind} is not supported: use "local" (the default) or "s3".`);
}

/** The local backend's path as Terraform sees it from the synthesized stack directory. */
export function statePathFromStackDir(stateFile: string): string {
  return path.posix.relative(STACK_DIR, stateFile);
}
