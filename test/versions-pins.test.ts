/**
 * Keeps every version pin in versions.ts: a scan of the other TypeScript sources for literals
 * that look like pins, with a list of justified exceptions.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { typeScriptFiles, withoutComments } from "./helpers/sources";

const ROOT = path.resolve(__dirname, "..");

/** The one file that may pin versions (its header lists what lives elsewhere: npm dependencies). */
const PINS_FILE = "versions.ts";
/** The project's TypeScript sources: everything but the tests, the dependencies and the output. */
const SKIP_DIRS = new Set(["node_modules", "test", "cdktf.out", ".git"]);

/**
 * Literals that look like pins and are not, or are deliberately elsewhere; each says why. The
 * test fails when one disappears, so the list stays true.
 */
const NOT_PINS: readonly { file: string; literal: string; why: string }[] = [
  {
    file: "helm/render.ts",
    literal: '"1.1"',
    why: "the YAML language version the values are written in, not a dependency",
  },
  {
    file: "profiles/examples.ts",
    literal: '"quay.io/jupyter/scipy-notebook:2025-03-14"',
    why: "the worked example of a team's own profile, quoted verbatim in docs/profiles.md (docs.test.ts)",
  },
  {
    file: "scripts/module-facts.ts",
    literal: '"1.24.3"',
    why: "a module version whose facts are recorded for a test although no platform set pins it",
  },
];

const VERSION = String.raw`[~>=<!^ v]*\d+(?:\.\d+)+[-+.\w]*`;
/**
 * A version literal in a pin position: a field or constant whose name has "version" or "tag"
 * (`version:`, `chart_version:`, `tag:`, `requiredVersion:`, `BLUEPRINT_CHART_VERSION =`).
 */
const PIN_FIELD = new RegExp(
  String.raw`\b[A-Za-z_]*(?:version|tag)[A-Za-z_]*["']?\s*[:=]\s*(["'\`]${VERSION}["'\`])`,
  "gi",
);
/** An image reference whose tag names a version: `"repo/name:1.2"`, `"repo/name:v1.6_cuda"`, `"repo/name:spark-3.5.0"`. */
const IMAGE = /(["'][a-z0-9.-]+(?:\/[a-z0-9._-]+)+:[\w.-]*\d[\w.-]*["'])/g;
/** A Terraform-style constraint or an exact pip pin in any string literal. */
const CONSTRAINT = /(["'`](?:(?:>=|~>|<=|!=|>|<|=)\s*\d+(?:\.\d+)+|[A-Za-z0-9_.-]+==\d+(?:\.\d+)+)["'`])/g;

function strayPins(text: string): string[] {
  const body = withoutComments(text);
  return [PIN_FIELD, IMAGE, CONSTRAINT].flatMap((re) => [...body.matchAll(re)].map((m) => m[1]));
}

describe("version pins live in versions.ts", () => {
  const files = typeScriptFiles("", SKIP_DIRS).filter((f) => f !== PINS_FILE);

  it("finds the project's sources", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "stacks/jupyterhub/jupyterhub.ts",
        "helm/jupyterhub.ts",
        "profiles/notebooks.ts",
        "config.ts",
        "main.ts",
      ]),
    );
  });

  it.each(files)("%s pins nothing", (file) => {
    const allowed = NOT_PINS.filter((n) => n.file === file).map((n) => n.literal);
    expect(strayPins(fs.readFileSync(path.join(ROOT, file), "utf8")).filter((p) => !allowed.includes(p))).toEqual([]);
  });

  it("every exemption is still there (else remove it)", () => {
    for (const n of NOT_PINS)
      expect(strayPins(fs.readFileSync(path.join(ROOT, n.file), "utf8")), n.file).toContain(n.literal);
  });

  it("versions.ts itself holds pins of every kind the check looks for", () => {
    const pins = strayPins(fs.readFileSync(path.join(ROOT, PINS_FILE), "utf8"));
    for (const expected of [
      '"0.0.1"',
      '">= 1.11.0"',
      '"boto3==1.43.107"',
      '"public.ecr.aws/data-on-eks/elyra-jupyter:3.15.0"',
    ]) {
      expect(pins).toContain(expected);
    }
  });

  it("the check finds the forms pins were written in", () => {
    for (const [line, pin] of [
      ['    chart_version: "0.0.1",', '"0.0.1"'],
      ['const BLUEPRINT_CHART_VERSION = "3.2.1";', '"3.2.1"'],
      [
        '    image: "public.ecr.aws/data-on-eks/elyra-jupyter:3.15.0",',
        '"public.ecr.aws/data-on-eks/elyra-jupyter:3.15.0"',
      ],
      [
        '  image: "cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only",',
        '"cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only"',
      ],
      ['export const S3_LOCKFILE_TERRAFORM_VERSION = ">= 1.11.0";', '">= 1.11.0"'],
      ['export const HUB_PYTHON_PACKAGES = ["boto3==1.43.107"] as const;', '"boto3==1.43.107"'],
      ['    karpenter: { tag: "v1.14.1" },', '"v1.14.1"'],
      ['  { source: "terraform-aws-modules/eks/aws", version: "19.21.0" },', '"19.21.0"'],
    ] as const) {
      expect(strayPins(line), line).toEqual([pin]);
    }
    for (const line of [
      '// version: "1.2.3" in a comment',
      'const doc = `pip install ${HUB_PYTHON_PACKAGES.join(" ")}`;',
      'image: "public.ecr.aws/data-on-eks/pytorch-neuronx:latest",',
      "version: platform.charts.jupyterhub.version,",
      'apiVersion: "v2",',
    ]) {
      expect(strayPins(line), line).toEqual([]);
    }
  });
});
