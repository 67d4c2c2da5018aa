/**
 * LocalChart: installs a chart shipped in the project's helm/ directory by copying it into the
 * synthesized stack directory, so that the release's chart path is the blueprint's
 * `path.module/helm/<name>`.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
// Not re-exported by the package root; the same hook TerraformAsset uses.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct } from "constructs";
import { inModuleDirectory } from "../../expressions";

/** The project's own charts: `helm/<name>` beside package.json. */
export const CHARTS_DIR = path.resolve(__dirname, "..", "..", "helm");

function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) fs.copyFileSync(source, target);
  }
}

/**
 * A chart shipped with the project and installed from the local file system.
 *
 * At synthesis the chart directory is copied to `helm/<name>` inside the synthesized stack
 * directory, so the release's `chart` is `${path.module}/helm/<name>`: the very value the HCL
 * blueprint stores in its state, which keeps an adopted release free of changes. (cdktf's
 * TerraformAsset would put a content hash into the path instead.)
 */
export class LocalChart extends Construct {
  readonly name: string;
  /** The chart path as the helm provider sees it, relative to the stack directory. */
  readonly chartPath: string;

  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    const source = path.join(CHARTS_DIR, name);
    if (!fs.existsSync(path.join(source, "Chart.yaml"))) {
      throw new Error(`LocalChart ${name}: ${path.relative(process.cwd(), source) || source} has no Chart.yaml`);
    }
    this.name = name;
    this.chartPath = inModuleDirectory(`helm/${name}`);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stackDir = path.join(session.outdir, session.manifest.forStack(TerraformStack.of(this)).workingDirectory);
        const target = path.join(stackDir, "helm", name);
        fs.rmSync(target, { recursive: true, force: true });
        copyTree(source, target);
      },
    });
  }
}
