/**
 * Synthesizes the root stack in memory for tests (cached per configuration) and gives the
 * Terraform JSON a type, with helpers that list its addresses and strip cdktf's metadata.
 */

import { Testing } from "cdktf";
import { type ProjectConfig, resolveConfig, STACK_NAME } from "../../config";
import { JupyterHubStack } from "../../stacks/jupyterhub";

/** The synthesized Terraform JSON, as a plain object. */
export type TerraformJson = {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  variable: Record<string, any>;
  locals: Record<string, any>;
  data: Record<string, Record<string, any>>;
  resource: Record<string, Record<string, any>>;
  module: Record<string, Record<string, any>>;
  output: Record<string, any>;
  removed?: any[];
  check?: Record<string, any>;
};

const cache = new Map<string, TerraformJson>();

/** Synthesizes the root stack in memory (cached per configuration; the result is frozen). */
export function synthStack(overrides: Partial<ProjectConfig> = {}): TerraformJson {
  const config: ProjectConfig = { ...resolveConfig({}, {}).config, ...overrides };
  const key = JSON.stringify(config);
  let json = cache.get(key);
  if (!json) {
    const app = Testing.app();
    const stack = new JupyterHubStack(app, STACK_NAME, config);
    json = deepFreeze(JSON.parse(Testing.synth(stack)) as TerraformJson);
    cache.set(key, json);
  }
  return json;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every address of the stack: `type.name` for resources, `data.type.name`, `module.name`. */
export function addresses(json: TerraformJson): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const name of Object.keys(byName)) out.push(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const name of Object.keys(byName)) out.push(`data.${type}.${name}`);
  }
  for (const name of Object.keys(json.module ?? {})) out.push(`module.${name}`);
  return out.sort();
}

/** Strips cdktf's "//" metadata, so objects compare with what the blueprint writes. */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, plain(v)]),
    ) as T;
  }
  return value;
}
