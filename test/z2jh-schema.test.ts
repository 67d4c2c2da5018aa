/**
 * The synthesized JupyterHub values of every auth mode and platform set, merged with the chart
 * defaults and validated against the z2jh values schema (fixtures in test/fixtures/z2jh).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";
import { substitute } from "./helpers/template";

const blueprint = synthStack({ platform: PLATFORM_SETS.blueprint });
const valuesOf = (mode: string, j = blueprint) => parseYaml(substitute(j.locals.jupyterhub_values[mode]));

/**
 * The z2jh chart validates its merged values (chart defaults, then ours) against its JSON schema
 * before it renders anything. Fixtures: the schema and defaults of each chart version the platform
 * sets use (test/fixtures/z2jh).
 */
describe("JupyterHub values against the z2jh chart's values schema", () => {
  /** Helm's coalescing: maps merge key by key, a null removes the key, anything else replaces. */
  function coalesce(defaults: unknown, values: unknown): unknown {
    if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(values)) {
      if (v === null) delete out[k];
      else out[k] = k in out ? coalesce(out[k], v) : v;
    }
    return out;
  }
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

  function validator(chart: string) {
    const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "z2jh", `${chart}.json`), "utf8"));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(fixture.schema);
    return (values: unknown) => {
      const merged = coalesce(fixture.defaults, values);
      return validate(merged)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    };
  }

  it.each([
    ["blueprint", "3.2.1"],
    ["current", "4.4.0"],
  ] as const)("%s set (chart %s): every mode's values are valid", (set, chart) => {
    const j = synthStack({ platform: PLATFORM_SETS[set] });
    expect(j.module.eks_data_addons.jupyterhub_helm_config.version).toBe(chart);
    const check = validator(chart);
    for (const mode of ["dummy", "cognito", "oauth"]) expect(check(valuesOf(mode, j)), `${set} ${mode}`).toEqual([]);
  });

  it("would catch a value the chart refuses (the check can fail)", () => {
    const check = validator("3.2.1");
    const broken = valuesOf("cognito");
    broken.singleuser.extraFiles["aws-config"] = { stringData: "x" }; // mountPath is required
    broken.singleuser.uid = "1000"; // an integer
    expect(check(broken).join("\n")).toMatch(/must have required property 'mountPath'/);
    expect(check(broken).join("\n")).toMatch(/\/singleuser\/uid must be integer,null/);
  });
});
