/**
 * Terraform template helpers for tests: a string in Terraform JSON is a template whose
 * `${...}` parts Terraform evaluates. Rendered helm values are valid YAML only after that,
 * so tests substitute every interpolation before parsing.
 */

/** The interpolations of a template, in order (nested braces and quoted strings handled). */
export function interpolations(template: string): string[] {
  const found: string[] = [];
  substitute(template, (expr) => {
    found.push(expr);
    return "";
  });
  return found;
}

/**
 * Replaces each `${expr}` with `resolve(expr)`; `$${` stays a literal `${`. By default an
 * interpolation becomes `<<expr>>` with double quotes turned into single ones, so the
 * placeholder can sit inside a YAML double-quoted scalar.
 */
export function substitute(
  template: string,
  resolve: (expr: string) => string = (expr) => `<<${expr.replace(/"/g, "'")}>>`,
): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    if (template.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (template.startsWith("%%{", i)) {
      out += "%{";
      i += 3;
      continue;
    }
    if (!template.startsWith("${", i)) {
      out += template[i];
      i += 1;
      continue;
    }
    let depth = 1;
    let j = i + 2;
    let quoted = false;
    for (; j < template.length && depth > 0; j++) {
      const c = template[j];
      if (quoted) {
        if (c === "\\") j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
    }
    if (depth !== 0) throw new Error(`unterminated interpolation at ${i}: ${template.slice(i, i + 60)}`);
    out += resolve(template.slice(i + 2, j - 1));
    i = j;
  }
  return out;
}
