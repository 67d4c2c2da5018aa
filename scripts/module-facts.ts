/**
 * Regenerates test/fixtures/module-facts/: what `terraform init` needs to know about every
 * registry module the stack calls, read from the modules' own repositories at the pinned tags.
 *
 *   npm run module-facts [-- --mirrors DIR]
 *
 * DIR holds bare git mirrors named `<owner>+<repo>/repo` (default: ../.mirror beside the
 * project root). For every module pin of both platform sets (versions.ts) and, recursively,
 * every registry module they call, one file `<source, "/" -> "__">@<version>.json` records:
 * the tag and its commit, each `required_version` and `required_providers` constraint (with
 * the file it is in) of the module and of the local submodules it calls, its variables (and
 * whether each is required), and its registry module calls with the version a `terraform
 * init` picks (the newest tag matching the constraint). These are facts extracted from the
 * code (names, versions, constraints), not copies of it. test/module-resolution.test.ts
 * checks the pins against them.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { highestSatisfying, parseVersion } from "../test/helpers/constraints";
import { PLATFORM_NAMES, PLATFORM_SETS } from "../versions";

const ROOT = path.resolve(__dirname, "..");
export const FACTS_DIR = path.join(ROOT, "test", "fixtures", "module-facts");

/**
 * Module versions whose facts are written although no platform set pins them.
 * - aws-ia/eks-blueprints-addons 1.24.3: the release the blueprint's `~> 1.2` resolves to
 *   today. Its helm `>= 3.0` cannot meet eks-data-addons' `~> 2.17`, which breaks `terraform
 *   init`; the resolution test proves the checker catches exactly that.
 */
const ALSO: readonly { source: string; version: string }[] = [
  { source: "aws-ia/eks-blueprints-addons/aws", version: "1.24.3" },
];

export interface Located {
  readonly constraint: string;
  /** The file it is in, relative to the repository root. */
  readonly file: string;
}

export interface ModuleCall {
  /** `module.<name>`, and the file of the block when it is not in the module's own directory. */
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly versionConstraint: string;
  /** The newest tag matching the constraint; null when the mirror has none (only allowed for ALSO). */
  readonly resolvedVersion: string | null;
}

export interface ModuleFacts {
  readonly source: string;
  readonly version: string;
  readonly repository: string;
  /** The module's directory in the repository ("" for the root). */
  readonly directory: string;
  readonly tag: string;
  readonly commit: string;
  /** The local submodules it calls, transitively (directories relative to the repository root). */
  readonly localModules: string[];
  readonly requiredVersion: Located[];
  readonly requiredProviders: Record<string, { source: string; constraints: Located[] }>;
  readonly variables: Record<string, { required: boolean }>;
  readonly moduleCalls: ModuleCall[];
}

/** `ns/name/provider[//sub/dir]` (an optional registry.terraform.io/ prefix is dropped). */
export function parseRegistrySource(
  source: string,
): { namespace: string; name: string; provider: string; directory: string } | undefined {
  const m = /^(?:registry\.terraform\.io\/)?([\w-]+)\/([\w-]+)\/([\w-]+)(?:\/\/(.+))?$/.exec(source);
  if (!m) return undefined;
  return { namespace: m[1], name: m[2], provider: m[3], directory: (m[4] ?? "").replace(/\/+$/, "") };
}

export function factsFileName(source: string, version: string): string {
  return `${source.replace(/\//g, "__")}@${version}.json`;
}

function usage(message: string): never {
  console.error(`module-facts: ${message}\nusage: node --require tsx/cjs scripts/module-facts.ts [--mirrors DIR]`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { mirrors: string } {
  let mirrors = path.resolve(ROOT, "..", ".mirror");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--mirrors") {
      if (!argv[i + 1]) usage("--mirrors needs a directory");
      mirrors = path.resolve(argv[++i]);
    } else if (argv[i].startsWith("--mirrors=")) {
      mirrors = path.resolve(argv[i].slice("--mirrors=".length));
    } else {
      usage(`unknown argument ${argv[i]}`);
    }
  }
  return { mirrors };
}

class Mirror {
  private tagsCache?: string[];
  constructor(
    readonly repository: string,
    readonly gitDir: string,
  ) {}

  git(args: string[]): string {
    return execFileSync("git", ["--git-dir", this.gitDir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  }

  /** Release versions of the `v<version>` tags. */
  versions(): string[] {
    this.tagsCache ??= this.git(["tag", "--list", "v*"])
      .split("\n")
      .map((t) => t.trim().slice(1))
      .filter((v) => /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v));
    return this.tagsCache;
  }

  commitOf(tag: string): string {
    try {
      return this.git(["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`]).trim();
    } catch {
      throw new Error(
        `tag ${tag} is not in the mirror of ${this.repository} (${this.gitDir}); the snapshot may predate it: ` +
          `fetch it again with the fetch tool, source "github:${this.repository}".`,
      );
    }
  }

  /** The `.tf` files directly in `dir` at `commit` (paths relative to the repository root). */
  tfFiles(commit: string, dir: string): string[] {
    const out = this.git(["ls-tree", commit, dir ? `${dir}/` : "."]);
    return out
      .split("\n")
      .filter((line) => /^\d+ blob /.test(line))
      .map((line) => line.split("\t")[1])
      .filter((p) => p.endsWith(".tf") || p.endsWith(".tf.json"))
      .sort();
  }

  read(commit: string, file: string): string {
    return this.git(["show", `${commit}:${file}`]);
  }
}

const mirrors = new Map<string, Mirror>();

function openMirror(mirrorsDir: string, repository: string): Mirror {
  const gitDir = path.join(mirrorsDir, repository.replace("/", "+"), "repo");
  if (!fs.existsSync(path.join(gitDir, "HEAD"))) {
    throw new Error(
      `no mirror of ${repository} at ${gitDir}: bring it with the fetch tool, source "github:${repository}" ` +
        `(or pass --mirrors DIR holding <owner>+<repo>/repo).`,
    );
  }
  if (!mirrors.has(gitDir)) mirrors.set(gitDir, new Mirror(repository, gitDir));
  return mirrors.get(gitDir)!;
}

/** The blocks of an hcl2json document: `{ type: { label: [body, ...] } }` -> [label, body][]. */
function labelled(doc: Record<string, any>, type: string): [string, Record<string, any>][] {
  const out: [string, Record<string, any>][] = [];
  for (const [label, bodies] of Object.entries(doc[type] ?? {})) {
    for (const body of Array.isArray(bodies) ? bodies : [bodies]) out.push([label, body as Record<string, any>]);
  }
  return out;
}

async function parseFile(mirror: Mirror, commit: string, file: string): Promise<Record<string, any>> {
  const text = mirror.read(commit, file);
  if (file.endsWith(".tf.json")) return JSON.parse(text) as Record<string, any>;
  try {
    return await parseHcl(file, text);
  } catch (error) {
    throw new Error(`${mirror.repository}@${commit}:${file} does not parse: ${(error as Error).message}`);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const byFile = (a: Located, b: Located): number =>
  a.file.localeCompare(b.file) || a.constraint.localeCompare(b.constraint);

async function extract(
  mirrorsDir: string,
  source: string,
  version: string,
  options: { allowUnresolved?: boolean } = {},
): Promise<ModuleFacts> {
  const parsed = parseRegistrySource(source);
  if (!parsed) throw new Error(`${source} is not a registry module source (namespace/name/provider[//dir])`);
  const repository = `${parsed.namespace}/terraform-${parsed.provider}-${parsed.name}`;
  const mirror = openMirror(mirrorsDir, repository);
  const tag = `v${version}`;
  const commit = mirror.commitOf(tag);

  const requiredVersion: Located[] = [];
  const requiredProviders: ModuleFacts["requiredProviders"] = {};
  const variables: ModuleFacts["variables"] = {};
  const moduleCalls: ModuleCall[] = [];
  const visited: string[] = [];

  const visit = async (dir: string): Promise<void> => {
    if (visited.includes(dir)) return;
    visited.push(dir);
    const files = mirror.tfFiles(commit, dir);
    if (files.length === 0) throw new Error(`${repository}@${tag}: no .tf files in "${dir || "."}"`);
    for (const file of files) {
      const doc = await parseFile(mirror, commit, file);
      for (const block of [doc.terraform ?? []].flat() as Record<string, any>[]) {
        if (typeof block.required_version === "string")
          requiredVersion.push({ constraint: block.required_version, file });
        for (const providers of [block.required_providers ?? []].flat() as Record<string, any>[]) {
          for (const [local, spec] of Object.entries(providers)) {
            const src = typeof spec === "string" ? `hashicorp/${local}` : String(spec.source ?? `hashicorp/${local}`);
            const constraint = typeof spec === "string" ? spec : spec.version;
            requiredProviders[local] ??= { source: src, constraints: [] };
            const entry = requiredProviders[local];
            if (entry.source.toLowerCase() !== src.toLowerCase()) {
              throw new Error(
                `${repository}@${tag}:${file}: provider "${local}" is ${src} here and ${entry.source} elsewhere`,
              );
            }
            if (typeof constraint === "string") entry.constraints.push({ constraint, file });
          }
        }
      }
      if (dir === parsed.directory) {
        for (const [name, body] of labelled(doc, "variable")) variables[name] = { required: !("default" in body) };
      }
      for (const [name, body] of labelled(doc, "module")) {
        const callSource = String(body.source);
        if (callSource.startsWith("./") || callSource.startsWith("../")) {
          const target = path.posix.normalize(path.posix.join(dir || ".", callSource)).replace(/\/+$/, "");
          if (target.startsWith(".."))
            throw new Error(`${repository}@${tag}:${file}: module.${name} leaves the package (${callSource})`);
          await visit(target === "." ? "" : target);
          continue;
        }
        const callee = parseRegistrySource(callSource);
        if (!callee)
          throw new Error(
            `${repository}@${tag}:${file}: module.${name} has a source this script cannot follow: ${callSource}`,
          );
        const calleeRepo = `${callee.namespace}/terraform-${callee.provider}-${callee.name}`;
        const constraint = typeof body.version === "string" ? body.version : "";
        const resolved = highestSatisfying(openMirror(mirrorsDir, calleeRepo).versions(), constraint, "terraform");
        if (!resolved && !options.allowUnresolved) {
          throw new Error(
            `${repository}@${tag}:${file}: no tag of ${calleeRepo} matches module.${name}'s version "${constraint}"; ` +
              `fetch the mirror again (source "github:${calleeRepo}").`,
          );
        }
        moduleCalls.push({
          name,
          file,
          source: callSource,
          versionConstraint: constraint,
          resolvedVersion: resolved ?? null,
        });
      }
    }
  };
  await visit(parsed.directory);

  requiredVersion.sort(byFile);
  for (const entry of Object.values(requiredProviders)) entry.constraints.sort(byFile);
  moduleCalls.sort((a, b) => a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
  return {
    source,
    version,
    repository,
    directory: parsed.directory,
    tag,
    commit,
    localModules: visited.filter((d) => d !== parsed.directory).sort(),
    requiredVersion,
    requiredProviders,
    variables,
    moduleCalls,
  };
}

async function main(): Promise<void> {
  const { mirrors } = parseArgs(process.argv.slice(2));
  const queue: { source: string; version: string; why: string; also?: boolean }[] = [];
  for (const name of PLATFORM_NAMES) {
    for (const [key, pin] of Object.entries(PLATFORM_SETS[name].modules)) {
      parseVersion(pin.version); // throws on a range
      queue.push({ source: pin.source, version: pin.version, why: `${name}.modules.${key}` });
    }
  }
  for (const extra of ALSO) queue.push({ ...extra, why: "ALSO (scripts/module-facts.ts)", also: true });

  fs.mkdirSync(FACTS_DIR, { recursive: true });
  const written = new Map<string, string>();
  while (queue.length > 0) {
    const next = queue.shift()!;
    const file = factsFileName(next.source, next.version);
    if (written.has(file)) continue;
    // The ALSO versions only need their own facts: a call they make that the mirrors cannot
    // resolve is recorded (resolvedVersion null) instead of stopping the run.
    const facts = await extract(mirrors, next.source, next.version, { allowUnresolved: next.also });
    const unresolved = new Map<string, string[]>();
    for (const call of facts.moduleCalls.filter((c) => c.resolvedVersion === null)) {
      const key = `${call.source} "${call.versionConstraint}"`;
      unresolved.set(key, [...(unresolved.get(key) ?? []), call.name]);
    }
    for (const [key, names] of unresolved) {
      console.warn(
        `warning: ${next.source}@${next.version} calls ${key} (${names.length} module ` +
          `blocks, e.g. module.${names[0]}) ` +
          `and the mirror has no matching tag: recorded as unresolved, not followed.`,
      );
    }
    fs.writeFileSync(path.join(FACTS_DIR, file), `${JSON.stringify(sortKeys(facts), null, 2)}\n`);
    written.set(file, next.why);
    for (const call of facts.moduleCalls) {
      if (call.resolvedVersion === null) continue;
      queue.push({
        source: call.source,
        version: call.resolvedVersion,
        why: `called by ${next.source}@${next.version} (module.${call.name})`,
        also: next.also,
      });
    }
  }

  const root = path.relative(process.cwd(), FACTS_DIR) || ".";
  for (const stale of fs
    .readdirSync(FACTS_DIR)
    .filter((f) => f.endsWith(".json") && !written.has(f))
    .sort()) {
    fs.rmSync(path.join(FACTS_DIR, stale));
    console.log(`removed ${path.join(root, stale)} (no pin or call needs it)`);
  }
  for (const [file, why] of [...written].sort(([a], [b]) => a.localeCompare(b))) {
    const size = fs.statSync(path.join(FACTS_DIR, file)).size;
    console.log(`wrote ${path.join(root, file)} (${size} bytes; ${why})`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0), // the hcl2json WebAssembly runtime keeps the event loop alive
    (error: Error) => {
      console.error(`module-facts: ${error.message}`);
      process.exit(1);
    },
  );
}
