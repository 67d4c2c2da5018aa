/**
 * The stack of the blueprint platform set, the mirror of the HCL blueprint (the `current` set
 * is covered by test/platforms*.test.ts), and the lookups the test/stack-*.test.ts files use.
 */
import { parse as parseYaml } from "yaml";
import { PLATFORM_SETS } from "../../versions";
import { plain, synthStack } from "./synth";
import { substitute } from "./template";

export const json = synthStack({ platform: PLATFORM_SETS.blueprint });
/** Parses rendered helm values with each interpolation replaced by `<<expression>>`. */
export const parse = (values: string) => parseYaml(substitute(values));

export const resource = (type: string, name: string) => plain(json.resource[type]?.[name]);
export const data = (type: string, name: string) => plain(json.data[type]?.[name]);
export const mod = (name: string) => plain(json.module[name]);
