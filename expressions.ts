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

// Variable rule expressions
//
// The validation rules and value checks of variables.ts are built from typed tokens; what
// follows are the few forms cdktf 0.21 has no typed (or no correct) form for. Each hole of
// `hcl` is resolved as an expression: a reference (`variable.stringValue`), an `Fn.*`/`Op.*`
// token, a number, or a plain string, which becomes a quoted literal.

import * as cdktfForRules from "cdktf";

type RuleOperand = unknown;

function ruleOperand(context: cdktfForRules.IResolveContext, value: RuleOperand): string {
  if (typeof value === "string" && !cdktfForRules.Token.isUnresolved(value)) return hclString(value);
  return String(context.resolve(value));
}

class RuleHcl implements cdktfForRules.IResolvable {
  public readonly creationStack: string[] = [];
  constructor(
    private readonly strings: readonly string[],
    private readonly holes: readonly RuleOperand[],
  ) {}
  resolve(context: cdktfForRules.IResolveContext): string {
    const braces = !context.suppressBraces;
    context.suppressBraces = true;
    const text = this.strings.reduce((out, s, i) => out + s + (i < this.holes.length ? ruleOperand(context, this.holes[i]) : ""), "");
    return braces ? hclExpression(text) : text;
  }
  toString(): string {
    return cdktfForRules.Token.asString(this);
  }
}

/** HCL source with typed holes, for the forms below. */
export function hcl(strings: TemplateStringsArray, ...holes: RuleOperand[]): cdktfForRules.IResolvable {
  return new RuleHcl(strings, holes);
}

/**
 * A literal where cdktf cannot write one: a string with a double quote or a backslash (a
 * regular expression: cdktf quotes a plain string argument without escaping either, and
 * `Fn.rawString` escapes the quote but not the backslash, which HCL then reads as an escape
 * sequence), and a falsy right operand of `Op.*` (cdktf 0.21 writes `Op.gt(x, 0)` as
 * `x > undefined`, and the same for `""` and `false`).
 */
export function literal(value: string | number | boolean): cdktfForRules.IResolvable {
  return new RuleHcl([typeof value === "string" ? hclString(value) : String(value)], []);
}

/** The HCL `null`: cdktf writes a JavaScript null operand as `undefined`. */
export const hclNull: cdktfForRules.IResolvable = new RuleHcl(["null"], []);

/** `collection[index]`: cdktf's `propertyAccess` writes a number index in the legacy form `collection.0`. */
export function indexOf(collection: RuleOperand, index: number): cdktfForRules.IResolvable {
  return hcl`${collection}[${index}]`;
}

/**
 * `lookup({ "k" = "v", ... }, key, fallback)`: cdktf's `Fn.lookup` drops a falsy default
 * (`""`) and writes `map[key]`, which fails where lookup returns the default.
 */
export function lookupOr(map: readonly (readonly [string, string])[], key: RuleOperand, fallback: string): cdktfForRules.IResolvable {
  const entries = map.map(([k, v]) => `${hclString(k)} = ${hclString(v)}`).join(", ");
  return new RuleHcl([`lookup({ ${entries} }, `, `, ${hclString(fallback)})`], [key]);
}

/** A `for` expression's loop variable: cdktf's typed `forExpression` names them only `key, val`. */
const loopVariable = (name: string): string => cdktfForRules.Token.asString(cdktfForRules.ref(name));

/** `alltrue([for <as> in list : test])`: true when every item passes (and for an empty list). */
export function everyItem(list: RuleOperand, as: string, test: (item: string) => RuleOperand): cdktfForRules.IResolvable {
  return new RuleHcl([`alltrue([for ${as} in `, " : ", "])"], [list, test(loopVariable(as))]);
}

/** `anytrue([for <as> in list : test])`. */
export function someItem(list: RuleOperand, as: string, test: (item: string) => RuleOperand): cdktfForRules.IResolvable {
  return new RuleHcl([`anytrue([for ${as} in `, " : ", "])"], [list, test(loopVariable(as))]);
}

/** `[for <as> in list : <as> if test]`: the items that pass. */
export function itemsWhere(list: RuleOperand, as: string, test: (item: string) => RuleOperand): cdktfForRules.IResolvable {
  return new RuleHcl([`[for ${as} in `, ` : ${as} if `, "]"], [list, test(loopVariable(as))]);
}

type PairTest = (i: string, a: string, j: string, b: string) => RuleOperand;
const pair = (test: PairTest) => test(loopVariable("i"), loopVariable("a"), loopVariable("j"), loopVariable("b"));

/** `alltrue(flatten([for i, a in list : [for j, b in list : test]]))`: every ordered pair passes. */
export function everyPair(list: RuleOperand, test: PairTest): cdktfForRules.IResolvable {
  return new RuleHcl(["alltrue(flatten([for i, a in ", " : [for j, b in ", " : ", "]]))"], [list, list, pair(test)]);
}

/** `flatten([for i, a in list : [for j, b in list : value if test]])`: a value per pair that passes. */
export function pairsWhere(list: RuleOperand, value: PairTest, test: PairTest): cdktfForRules.IResolvable {
  return new RuleHcl(["flatten([for i, a in ", " : [for j, b in ", " : ", " if ", "]])"], [list, list, pair(value), pair(test)]);
}
