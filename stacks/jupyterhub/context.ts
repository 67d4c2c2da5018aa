/**
 * What the parts of the stack share: the StackContext (platform set, variables and the
 * blueprint's main.tf locals) and `defineLocal`, which writes a local under its blueprint name.
 */

import { TerraformLocal, type TerraformStack } from "cdktf";
import type { BlueprintVariables } from "../../variables";
import type { PlatformSet } from "../../versions";

/** The blueprint's `locals` of main.tf, shared by every file of the stack. */
export interface Locals {
  readonly name: TerraformLocal;
  readonly region: TerraformLocal;
  readonly azs: TerraformLocal;
  readonly tags: TerraformLocal;
}

/** What each part of the stack may read: the variables and the shared locals. */
export interface StackContext {
  /** The platform version set the stack is synthesized for (versions.ts). */
  readonly platform: PlatformSet;
  readonly vars: BlueprintVariables;
  readonly locals: Locals;
}

/** A map-typed local as a value that can be passed to typed inputs. */
export function tagsOf(locals: Locals): Record<string, string> {
  return locals.tags.asStringMap;
}

/**
 * A `locals` entry named `name`. Construct ids are unique per scope and variables already
 * use the blueprint's names (`name`, `region`), so the construct id differs and the
 * Terraform name is set explicitly.
 */
export function defineLocal(stack: TerraformStack, name: string, expression: unknown): TerraformLocal {
  const local = new TerraformLocal(stack, `local_${name}`, expression);
  local.overrideLogicalId(name);
  return local;
}
