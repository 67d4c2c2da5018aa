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

import { type IResolvable, type IResolveContext, Lazy, ref, Token } from "cdktf";

/** An HCL quoted string literal: JSON escaping is valid HCL, and template openers are escaped. */
function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/** Wraps HCL source so Terraform JSON evaluates it instead of reading a literal. */
function hclExpression(source: string): string {
  return `\${${source}}`;
}

// Stack expressions
//
// HCL source text here is built around typed references: `vars.x.stringValue`,
// `locals.x.asString`, `propertyAccess(resource, ...)`, `Fn.try(...)` tokens, written with the
// `hcl` template tag. cdktf writes each such token as its bare address (`var.x`,
// `aws_x.y[0].id`) inside the expression, so no address is typed here either. An `hcl`
// expression embedded in another is written without its own `${...}`.
//
// Why these have no typed form (cdktf 0.21): `for` expressions with an `if` clause or two
// variables, `path.module`, a `dynamic` block's `for_each`, a map literal inside `lookup`, and
// conditions: `Op.*` and `conditional` parenthesize every operand (`(a == b) ? 1 : 0`), which
// would change the synthesized bytes of an adopted blueprint, and `Op.*` renders the literals
// "" and 0 as `undefined`. A plain string `"${... ${token} ...}"` is no way out either: cdktf
// ends the expression at the first `}` (a map literal's, say) and writes later tokens as
// `${ ... }` again.

/** An HCL expression: literal source text, with the interpolated tokens written as bare references. */
class HclExpression implements IResolvable {
  readonly creationStack: string[] = [];
  constructor(
    private readonly literals: readonly string[],
    private readonly values: readonly unknown[],
  ) {}

  /** The source text once resolved: cdktf resolves each token many times in one synth. */
  private text?: string;

  resolve(context: IResolveContext): string {
    const outer = context.suppressBraces;
    // While preparing, cdktf records the references each token reads: always walk the values then.
    if (this.text === undefined || context.preparing) this.text = this.source(context);
    context.suppressBraces = outer;
    return outer ? this.text : hclExpression(this.text);
  }

  private source(context: IResolveContext): string {
    let text = this.literals[0];
    this.values.forEach((value, i) => {
      context.suppressBraces = true;
      // A plain string from the program is a value, so it becomes a quoted literal; HCL source
      // from the program comes in as hclSource(...).
      const resolved =
        typeof value === "string" && !Token.isUnresolved(value) ? hclString(value) : context.resolve(value);
      text += (typeof resolved === "string" ? resolved : String(resolved)) + this.literals[i + 1];
    });
    return text;
  }

  toString(): string {
    return Token.asString(this);
  }
}

/**
 * hcl`<source>`: an HCL expression as a string token, the one way this project writes what
 * cdktf has no typed form for. The template's literal text is HCL source, taken as is
 * (`\${g.bucket}` is an HCL template interpolation); each `${value}` is a typed reference, an
 * `Fn.*`/`Op.*` token or another hcl expression, written bare; a number as written; a plain
 * string as a quoted HCL literal.
 */
export function hcl(literals: TemplateStringsArray, ...values: unknown[]): string {
  return Token.asString(new HclExpression(literals.raw.map(unescapeRaw), values));
}

/** The template's raw text with only `\$`, `\\` and `` \` `` unescaped (so `\n` stays HCL's `\n`). */
function unescapeRaw(raw: string): string {
  return raw.replace(/\\([$`\\])/g, "$1");
}

/**
 * The index `n` for `propertyAccess`: a plain number is written `.0` (legacy attribute syntax),
 * a number token `[0]`, the blueprint's form.
 */
export function indexToken(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`indexToken(${n}): the index must be a whole number >= 0`);
  return Token.asNumber(Lazy.numberValue({ produce: () => n }));
}

/** `<reference> == "<literal>"`. */
export function equalsValue(reference: string, literal: string): string {
  return hcl`${reference} == ${literal}`;
}

/** `<reference> != "<literal>"`. */
export function notEqualsValue(reference: string, literal: string): string {
  return hcl`${reference} != ${literal}`;
}

/** Synth-time HCL source (literals from the program, never addresses) as a value for `hcl`. */
function hclSource(source: string): IResolvable {
  return new HclExpression([source], []);
}

/** `<a> && <b>`. */
export function both(a: string, b: string): string {
  return hcl`${a} && ${b}`;
}

/** `length(<list>) > 0`. */
export function nonEmpty(list: string): string {
  return hcl`length(${list}) > 0`;
}

/** `<condition> ? <whenTrue> : <whenFalse>`. */
export function choose(condition: string, whenTrue: string, whenFalse: string): string {
  return hcl`${condition} ? ${whenTrue} : ${whenFalse}`;
}

/** `count = <condition> ? 1 : 0`: a resource that exists only when the condition holds. */
export function countWhen(condition: string): number {
  return Token.asNumber(hcl`${condition} ? 1 : 0`);
}

/** `element(<list>, 0)`. */
export function firstElement(list: string): string {
  return hcl`element(${list}, 0)`;
}

/** `${path.module}/<relative>`: a file inside the synthesized stack directory. */
export function inModuleDirectory(relative: string): string {
  return `\${path.module}/${relative}`;
}

/**
 * `[for k, v in <azs> : cidrsubnet(<cidr>, <newbits>, k + <offset>)]`: one subnet CIDR per AZ
 * (the blueprint's vpc.tf locals).
 */
export function subnetCidrsPerAz(azs: string, cidr: string, newbits: number, offset = 0): string {
  const netnum = hclSource(offset === 0 ? "k" : `k + ${offset}`);
  return hcl`[for k, v in ${azs} : cidrsubnet(${cidr}, ${newbits}, ${netnum})]`;
}

/**
 * `compact([for subnet_id, cidr_block in zipmap(<ids>, <cidrs>) : ...])`: the ids of the subnets
 * whose CIDR starts with `prefix`.
 */
export function subnetIdsWithCidrPrefix(ids: string, cidrs: string, prefix: string): string[] {
  return Token.asList(
    hcl`compact([for subnet_id, cidr_block in zipmap(${ids}, ${cidrs}) : substr(cidr_block, 0, ${prefix.length}) == ${prefix} ? subnet_id : null])`,
  );
}

/** `lookup({ "k" = "v", ... }, <key>, "")`: a plan-time pick from a synth-time map (lookupOr, below). */
export function lookupOrEmpty(map: Readonly<Record<string, string>>, key: string): string {
  return Token.asString(lookupOr(Object.entries(map), key, ""));
}

/** `{ for k, v in { key = "value", ... } : k => v if <condition> }`: the map, or {} unless the condition holds. */
export function mapWhen(map: Readonly<Record<string, string>>, condition: string): Record<string, string> {
  const entries = hclSource(
    Object.entries(map)
      .map(([k, v]) => `${k} = ${hclString(v)}`)
      .join(", "),
  );
  return Token.asStringMap(hcl`{ for k, v in { ${entries} } : k => v if ${condition} }`);
}

/** A `dynamic` block's `for_each`: one block unless the condition holds. */
export function oneBlockUnless(condition: string): string {
  return hcl`${condition} ? [] : [true]`;
}

/**
 * `[for e in <buckets> : { bucket, prefix }]`: each "bucket" or "bucket/prefix" entry split
 * (prefix "" for a whole bucket).
 */
export function s3ReadGrants(buckets: string): string {
  return hcl`[for e in ${buckets} : { bucket = regex("^([^/]+)/?(.*)$", e)[0], prefix = regex("^([^/]+)/?(.*)$", e)[1] }]`;
}

/**
 * Statements granting read access to every entry of `grants` (the local holding
 * `s3ReadGrants`): the bucket's location, listing (only under the prefix when there is one) and
 * reading objects under the prefix. Nothing else: no write, no delete, no other bucket.
 */
export function s3ReadGrantStatements(grants: string): string {
  return hcl`concat(${hcl`[for b in distinct([for g in ${grants} : g.bucket]) : { Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = "arn:aws:s3:::\${b}" }]`}, ${hcl`[for g in ${grants} : { Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${g.bucket}" } if g.prefix == ""]`}, ${hcl`[for g in ${grants} : { Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${g.bucket}", Condition = { StringLike = { "s3:prefix" = ["\${g.prefix}*"] } } } if g.prefix != ""]`}, ${hcl`[for g in ${grants} : { Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::\${g.bucket}/\${g.prefix}*" }]`})`;
}

/**
 * Statements letting a Cognito user read `<department>/` in `bucket`, where the department is
 * the session tag the identity pool maps from the token's `department` claim. A session without
 * the tag matches none of them. `$${aws:PrincipalTag/department}` is an IAM policy variable:
 * `$${` keeps it literal in HCL.
 */
export function departmentStatements(bucket: string): string {
  return hcl`[{ Sid = "DepartmentBucketLocation", Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = "arn:aws:s3:::\${${bucket}}" }, { Sid = "ListOwnDepartment", Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${${bucket}}", Condition = { StringLike = { "s3:prefix" = ["$\${aws:PrincipalTag/department}/", "$\${aws:PrincipalTag/department}/*"] } } }, { Sid = "ReadOwnDepartment", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::\${${bucket}}/$\${aws:PrincipalTag/department}/*" }]`;
}

/** `concat(<a>, <b>)` of two statement lists. */
export function concatLists(a: string, b: string): string {
  return hcl`concat(${a}, ${b})`;
}

/** `jsonencode({ Version = "2012-10-17", Statement = <statements> })`. */
export function policyDocument(statements: string): string {
  return hcl`jsonencode({ Version = "2012-10-17", Statement = ${statements} })`;
}

// Variable rule expressions
//
// The validation rules and value checks of variables.ts are built from typed tokens; what
// follows are the few forms cdktf 0.21 has no typed (or no correct) form for. Each hole of
// `hcl` is resolved as an expression: a reference (`variable.stringValue`), an `Fn.*`/`Op.*`
// token, a number, or a plain string, which becomes a quoted literal.

/**
 * A literal where cdktf cannot write one: a string with a double quote or a backslash (a
 * regular expression: cdktf quotes a plain string argument without escaping either, and
 * `Fn.rawString` escapes the quote but not the backslash, which HCL then reads as an escape
 * sequence), and a falsy right operand of `Op.*` (cdktf 0.21 writes `Op.gt(x, 0)` as
 * `x > undefined`, and the same for `""` and `false`).
 */
export function literal(value: string | number | boolean): IResolvable {
  return new HclExpression([typeof value === "string" ? hclString(value) : String(value)], []);
}

/** The HCL `null`: cdktf writes a JavaScript null operand as `undefined`. */
export const hclNull: IResolvable = new HclExpression(["null"], []);

/** `collection[index]`: cdktf's `propertyAccess` writes a number index in the legacy form `collection.0`. */
export function indexOf(collection: unknown, index: number): string {
  return hcl`${collection}[${index}]`;
}

/**
 * `lookup({ "k" = "v", ... }, key, fallback)`: cdktf's `Fn.lookup` drops a falsy default
 * (`""`) and writes `map[key]`, which fails where lookup returns the default.
 */
export function lookupOr(map: readonly (readonly [string, string])[], key: unknown, fallback: string): IResolvable {
  const entries = map.map(([k, v]) => `${hclString(k)} = ${hclString(v)}`).join(", ");
  return new HclExpression([`lookup({ ${entries} }, `, `, ${hclString(fallback)})`], [key]);
}

/** A `for` expression's loop variable: cdktf's typed `forExpression` names them only `key, val`. */
const loopVariable = (name: string): string => Token.asString(ref(name));

/** `alltrue([for <as> in list : test])`: true when every item passes (and for an empty list). */
export function everyItem(list: unknown, as: string, test: (item: string) => unknown): IResolvable {
  return new HclExpression([`alltrue([for ${as} in `, " : ", "])"], [list, test(loopVariable(as))]);
}

/** `anytrue([for <as> in list : test])`. */
export function someItem(list: unknown, as: string, test: (item: string) => unknown): IResolvable {
  return new HclExpression([`anytrue([for ${as} in `, " : ", "])"], [list, test(loopVariable(as))]);
}

/** `[for <as> in list : <as> if test]`: the items that pass. */
export function itemsWhere(list: unknown, as: string, test: (item: string) => unknown): IResolvable {
  return new HclExpression([`[for ${as} in `, ` : ${as} if `, "]"], [list, test(loopVariable(as))]);
}

type PairTest = (i: string, a: string, j: string, b: string) => unknown;
const pair = (test: PairTest) => test(loopVariable("i"), loopVariable("a"), loopVariable("j"), loopVariable("b"));

/** `alltrue(flatten([for i, a in list : [for j, b in list : test]]))`: every ordered pair passes. */
export function everyPair(list: unknown, test: PairTest): IResolvable {
  return new HclExpression(
    ["alltrue(flatten([for i, a in ", " : [for j, b in ", " : ", "]]))"],
    [list, list, pair(test)],
  );
}

/** `flatten([for i, a in list : [for j, b in list : value if test]])`: a value per pair that passes. */
export function pairsWhere(list: unknown, value: PairTest, test: PairTest): IResolvable {
  return new HclExpression(
    ["flatten([for i, a in ", " : [for j, b in ", " : ", " if ", "]])"],
    [list, list, pair(value), pair(test)],
  );
}
