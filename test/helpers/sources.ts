/**
 * The project's TypeScript sources as the source checks read them (test/expressions.test.ts,
 * test/versions-pins.test.ts): which files, and their code without comments.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The .ts files (not .d.ts) at `entry`, a file or directory relative to the repository root,
 * as relative paths; hidden directories and those named in `skip` are left out.
 */
export function typeScriptFiles(entry = "", skip: ReadonlySet<string> = new Set()): string[] {
  const full = path.join(ROOT, entry);
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(entry, e.name);
    if (e.isDirectory()) return skip.has(e.name) || e.name.startsWith(".") ? [] : typeScriptFiles(rel, skip);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** `text` without its comments: they may quote HCL or cite versions as facts. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}
