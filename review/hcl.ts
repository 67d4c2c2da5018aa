/**
 * Renders the synthesized Terraform JSON (cdk.tf.json) as HCL for review: the same
 * configuration in the syntax Terraform teams read, with `${...}`-only strings as bare
 * expressions and multi-line strings (helm values, scripts) as `<<-EOT` heredocs.
 *
 * Terraform decides from a provider's schema whether a nested JSON object is a block or an
 * attribute; the JSON does not say. BLOCKS names the nested blocks this stack uses (from the
 * providers' documentation, as the HCL blueprint writes them); every other nested object is
 * an attribute. The tests fail on a nested object that neither BLOCKS nor ATTRIBUTE_OBJECTS
 * names, so a new one is classified on purpose, not by default.
 *
 * `//` keys (cdktf's construct metadata) are left out: they are not configuration.
 */

export type Value = string | number | boolean | null | Expr | Value[] | { [key: string]: Value };
/** A string Terraform JSON reads as an expression (a type, a reference in depends_on). */
export interface Expr {
  readonly expr: string;
}
export interface Attribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: Value;
}
export interface Block {
  readonly kind: "block";
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: Body;
}
export type Body = readonly (Attribute | Block)[];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Nested blocks by the type of the enclosing block ("resource.TYPE", "data.TYPE", "provider.NAME", ...). */
export const BLOCKS: Readonly<Record<string, readonly string[]>> = {
  "*": ["lifecycle", "provisioner", "connection", "precondition", "postcondition"],
  terraform: ["required_providers", "cloud"],
  "terraform.cloud": ["workspaces"],
  variable: ["validation"],
  check: ["assert"],
  "provider.helm": ["kubernetes", "registry", "experiments"],
  "provider.helm.kubernetes": ["exec"],
  "provider.kubernetes": ["exec"],
  "data.archive_file": ["source"],
  "data.aws_iam_policy_document": ["statement"],
  "data.aws_iam_policy_document.statement": ["principals", "not_principals", "condition"],
  "resource.aws_cognito_identity_pool": ["cognito_identity_providers"],
  "resource.aws_cognito_user_pool": [
    "lambda_config",
    "password_policy",
    "admin_create_user_config",
    "account_recovery_setting",
    "schema",
  ],
  "resource.aws_cognito_user_pool_client": ["token_validity_units"],
  "resource.aws_security_group": ["ingress", "egress"],
  "resource.kubernetes_annotations": ["metadata"],
  "resource.kubernetes_namespace": ["metadata"],
  "resource.kubernetes_secret_v1": ["metadata"],
  "resource.kubernetes_service_account_v1": ["metadata"],
  "resource.kubernetes_storage_class": ["metadata"],
};

/** Nested objects that are attributes (maps and objects), named so the tests can tell them from unclassified ones. */
export const ATTRIBUTE_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  "terraform.required_providers": ["*"],
  "resource.aws_cognito_identity_pool_provider_principal_tag": ["principal_tags"],
  "resource.aws_cognito_identity_pool_roles_attachment": ["roles"],
  "resource.kubernetes_annotations": ["annotations"],
  "resource.kubernetes_secret_v1": ["data"],
  "resource.kubernetes_secret_v1.metadata": ["annotations", "labels"],
  "resource.kubernetes_service_account_v1.metadata": ["annotations", "labels"],
  "resource.kubernetes_storage_class.metadata": ["annotations", "labels"],
  "resource.kubernetes_namespace.metadata": ["annotations", "labels"],
  "resource.kubernetes_storage_class": ["parameters"],
  locals: ["*"],
  module: ["*"],
  output: ["*"],
  variable: ["default"],
};

/** Whether Terraform JSON reads this attribute's strings as expressions (references, types), not templates. */
function expressionAttribute(path: string, name: string): boolean {
  if (name === "depends_on") return true;
  if (name === "provider") return path.startsWith("resource.") || path.startsWith("data.");
  if (name === "type") return path === "variable";
  return (name === "from" || name === "to") && (path === "removed" || path === "moved" || path === "import");
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asExpressions(name: string, value: Json): Value {
  if (typeof value === "string") return { expr: value };
  if (Array.isArray(value)) return value.map((v) => asExpressions(name, v));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asExpressions(name, v)]));
  return value;
}

function toValue(value: Json): Value {
  if (Array.isArray(value)) return value.map(toValue);
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, toValue(v)]),
    );
  return value;
}

/** A block's body; `path` names the block's kind for BLOCKS ("resource.aws_iam_role"). */
function toBody(path: string, object: JsonObject, meta = true): Body {
  const blocks = new Set([...(meta ? BLOCKS["*"] : []), ...(BLOCKS[path] ?? [])]);
  const items: (Attribute | Block)[] = [];
  for (const [name, value] of Object.entries(object)) {
    if (name === "//") continue;
    if (name === "dynamic" && isObject(value)) {
      // dynamic "label" { for_each = ...; content { ... } }: the content is the named block's body.
      for (const [label, spec] of Object.entries(value)) {
        if (!isObject(spec) || !isObject(spec.content))
          throw new Error(`${path}.dynamic.${label}: expected for_each and content`);
        const { content, ...args } = spec;
        const body: (Attribute | Block)[] = Object.entries(args).map(([k, v]) => ({
          kind: "attribute",
          name: k,
          value: toValue(v),
        }));
        body.push({ kind: "block", type: "content", labels: [], body: toBody(`${path}.${label}`, content, false) });
        items.push({ kind: "block", type: "dynamic", labels: [label], body });
      }
      continue;
    }
    if (blocks.has(name)) {
      for (const body of Array.isArray(value) ? value : [value]) {
        if (!isObject(body)) throw new Error(`${path}.${name}: a block must be an object, got ${JSON.stringify(body)}`);
        items.push({ kind: "block", type: name, labels: [], body: toBody(`${path}.${name}`, body, false) });
      }
    } else if (name === "providers" && path.startsWith("module") && isObject(value)) {
      items.push({ kind: "attribute", name, value: asExpressions(name, value) });
    } else if (expressionAttribute(path, name)) {
      items.push({ kind: "attribute", name, value: asExpressions(name, value) });
    } else if (name === "ignore_changes" && path.endsWith("lifecycle") && value !== "all") {
      items.push({ kind: "attribute", name, value: asExpressions(name, value) });
    } else {
      items.push({ kind: "attribute", name, value: toValue(value) });
    }
  }
  return items;
}

/** The Terraform JSON of a stack as HCL blocks, in the JSON's order. */
export function toBlocks(config: JsonObject): Block[] {
  const blocks: Block[] = [];
  const block = (type: string, labels: string[], body: Body) => blocks.push({ kind: "block", type, labels, body });
  for (const [kind, value] of Object.entries(config)) {
    if (kind === "//") continue;
    if (!isObject(value) && !Array.isArray(value))
      throw new Error(`unexpected top-level ${kind}: ${JSON.stringify(value)}`);
    if (kind === "terraform" && isObject(value)) {
      const { backend, ...rest } = value;
      const body: (Attribute | Block)[] = [...toBody("terraform", rest, false)];
      if (isObject(backend)) {
        for (const [type, settings] of Object.entries(backend))
          body.push({
            kind: "block",
            type: "backend",
            labels: [type],
            body: toBody(`backend.${type}`, settings as JsonObject, false),
          });
      }
      // The backend first, as a human writes it.
      body.sort(
        (a, b) =>
          Number(b.kind === "block" && b.type === "backend") - Number(a.kind === "block" && a.type === "backend"),
      );
      block("terraform", [], body);
    } else if (kind === "locals" && isObject(value)) {
      block("locals", [], toBody("locals", value, false));
    } else if (kind === "resource" || kind === "data") {
      for (const [type, named] of Object.entries(value as JsonObject)) {
        for (const [name, body] of Object.entries(named as JsonObject))
          block(kind, [type, name], toBody(`${kind}.${type}`, body as JsonObject));
      }
    } else if (kind === "provider") {
      for (const [name, list] of Object.entries(value as JsonObject)) {
        for (const body of Array.isArray(list) ? list : [list])
          block("provider", [name], toBody(`provider.${name}`, body as JsonObject, false));
      }
    } else if (Array.isArray(value)) {
      // removed, moved, import: unlabeled, repeatable.
      for (const body of value) block(kind, [], toBody(kind, body as JsonObject));
    } else {
      // module, variable, output, check: one label.
      for (const [name, body] of Object.entries(value)) block(kind, [name], toBody(kind, body as JsonObject));
    }
  }
  return blocks;
}

// ---------------------------------------------------------------- templates

/**
 * Splits a template string into literal text and `${...}`/`%{...}` sequences. The scanner
 * follows quoted strings and braces inside a sequence, so `"${a} ${b}"` is two sequences.
 */
export function templateParts(text: string): { literal: boolean; text: string }[] {
  const parts: { literal: boolean; text: string }[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      literal += text.slice(i, i + 3);
      i += 3;
    } else if (text.startsWith("${", i) || text.startsWith("%{", i)) {
      const end = sequenceEnd(text, i + 2);
      if (literal) parts.push({ literal: true, text: literal });
      literal = "";
      parts.push({ literal: false, text: text.slice(i, end + 1) });
      i = end + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push({ literal: true, text: literal });
  return parts;
}

/** The index of the `}` that closes the sequence whose body starts at `start`. */
function sequenceEnd(text: string, start: number): number {
  const stack: ("brace" | "string")[] = ["brace"];
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (top === "string") {
      if (c === "\\") i += 1;
      else if (c === '"') stack.pop();
      else if ((c === "$" || c === "%") && text[i + 1] === "{") {
        if (text[i - 1] === c) continue;
        stack.push("brace");
        i += 1;
      }
    } else if (c === '"') stack.push("string");
    else if (c === "{") stack.push("brace");
    else if (c === "}") {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  throw new Error(`unterminated template sequence in ${JSON.stringify(text.slice(0, 80))}`);
}

/** The expression of a string that is one `${...}` and nothing else, else undefined. */
export function soleExpression(text: string): string | undefined {
  const parts = templateParts(text);
  if (parts.length !== 1 || parts[0].literal || !parts[0].text.startsWith("${")) return undefined;
  const inner = parts[0].text.slice(2, -1);
  // `${~ x ~}` strip markers have no bare form.
  return inner.startsWith("~") || inner.endsWith("~") ? undefined : inner;
}

function quote(text: string): string {
  return `"${templateParts(text)
    .map((p) =>
      p.literal
        ? p.text
            .replace(/\\/g, "\\\\")
            .replace(/"/g, '\\"')
            .replace(/\n/g, "\\n")
            .replace(/\r/g, "\\r")
            .replace(/\t/g, "\\t")
        : tidySequence(p.text),
    )
    .join("")}"`;
}

/**
 * An expression's spacing as terraform fmt writes it: `{ a = 1 }`, `if(`. Only whitespace
 * outside string literals changes; cdktf writes object constructors as `{"a" = 1}`.
 */
export function tidy(expr: string): string {
  let out = "";
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"') {
      const end = stringEnd(expr, i);
      out += expr.slice(i, end + 1);
      i = end;
    } else if (c === "{" && i + 1 < expr.length && !/[\s}]/.test(expr[i + 1])) out += "{ ";
    else if (c === "}" && i > 0 && !/[\s{]/.test(expr[i - 1])) out += " }";
    else if (expr.startsWith("if (", i) && !/[A-Za-z0-9_]/.test(expr[i - 1] ?? "")) {
      out += "if(";
      i += 3;
    } else out += c;
  }
  return out;
}

/** A template string with its interpolations tidied (what the rendering writes inside quotes). */
export function tidyTemplate(text: string): string {
  return templateParts(text)
    .map((p) => (p.literal ? p.text : tidySequence(p.text)))
    .join("");
}

function tidySequence(sequence: string): string {
  return sequence.startsWith("${") && !sequence.startsWith("${~") && !sequence.endsWith("~}")
    ? `\${${tidy(sequence.slice(2, -1))}}`
    : sequence;
}

/** The index of the quote that closes the string literal opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i += 1;
    else if (text[i] === '"') return i;
    else if ((text[i] === "$" || text[i] === "%") && text[i + 1] === "{" && text[i - 1] !== text[i])
      i = sequenceEnd(text, i + 2);
  }
  throw new Error(`unterminated string in ${JSON.stringify(text.slice(0, 80))}`);
}

/** A heredoc marker not used as a line of the text. */
function marker(text: string): string {
  let name = "EOT";
  const lines = new Set(text.split("\n").map((l) => l.trim()));
  for (let n = 2; lines.has(name); n++) name = `EOT${n}`;
  return name;
}

/** Whether a string goes into a heredoc: several lines, a final newline, one line not indented (`<<-` strips the common indent). */
function heredocable(text: string): boolean {
  if (!text.endsWith("\n") || !text.slice(0, -1).includes("\n") || /[\r\t]/.test(text)) return false;
  return text.split("\n").some((line) => line.length > 0 && line[0] !== " ");
}

// ---------------------------------------------------------------- rendering

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const isExpr = (value: Value): value is Expr =>
  isObjectValue(value) && "expr" in value && Object.keys(value).length === 1 && typeof value.expr === "string";
function isObjectValue(value: Value): value is { [key: string]: Value } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function key(name: string): string {
  if (name.includes("${") || name.includes("%{"))
    throw new Error(`an object key with a template has no HCL form here: ${name}`);
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** A value on one line, or undefined when it needs several. */
function inline(value: Value): string | undefined {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "string") {
    if (heredocable(value)) return undefined;
    const sole = soleExpression(value);
    return sole === undefined ? quote(value) : tidy(sole);
  }
  if (isExpr(value)) return value.expr;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => (isObjectValue(v) && !isExpr(v) ? undefined : inline(v)));
    if (items.some((i) => i === undefined)) return undefined;
    const line = `[${items.join(", ")}]`;
    return line.length <= 80 ? line : undefined;
  }
  return Object.keys(value).length === 0 ? "{}" : undefined;
}

/** Lines of a value that starts after `name = ` at `indent` (the first line has no indent). */
function multiline(value: Value, indent: string): string[] {
  const inner = `${indent}  `;
  if (typeof value === "string") {
    const end = marker(value);
    return [
      `<<-${end}`,
      ...value
        .slice(0, -1)
        .split("\n")
        .map((l) => (l ? `${inner}${l}` : "")),
      `${indent}${end}`,
    ];
  }
  if (Array.isArray(value)) {
    const lines = ["["];
    value.forEach((item, n) => {
      const one = isObjectValue(item) && !isExpr(item) && Object.keys(item).length > 0 ? undefined : inline(item);
      if (one !== undefined) {
        lines.push(`${inner}${one},`);
        return;
      }
      const more = multiline(item, inner);
      const heredoc = typeof item === "string";
      // A heredoc's closing marker stands alone on its line: the comma goes before the next item.
      lines.push(
        `${inner}${more[0]}`,
        ...more.slice(1, -1),
        heredoc ? more[more.length - 1] : `${more[more.length - 1]},`,
      );
      if (heredoc && n < value.length - 1) lines.push(`${inner},`);
    });
    lines.push(`${indent}]`);
    return lines;
  }
  const entries = Object.entries(value as { [key: string]: Value }).map(([k, v]) => ({ name: key(k), value: v }));
  return ["{", ...assignments(entries, inner), `${indent}}`];
}

/** `name = value` lines, with the `=` of consecutive one-line assignments aligned as terraform fmt does. */
function assignments(entries: { name: string; value: Value }[], indent: string): string[] {
  const lines: string[] = [];
  let chain: { name: string; text: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...chain.map((c) => c.name.length));
    for (const c of chain) lines.push(`${indent}${c.name.padEnd(width)} = ${c.text}`);
    chain = [];
  };
  for (const { name, value } of entries) {
    const one = inline(value);
    if (one !== undefined) {
      chain.push({ name, text: one });
      continue;
    }
    const more = multiline(value, indent);
    if (typeof value === "string") {
      // terraform fmt aligns a heredoc's opening line with its neighbours.
      chain.push({ name, text: more.join("\n") });
      continue;
    }
    flush();
    lines.push(`${indent}${name} = ${more[0]}`, ...more.slice(1));
  }
  flush();
  return lines;
}

function renderBody(body: Body, indent: string): string[] {
  const lines: string[] = [];
  let run: { name: string; value: Value }[] = [];
  for (const item of body) {
    if (item.kind === "attribute") {
      run.push({ name: item.name, value: item.value });
      continue;
    }
    lines.push(...assignments(run, indent));
    run = [];
    lines.push(...renderBlock(item, indent));
  }
  lines.push(...assignments(run, indent));
  return lines;
}

function renderBlock(block: Block, indent: string): string[] {
  const head = [block.type, ...block.labels.map((l) => JSON.stringify(l))].join(" ");
  if (block.body.length === 0) return [`${indent}${head} {}`];
  return [`${indent}${head} {`, ...renderBody(block.body, `${indent}  `), `${indent}}`];
}

/** The HCL text of a stack's Terraform JSON. */
export function renderHcl(config: object, header = ""): string {
  const blocks = toBlocks(config as JsonObject).map((b) => renderBlock(b, "").join("\n"));
  return `${header}${blocks.join("\n\n")}\n`;
}

// ---------------------------------------------------------------- checks

/**
 * What @cdktf/hcl2json returns for the rendering of these blocks: blocks as lists under
 * their labels, expressions as `${...}` strings. The tests compare this with the parse.
 */
export function hcl2jsonShape(blocks: readonly Block[]): JsonObject {
  const out: JsonObject = {};
  const add = (target: JsonObject, block: Block) => {
    let node = target;
    const path = [block.type, ...block.labels];
    for (const [n, name] of path.entries()) {
      if (n === path.length - 1) {
        node[name] ??= [];
        const list = node[name] as Json[];
        list.push(shapeBody(block.body));
      } else {
        node[name] ??= {};
        node = node[name] as JsonObject;
      }
    }
  };
  const shapeBody = (body: Body): JsonObject => {
    const o: JsonObject = {};
    for (const item of body) {
      if (item.kind === "attribute") o[item.name] = shapeValue(item.value);
      else add(o, item);
    }
    return o;
  };
  const shapeValue = (value: Value): Json => {
    if (isExpr(value)) return `\${${value.expr}}`;
    if (Array.isArray(value)) return value.map(shapeValue);
    if (isObjectValue(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeValue(v)]));
    return value;
  };
  for (const block of blocks) add(out, block);
  return out;
}

/** Nested objects of a stack's JSON that neither BLOCKS nor ATTRIBUTE_OBJECTS classifies. */
export function unclassified(config: object): string[] {
  const found: string[] = [];
  const visit = (path: string, body: JsonObject) => {
    for (const [name, value] of Object.entries(body)) {
      if (name === "//") continue;
      const first = Array.isArray(value) ? value[0] : value;
      if (!isObject(first)) continue;
      if (name === "dynamic") {
        for (const [label, spec] of Object.entries(first))
          if (isObject(spec) && isObject(spec.content)) visit(`${path}.${label}`, spec.content);
        continue;
      }
      const block = [...BLOCKS["*"], ...(BLOCKS[path] ?? [])].includes(name);
      const attribute = (ATTRIBUTE_OBJECTS[path] ?? []).some((n) => n === "*" || n === name);
      if (block) visit(`${path}.${name}`, first);
      else if (!attribute) found.push(`${path}.${name}`);
    }
  };
  const c = config as Record<string, JsonObject>;
  for (const kind of ["resource", "data"])
    for (const [type, named] of Object.entries(c[kind] ?? {}))
      for (const body of Object.values(named as JsonObject)) visit(`${kind}.${type}`, body as JsonObject);
  for (const [name, list] of Object.entries(c.provider ?? {}))
    for (const body of list as unknown as JsonObject[]) visit(`provider.${name}`, body);
  for (const kind of ["module", "variable", "output", "check"])
    for (const body of Object.values(c[kind] ?? {})) visit(kind, body as JsonObject);
  const { backend: _backend, ...terraform } = (c.terraform ?? {}) as JsonObject;
  visit("terraform", terraform);
  return found;
}
