/**
 * YAML readings for helm values in tests.
 *
 * Helm reads values with a YAML 1.1 parser (sigs.k8s.io/yaml on go-yaml v2), where bare `On`,
 * `y` or `0755` are a boolean or a number; YAML 1.2 tools (and most editors) read them as
 * strings. Our renderer quotes such strings, so both readings of what it writes agree.
 */
import { parse } from "yaml";

/** The YAML 1.1 reading: what Helm hands to the chart's templates. */
export function parseAsHelm(text: string): unknown {
  return parse(text, { version: "1.1" });
}

/** Parses `text` as YAML 1.2 and as YAML 1.1; throws unless the two readings are the same. */
export function parseBoth(text: string): unknown {
  const v12 = parse(text);
  const v11 = parseAsHelm(text);
  if (JSON.stringify(v11) !== JSON.stringify(v12)) {
    const where = firstDifference(v11, v12, "");
    throw new Error(`YAML 1.1 and 1.2 read these values differently at ${where || "the top"}`);
  }
  return v12;
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b)
    ? undefined
    : `${path} (1.1: ${JSON.stringify(a)}, 1.2: ${JSON.stringify(b)})`;
}
