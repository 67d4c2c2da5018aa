import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { EKS_KUBERNETES_VERSIONS, FACTS_CHECKED, PLATFORM_SETS } from "../versions";

const ROOT = resolve(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const docs = ["README.md", "README.zh-CN.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];

/** The fenced code blocks of a Markdown file, with prose comments (after `#`) removed. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) =>
    m[1]
      .split("\n")
      .map((line) => line.replace(/\s+#\s.*$/, "").replace(/^#\s.*$/, "").trimEnd())
      .join("\n"),
  );
}

describe("documentation", () => {
  // Files another branch adds: a link to one may land before the file does. Each entry is
  // accepted only while the file is missing; remove it once the file is merged.
  const pending = new Set(["docs/security.md"]);

  it.each(docs)("%s links only to files that exist", (file) => {
    const text = read(file);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const path = join(ROOT, dirname(file), target);
      if (pending.has(relative(ROOT, path)) && !existsSync(path)) continue;
      expect(existsSync(path), `${file} -> ${target}`).toBe(true);
    }
  });

  it("the Chinese README has the same commands and code as the English one", () => {
    const english = codeBlocks(read("README.md"));
    expect(english.length).toBeGreaterThan(5);
    expect(codeBlocks(read("README.zh-CN.md"))).toEqual(english);
  });

  it("the Chinese adoption guide has the same commands and code as the English one", () => {
    // The guide's steps are a list: its code blocks are indented.
    const blocks = (file: string) => [...read(file).matchAll(/^( *)```[a-z]*\n([\s\S]*?)^\1```$/gm)].map((m) => m[2]);
    const english = blocks("docs/adoption.md");
    expect(english.length).toBe(4);
    expect(blocks("docs/adoption.zh-CN.md")).toEqual(english);
  });

  it("the README's profile example is the one the tests synthesize", () => {
    const source = read("profiles/examples.ts");
    const example = source.slice(source.indexOf("export const exampleProfile"), source.indexOf("\n};", source.indexOf("export const exampleProfile")) + 3);
    expect(example.length).toBeGreaterThan(50);
    for (const readme of ["README.md", "README.zh-CN.md"]) expect(read(readme), readme).toContain(example);
  });

  it("every script the READMEs mention exists and every npm script they run is defined", () => {
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    for (const readme of ["README.md", "README.zh-CN.md"]) {
      const text = read(readme);
      for (const [, name] of text.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts[name], `${readme}: npm run ${name}`).toBeDefined();
      for (const [, path] of text.matchAll(/(scripts\/[a-z-]+\.sh)/g)) expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it.each(["docs/versions.md", "docs/versions.zh-CN.md"])("%s states every pinned version, every EKS date and the check date", (file) => {
    const text = read(file);
    expect(text).toContain(FACTS_CHECKED);
    for (const set of Object.values(PLATFORM_SETS)) {
      const versions = [
        ...Object.values(set.modules).map((m) => m.version),
        set.karpenter.version,
        ...(set.karpenterCrd ? [set.karpenterCrd.version] : []),
        ...(set.coreNodeGroup.amiType ? [set.coreNodeGroup.amiType] : []),
        set.kubernetes.default,
        ...Object.values(set.charts).map((c) => c.version),
        ...(set.clusterAutoscaler.chartVersion ? [set.clusterAutoscaler.chartVersion] : []),
        ...Object.values(set.clusterAutoscaler.imageTags ?? {}),
        ...set.karpenterExtraReadActions,
        ...(set.nodeImage.amiSelectorAlias ? [set.nodeImage.amiSelectorAlias] : []),
      ];
      for (const v of versions) expect(text, `${file}: ${set.name} ${v}`).toContain(v);
      expect(text, `${file}: ${set.name}`).toContain(`\`${set.name}\``);
    }
    for (const v of EKS_KUBERNETES_VERSIONS.filter((x) => x.extendedSupportEnd >= "2026-07-01")) {
      expect(text, `${file}: EKS ${v.version}`).toContain(`| ${v.version} | ${v.released} | ${v.standardSupportEnd} | ${v.extendedSupportEnd} |`);
    }
  });
});
