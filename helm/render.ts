/**
 * Rendering of helm values objects into YAML strings that can be placed in a
 * Terraform JSON `values = [...]` list.
 *
 * Two layers meet here:
 *  1. YAML: built from plain objects with the `yaml` library (no string
 *     concatenation), block style, no line folding, keys in insertion order.
 *     Output is written against the YAML 1.1 schema so that strings such as
 *     "On", "off", "y" or "0755" come out quoted: Helm reads values with a
 *     YAML 1.1 style parser and would otherwise turn them into booleans or
 *     numbers. The text parses to the same value under YAML 1.1 and 1.2.
 *  2. Terraform: every string in Terraform JSON is a template. Literal `${`
 *     and `%{` are escaped as `$${` and `%%{`; cdktf tokens (strings such as
 *     `${TfToken[TOKEN.12]}`) stay live so that synthesis turns them into
 *     `${module.eks.cluster_name}` and the like.
 */
import { Token } from "cdktf";
import { Document, Scalar, visit } from "yaml";

// The encoding cdktf uses for string tokens (cdktf/lib/tokens/private/encoding).
const STRING_TOKEN_SOURCE = String.raw`\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}`;

/** True when the string contains at least one cdktf string token. */
function hasStringToken(s: string): boolean {
  return new RegExp(STRING_TOKEN_SOURCE).test(s);
}

export interface YamlOptions {
  /**
   * Indent block sequences under their parent key (`key:\n  - a`). When false
   * the dash sits at the parent's indentation (`key:\n- a`). Default true.
   */
  indentSequences?: boolean;
}

// List and map tokens (`#{TfToken[...]}`, `&{TfToken[...]}`) have no YAML form.
const COLLECTION_TOKEN = /[#&]\{TfToken\[/;

function collectionTokenError(path: string): Error {
  return new Error(
    `helm values at ${path}: list or map tokens cannot be embedded in YAML; pass a ` +
      `string token (e.g. Fn.jsonencode of the list) instead`,
  );
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Walks the input, rejecting values the renderer cannot represent faithfully:
 * non-plain objects that are cdktf tokens (IResolvable), list and map tokens,
 * and things YAML has no reasonable form for (functions, symbols, bigint).
 */
function checkRenderable(value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  switch (typeof value) {
    case "string":
      if (COLLECTION_TOKEN.test(value) || (Token.isUnresolved(value) && !hasStringToken(value))) {
        throw collectionTokenError(path);
      }
      return;
    case "number":
    case "boolean":
      return;
    case "object":
      if (Array.isArray(value)) {
        if (Token.isUnresolved(value)) throw collectionTokenError(path);
        value.forEach((item, i) => {
          checkRenderable(item, `${path}[${i}]`);
        });
        return;
      }
      if (!isPlainObject(value)) {
        throw new Error(
          `helm values at ${path}: only plain objects, arrays, strings, numbers, booleans ` +
            `and null can be rendered (got ` +
            `${value.constructor?.name ?? "an object"}${Token.isUnresolved(value) ? ", an unresolved token: convert it with Token.asString" : ""})`,
        );
      }
      if (Token.isUnresolved(value)) throw collectionTokenError(path);
      for (const [k, v] of Object.entries(value)) checkRenderable(v, path === "" ? k : `${path}.${k}`);
      return;
    default:
      throw new Error(`helm values at ${path}: a ${typeof value} cannot be rendered as YAML`);
  }
}

function buildDocument(value: unknown, options: YamlOptions): string {
  checkRenderable(value, "");
  const doc = new Document(value, { version: "1.1" });
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === "number" && Token.isUnresolved(node.value)) {
        // A number token is a sentinel double; turn it into its string form
        // and keep it plain so the substituted value reads back as a number.
        node.value = Token.asString(node.value);
        node.type = Scalar.PLAIN;
      } else if (typeof node.value === "string" && hasStringToken(node.value)) {
        // The substituted text is unknown at synth time: double quotes keep it
        // a string whatever it looks like (a name such as "true" or "1e3"),
        // provided it contains no `"` or `\` (true of names, ARNs, regions,
        // DNS names).
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: options.indentSequences ?? true,
    blockQuote: "literal",
  });
}

/**
 * Plain YAML text of a value (no Terraform escaping). Use it for documents
 * nested as strings inside other values; the outer toHelmValues call escapes
 * them with everything else.
 */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  return buildDocument(value, options);
}

/**
 * Escapes literal Terraform template sequences in text that may contain cdktf
 * string tokens, keeping the tokens live.
 *
 * Besides `${` -> `$${` and `%{` -> `%%{`, two situations right before a token
 * need care:
 *  - a literal `$` (or run of them) directly before a token would form `$${`
 *    with the token's own `${` and disable the interpolation; the run is
 *    written as the interpolation `${"$"}` instead;
 *  - cdktf treats a non-token `${` as the start of a raw expression until the
 *    next `}` and renders tokens inside it without braces. When a literal part
 *    ends inside such a region, an empty interpolation `${""}` is appended: it
 *    closes the region for cdktf and renders as nothing in Terraform.
 */
export function escapeTerraformTemplate(text: string): string {
  const parts = text.split(new RegExp(`(${STRING_TOKEN_SOURCE})`));
  // split with one capture group alternates literal, token, literal, ...
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i % 2 === 1) {
      out += part;
      continue;
    }
    let lit = part.replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`);
    if (i + 1 < parts.length) {
      const dollars = /\$+$/.exec(lit);
      if (dollars !== null) {
        lit = `${lit.slice(0, dollars.index)}\${"${dollars[0]}"}`;
      } else if (lit.lastIndexOf("${") > lit.lastIndexOf("}")) {
        lit += '${""}';
      }
    }
    out += lit;
  }
  return out;
}

/**
 * Renders helm values as a YAML string for a Terraform JSON `values` list:
 * YAML 1.1-safe block style without folding, literal block scalars for
 * multi-line strings, literal `${`/`%{` escaped for Terraform, cdktf tokens
 * kept as interpolations (double-quoted when they are, or are part of, a
 * string value; plain when they stand for a number).
 */
export function toHelmValues(values: unknown): string {
  return escapeTerraformTemplate(buildDocument(values, {}));
}
