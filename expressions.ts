/**
 * The one module where Terraform expressions are written as HCL source text.
 *
 * Everywhere else, expressions are built from typed tokens: `Fn.*`, `Op.*`,
 * `conditional`, `propertyAccess`, and references taken from the construct
 * (`resource.arn`, `variable.stringValue`, `locals.x.asString`), never an
 * address typed as a string. What cdktf has no typed form for (a `for`
 * expression, `path.module`, a `dynamic` block's `for_each`, a rule that reads a
 * variable's own value in a validation) is written here, once, with a name that
 * says what it is, and is used through that name.
 *
 * In Terraform JSON a bare string is a literal; `${...}` makes it an expression.
 */

/** An HCL quoted string literal: JSON escaping is valid HCL, and template openers are escaped. */
export function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/** An HCL tuple of string literals. */
export function hclStringList(values: readonly string[]): string {
  return `[${values.map(hclString).join(", ")}]`;
}

/** Wraps HCL source so Terraform JSON evaluates it instead of reading a literal. */
export function hclExpression(source: string): string {
  return "${" + source + "}";
}
