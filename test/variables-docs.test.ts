/**
 * docs/variables.md against variables.ts: the generated reference table is current and every
 * variable has its row in the hand-written sections.
 */

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  BEGIN_MARKER,
  END_MARKER,
  VARIABLES_DOC,
  variablesReference,
  withVariablesReference,
} from "../scripts/docs-variables";
import { variableSpecs } from "../variables";
import { PLATFORM_SETS } from "../versions";

// docs/variables.md against the declaration in variables.ts: the reference table is generated,
// the rules are explained by hand, one row per variable.

const ROOT = resolve(__dirname, "..");
const doc = readFileSync(join(ROOT, VARIABLES_DOC), "utf8");
const names = variableSpecs(PLATFORM_SETS.current).map((s) => s.name);

/** The rows `| \`name\` | ...` of the Markdown table that follows `heading`, by variable. */
function tableRows(heading: string): Map<string, string> {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
  const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` \|(.*)$/gm)];
  return new Map(rows.map((m) => [m[1], m[2]]));
}

describe(VARIABLES_DOC, () => {
  it("holds the reference table generated from variables.ts (else: npm run docs:variables)", () => {
    expect(doc.split(BEGIN_MARKER).length, "one begin marker").toBe(2);
    expect(doc.split(END_MARKER).length, "one end marker").toBe(2);
    expect(
      withVariablesReference(doc) === doc,
      `${VARIABLES_DOC} is out of date with variables.ts: run npm run docs:variables`,
    ).toBe(true);
  });

  it("generates one row per variable, in the declaration's order, with each set's default", () => {
    const rows = [...variablesReference().matchAll(/^\| `([a-z0-9_]+)` \| ([^|]+) \| (.*?) \| (no|\*\*yes\*\*) \|/gm)];
    expect(rows.map((r) => r[1])).toEqual(names);
    const row = (name: string) => rows.find((r) => r[1] === name)!;
    expect(row("secondary_cidr_blocks")[2]).toBe("list(string)");
    expect(row("oauth_jupyter_client_secret")[4]).toBe("**yes**");
    expect(row("notebook_s3_read_all")[3]).toBe("`false`");
    expect(row("eks_cluster_version")[3]).toContain(`\`"${PLATFORM_SETS.current.kubernetes.default}"\` (\`current\``);
    expect(row("eks_cluster_version")[3]).toContain(
      `\`"${PLATFORM_SETS.blueprint.kubernetes.default}"\` (\`blueprint\``,
    );
  });

  it("explains the rules of every variable, one row each, in the declaration's order", () => {
    const rules = tableRows("Validation rules");
    expect([...rules.keys()]).toEqual(names);
    for (const [name, rule] of rules) expect(rule.trim().length, name).toBeGreaterThan(10);
  });
});
