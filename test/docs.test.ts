/**
 * The Markdown documentation against the project: links resolve, translations keep the same
 * commands, the scripts and npm scripts named exist, and the tables that mirror code agree.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SECURITY_VARIABLES } from "../variables";
import { EKS_KUBERNETES_VERSIONS, FACTS_CHECKED, PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";

const ROOT = resolve(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const docs = ["README.md", "README.zh-CN.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];

/** The fenced code blocks of a Markdown file, with prose comments (after `#`) removed. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) =>
    m[1]
      .split("\n")
      .map((line) =>
        line
          .replace(/\s+#\s.*$/, "")
          .replace(/^#\s.*$/, "")
          .trimEnd(),
      )
      .join("\n"),
  );
}

describe("documentation", () => {
  it.each(docs)("%s links only to files that exist", (file) => {
    const text = read(file);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const path = join(ROOT, dirname(file), target);
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
    expect(english.length).toBe(5);
    expect(blocks("docs/adoption.zh-CN.md")).toEqual(english);
  });

  it("the README's profile example is the one the tests synthesize", () => {
    const source = read("profiles/examples.ts");
    const example = source.slice(
      source.indexOf("export const exampleProfile"),
      source.indexOf("\n};", source.indexOf("export const exampleProfile")) + 3,
    );
    expect(example.length).toBeGreaterThan(50);
    for (const readme of ["README.md", "README.zh-CN.md"]) expect(read(readme), readme).toContain(example);
  });

  it("every script the READMEs mention exists and every npm script they run is defined", () => {
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    for (const readme of ["README.md", "README.zh-CN.md"]) {
      const text = read(readme);
      for (const [, name] of text.matchAll(/npm run ([a-z0-9:-]+)/g))
        expect(scripts[name], `${readme}: npm run ${name}`).toBeDefined();
      for (const [, path] of text.matchAll(/(scripts\/[a-z-]+\.sh)/g))
        expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it.each(["docs/versions.md", "docs/versions.zh-CN.md"])(
    "%s states every pinned version, every EKS date and the check date",
    (file) => {
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
        expect(text, `${file}: EKS ${v.version}`).toContain(
          `| ${v.version} | ${v.released} | ${v.standardSupportEnd} | ${v.extendedSupportEnd} |`,
        );
      }
    },
  );
});

describe("security documentation", () => {
  const json = synthStack();

  it(
    "docs/security.md and docs/security.zh-CN.md are in step: same commands, every " +
      "security setting, the check date",
    () => {
      const english = read("docs/security.md");
      const chinese = read("docs/security.zh-CN.md");
      expect(codeBlocks(english).length).toBeGreaterThan(0);
      expect(codeBlocks(chinese)).toEqual(codeBlocks(english));
      for (const text of [english, chinese]) {
        expect(text).toContain(FACTS_CHECKED);
        for (const name of Object.keys(SECURITY_VARIABLES)) expect(text, name).toContain(`\`${name}\``);
      }
    },
  );

  it("the invitation command uses an output the stack has, in both READMEs and the security pages", () => {
    expect(json.output.cognito_user_pool_id).toBeDefined();
    for (const file of ["README.md", "README.zh-CN.md", "docs/security.md", "docs/security.zh-CN.md"]) {
      const code = codeBlocks(read(file)).join("\n");
      expect(code, file).toContain("output -raw cognito_user_pool_id");
      expect(code, file).toContain("aws cognito-idp admin-create-user --user-pool-id");
    }
  });

  it("docs/differences.md numbers its rows 1, 2, 3, ... with four cells each", () => {
    const rows = read("docs/differences.md")
      .split("\n")
      .filter((line) => /^\| [0-9]+ \|/.test(line));
    expect(rows.map((r) => Number(r.split("|")[1]))).toEqual(rows.map((_, i) => i + 1));
    for (const row of rows) expect(row.split(" | ").length, row.slice(0, 40)).toBe(4);
    expect(rows.length).toBeGreaterThanOrEqual(32);
  });

  it("docs/variables.md lists every variable of the stack and every check block", () => {
    const text = read("docs/variables.md");
    for (const name of Object.keys(json.variable)) expect(text, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
    for (const name of Object.keys(json.check ?? {})) expect(text, name).toContain(`\`check.${name}\``);
  });
});

describe("docs/development.md", () => {
  const text = read("docs/development.md");

  it("names only files that exist", () => {
    const pattern = /`((?:test|scripts|profiles|helm|stacks|modules)\/[\w./-]*(?:\.\w+|\/)|[\w-]+\.(?:ts|mts|jsonc))`/g;
    const paths = [...text.matchAll(pattern)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(10);
    for (const p of paths) {
      const file = p.includes("/") || existsSync(join(ROOT, p)) ? p : `test/${p}`;
      expect(existsSync(join(ROOT, file)), p).toBe(true);
    }
  });

  it("names the expressions.ts functions by their exported names", async () => {
    const expressions: Record<string, unknown> = await import("../expressions");
    const named = new Set([...text.matchAll(/`([a-z][A-Za-z]+)(?:\(\.\.\.\))?`/g)].map((m) => m[1]));
    for (const name of ["hcl", "choose", "countWhen", "equalsValue", "lookupOr", "lookupOrEmpty", "literal"]) {
      expect(named.has(name), `docs/development.md names ${name}`).toBe(true);
      expect(typeof expressions[name], `expressions.ts exports ${name}`).toBe("function");
    }
  });
});
