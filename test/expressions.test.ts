/**
 * Keeps raw HCL in expressions.ts: a scan of the other sources for `${...}` expressions that
 * name an address, and how expressions.ts renders typed references.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { choose, equalsValue, hcl, lookupOrEmpty, mapWhen } from "../expressions";
import { typeScriptFiles, withoutComments } from "./helpers/sources";

const ROOT = path.resolve(__dirname, "..");

/** Where Terraform expressions are built from typed tokens only; expressions.ts holds the raw ones. */
const TYPED_ONLY = ["stacks", "helm", "profiles", "modules", "main.ts", "config.ts", "variables.ts", "versions.ts"];

/**
 * A raw HCL expression in TypeScript source: `${` (a literal one: `\${` in a template, or any
 * `${` in a quoted string) whose expression names an address: var., local., module., data.x_y.,
 * path.module/root/cwd, or a resource type (aws_, kubernetes_, helm_, random_, archive_).
 * A TypeScript interpolation `${vars.x}` or `${path.join(...)}` does not match.
 */
const ADDRESS = String.raw`(?:var|local|module|each|count)\.[A-Za-z_]|data\.[a-z0-9]+_[a-z0-9_]+\.|path\.(?:module|root|cwd)\b|(?:aws|kubernetes|helm|random|archive)_[a-z0-9_]+\.[A-Za-z_]`;
const RAW_EXPRESSION = new RegExp(String.raw`\$\{[^}\n]{0,200}?(?<![A-Za-z0-9_.])(?:${ADDRESS})`);

function rawExpressions(text: string): string[] {
  return withoutComments(text)
    .split("\n")
    .filter((line) => RAW_EXPRESSION.test(line))
    .map((line) => line.trim());
}

describe("raw HCL expressions live in expressions.ts", () => {
  it.each(TYPED_ONLY.flatMap((entry) => typeScriptFiles(entry)))("%s writes none", (file) => {
    expect(rawExpressions(fs.readFileSync(path.join(ROOT, file), "utf8"))).toEqual([]);
  });

  it("the check finds the forms that were written before", () => {
    for (const line of [
      `values: ["\${local.jupyterhub_values[var.jupyter_hub_auth_mechanism]}"],`,
      'outputPath: "${path.module}/lambda.zip",',
      'role_name_prefix: `\\${format("%s-%s", local.name, "ebs-csi-driver-")}`,',
      'defineLocal(stack, "private_subnets", `\\${[for k, v in local.azs : cidrsubnet(var.vpc_cidr, 3, k)]}`);',
      "for_each: '${var.cognito_mfa == \"OFF\" ? [] : [true]}',",
      'const x = "${data.aws_eks_cluster_auth.this.token}";',
      "const y = '${!var.cognito_allow_self_signup}';",
      "const z = '${try(aws_cognito_user_pool_client.user_pool_client[0].client_secret, \"\")}';",
    ]) {
      expect(rawExpressions(line), line).toHaveLength(1);
    }
    for (const line of [
      "value: `aws eks --region ${vars.region.stringValue} update-kubeconfig`,",
      "const p = `${path.join(a, b)}`;",
      "namePrefix: `${locals.name.asString}-grafana-`,",
      'const department = "$${aws:PrincipalTag/department}";',
      "// e.g. ${var.x} in a comment",
      "throw new Error(`module.${id}: set exactly one`);",
    ]) {
      expect(rawExpressions(line), line).toEqual([]);
    }
  });
});

describe("expressions.ts renders typed references as bare addresses", () => {
  function synth(build: (stack: TerraformStack) => Record<string, unknown>): Record<string, { value: unknown }> {
    const stack = new TerraformStack(Testing.app(), "test");
    for (const [name, value] of Object.entries(build(stack))) new TerraformOutput(stack, name, { value });
    return JSON.parse(Testing.synth(stack)).output;
  }

  it("also after a `}` of the expression's own source, where cdktf would reopen `${`", () => {
    const out = synth((stack) => {
      const mode = new TerraformVariable(stack, "mode", { type: "string" });
      const all = new TerraformVariable(stack, "all", { type: "bool" });
      return {
        lookup: lookupOrEmpty({ "1.32": "v1" }, mode.stringValue),
        map: mapWhen({ policy: "arn" }, all.stringValue),
        nested: choose(equalsValue(mode.stringValue, "a"), hcl`"\${${mode.stringValue}}"`, mode.stringValue),
      };
    });
    expect(out.lookup.value).toBe('${lookup({ "1.32" = "v1" }, var.mode, "")}');
    expect(out.map.value).toBe('${{ for k, v in { policy = "arn" } : k => v if var.all }}');
    expect(out.nested.value).toBe('${var.mode == "a" ? "${var.mode}" : var.mode}');
  });
});
