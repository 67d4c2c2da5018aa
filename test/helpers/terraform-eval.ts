/**
 * Evaluates many Terraform expressions with the real terraform binary in one process: the
 * files go into a throw-away directory (no providers, no modules: works offline without
 * `terraform init`), the expressions into one local, and one `terraform console` run prints
 * that local as base64-encoded JSON, so console quoting cannot interfere.
 */
import { runTerraform, withTerraformDir } from "./terraform";

const RESULT_LOCAL = "__test_eval";

/**
 * `files`: relative path -> content (.tf or .tf.json; any other file, such as a template that
 * `templatefile` reads from `${path.module}`, is written as is). `expressions`: name -> HCL
 * expression. Returns name -> value, decoded from JSON.
 */
export async function evaluateAll(
  files: Record<string, string>,
  expressions: Record<string, string>,
): Promise<Record<string, unknown>> {
  const body = Object.entries(expressions)
    .map(([name, expr]) => `    ${JSON.stringify(name)} = ${expr}`)
    .join("\n");
  const evalFile = `locals {\n  ${RESULT_LOCAL} = {\n${body}\n  }\n}\n`;
  if ("__test_eval.tf" in files) throw new Error("evaluateAll: __test_eval.tf is reserved");
  return withTerraformDir({ ...files, "__test_eval.tf": evalFile }, async (cwd) => {
    const input = `base64encode(jsonencode(local.${RESULT_LOCAL}))\n`;
    const result = await runTerraform(["console"], { cwd, input });
    // Console may exit 0 after an error in an expression read from stdin: the output tells.
    const printed = /^"([A-Za-z0-9+/=]*)"$/.exec(result.stdout.trim());
    if (result.code !== 0 || !printed) {
      throw new Error(`terraform console failed (exit ${result.code}):\n${result.stderr}${result.stdout}`);
    }
    const b64 = printed[1]!;
    return JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as Record<string, unknown>;
  });
}
