/**
 * review/hcl.ts, the HCL review rendering: template splitting, terraform fmt agreeing with the
 * output, and every platform set's rendering parsing back to its cdk.tf.json.
 */

import { parse } from "@cdktf/hcl2json";
import {
  hcl2jsonShape,
  renderHcl,
  soleExpression,
  templateParts,
  tidy,
  tidyTemplate,
  toBlocks,
  unclassified,
} from "../review/hcl";
import { PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";
import { runTerraform, withTerraformDir } from "./helpers/terraform";

/** Every string of a value, mapped. */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

async function fmtCheck(text: string): Promise<{ code: number; stdout: string }> {
  return withTerraformDir({ "main.tf": text }, async (dir) =>
    runTerraform(["fmt", "-check", "-diff", "main.tf"], { cwd: dir }),
  );
}

describe("the HCL review rendering", () => {
  it("splits templates into literal text and sequences, quotes and braces inside them included", () => {
    expect(templateParts('a ${f("}")} b $${c} ${x}').map((p) => p.literal)).toEqual([true, false, true, false]);
    expect(soleExpression("${a.b}")).toBe("a.b");
    expect(soleExpression("${a} ${b}")).toBeUndefined();
    expect(soleExpression('${format("%s-${x}", y)}')).toBe('format("%s-${x}", y)');
  });

  it("writes quoted strings, heredocs and aligned attributes that terraform fmt keeps as they are", async () => {
    const text = renderHcl({
      resource: {
        t: {
          n: {
            a: "x",
            long_name: 'say "${var.x}" \\ done',
            values: ['a: 1\n  b: ${f("q")}\n\nc: 3\n'],
            script: "line\nEOT\n",
            ref: "${var.y}",
            list: ["a", "b"],
            object: { "key.with/dots": 1, k: { nested: true } },
            depends_on: ["t.m"],
            lifecycle: { ignore_changes: ["tags"] },
          },
        },
      },
      variable: { v: { type: "list(string)", default: [] } },
    });
    expect(text).toContain("  values = [\n    <<-EOT\n      a: 1\n");
    expect(text).toContain("<<-EOT2\n");
    expect(text).toContain("  ref    = var.y\n");
    expect(text).toContain("  type    = list(string)\n");
    expect(await fmtCheck(text)).toMatchObject({ code: 0, stdout: "" });
  });

  it("tidies only the whitespace of expressions", () => {
    expect(tidy('merge(a, {"k" = 1})')).toBe('merge(a, { "k" = 1 })');
    expect(tidy('[for c in x : c if (c != "{a}")]')).toBe('[for c in x : c if(c != "{a}")]');
  });

  for (const platform of ["current", "blueprint"] as const) {
    describe(`of the ${platform} stack`, () => {
      const json = synthStack(platform === "blueprint" ? { platform: PLATFORM_SETS.blueprint } : {});
      const text = renderHcl(json);

      it("classifies every nested object as a block or an attribute", () => {
        expect(unclassified(json)).toEqual([]);
      });

      it("is what terraform fmt writes", async () => {
        const result = await fmtCheck(text);
        expect(result.stdout).toBe("");
        expect(result.code).toBe(0);
      });

      it("parses to the configuration of cdk.tf.json", async () => {
        const parsed = await parse("main.tf", text);
        const expected = mapStrings(hcl2jsonShape(toBlocks(json)), tidyTemplate);
        expect(parsed).toEqual(expected);
        // The tidying changed nothing but whitespace outside string literals.
        const squeeze = (s: string) => s.replace(/\s+/g, "");
        expect(mapStrings(expected, squeeze)).toEqual(mapStrings(hcl2jsonShape(toBlocks(json)), squeeze));
      });

      it("writes helm values as heredocs", () => {
        expect(text).toMatch(/values = \[\n\s+<<-EOT\n/);
        expect(text).toMatch(/jupyterhub_values = \{\n\s+cognito = <<-EOT\n/);
      });
    });
  }
});
