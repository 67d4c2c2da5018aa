/**
 * A structural diff of two synthesized Terraform JSON documents: which paths changed, grouped
 * by the Terraform address they belong to. It answers "what does moving from one platform set
 * to the next touch?", the question docs/upgrading.md answers in prose and in its tables.
 *
 * - Top-level blocks map to addresses: `resource.<type>.<name>` is `<type>.<name>`,
 *   `data.<type>.<name>` is `data.<type>.<name>`, `module.<name>`, `variable.<name>` is
 *   `var.<name>`, `locals.<name>` is `local.<name>`, `output.<name>`, `check.<name>`,
 *   `provider.<name>`; `terraform` and anything else keep their key.
 * - Below an address, a path names where the two documents first differ: a key present on one
 *   side only, a scalar that differs, or an array whose length differs (reported as a whole).
 *   Maps recurse key by key (`karpenter.chart_version`), arrays of the same length index by
 *   index (`validation[1].error_message`).
 * - cdktf's `//` metadata is ignored.
 */

type Json = unknown;

/** Changed paths by address, both sorted; "" is the address as a whole (present on one side only). */
export type ChangedPaths = Record<string, string[]>;

const ADDRESS_DEPTH: Record<string, { depth: number; prefix: (keys: string[]) => string }> = {
  resource: { depth: 2, prefix: ([type, name]) => `${type}.${name}` },
  data: { depth: 2, prefix: ([type, name]) => `data.${type}.${name}` },
  module: { depth: 1, prefix: ([name]) => `module.${name}` },
  variable: { depth: 1, prefix: ([name]) => `var.${name}` },
  locals: { depth: 1, prefix: ([name]) => `local.${name}` },
  output: { depth: 1, prefix: ([name]) => `output.${name}` },
  check: { depth: 1, prefix: ([name]) => `check.${name}` },
  provider: { depth: 1, prefix: ([name]) => `provider.${name}` },
};

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** The paths below `path` where `a` and `b` differ. */
function diffValues(a: Json, b: Json, path: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (key === "//") continue;
      if (!(key in a) || !(key in b)) out.push(join(path, key));
      else diffValues(a[key], b[key], join(path, key), out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(path);
      return;
    }
    a.forEach((item, i) => {
      diffValues(item, b[i], `${path}[${i}]`, out);
    });
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
}

/** Splits a document into its addresses: address -> body. */
function byAddress(doc: Record<string, Json>): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [block, content] of Object.entries(doc)) {
    if (block === "//") continue;
    const rule = ADDRESS_DEPTH[block];
    if (!rule || !isObject(content)) {
      out.set(block, content);
      continue;
    }
    if (rule.depth === 1) {
      for (const [name, body] of Object.entries(content)) out.set(rule.prefix([name]), body);
    } else {
      for (const [type, byName] of Object.entries(content)) {
        for (const [name, body] of Object.entries(byName as Record<string, Json>))
          out.set(rule.prefix([type, name]), body);
      }
    }
  }
  return out;
}

/** What changes from `from` to `to`: address -> changed paths. Unchanged addresses are left out. */
export function changedPaths(from: object, to: object): ChangedPaths {
  const a = byAddress(from as Record<string, Json>);
  const b = byAddress(to as Record<string, Json>);
  const out: ChangedPaths = {};
  for (const address of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const paths: string[] = [];
    if (!a.has(address) || !b.has(address)) paths.push("");
    else diffValues(a.get(address), b.get(address), "", paths);
    if (paths.length > 0) out[address] = paths.sort();
  }
  return out;
}
