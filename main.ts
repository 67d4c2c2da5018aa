/**
 * The cdktf app: `npm run synth` (via cdktf.json) runs it. It loads the project settings
 * (config.ts), synthesizes the JupyterHubStack into cdktf.out/stacks/jupyterhub/cdk.tf.json,
 * writes settings.json beside it for the lifecycle scripts, removes stale outputs and, with
 * `--hcl`, writes the HCL review rendering (review/hcl.ts).
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError, loadConfig, PROJECT_ROOT, SETTINGS_FILE, STACK_DIR, STACK_NAME, synthSettings } from "./config";
import { renderHcl } from "./review/hcl";
import { JupyterHubStack } from "./stacks/jupyterhub";

// `cdktf synth --hcl` runs this app with SYNTH_HCL_OUTPUT=true and writes cdktf's own HCL,
// which Terraform does not accept; the review rendering is `npm run synth -- --hcl`.
if (process.env.SYNTH_HCL_OUTPUT === "true" || process.env.SYNTH_HCL_OUTPUT === "1") {
  process.stderr.write(
    "synth: cdktf's --hcl output is not valid HCL for this stack: run `npm run " +
      "synth -- --hcl` for the review rendering (docs/review.md).\n",
  );
  process.exit(2);
}
const hcl = process.argv.slice(2).includes("--hcl");

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A settings mistake is the user's to fix: say what and how, without a stack trace.
  process.stderr.write(`synth: ${error.message}\n`);
  process.exit(2);
}
const app = new App();
new JupyterHubStack(app, STACK_NAME, config);
app.synth();
const settings = synthSettings(config, config.sources);
fs.writeFileSync(path.join(PROJECT_ROOT, STACK_DIR, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
// Nothing stale survives a synth: a cdk.tf from `cdktf synth --hcl` beside cdk.tf.json makes
// terraform fail on duplicate declarations, and an old review rendering would disagree.
const stackDir = path.join(PROJECT_ROOT, STACK_DIR);
const removed: string[] = [];
if (fs.existsSync(path.join(stackDir, "cdk.tf"))) {
  fs.rmSync(path.join(stackDir, "cdk.tf"));
  removed.push(`${STACK_DIR}/cdk.tf`);
}
const reviewDir = path.join(stackDir, "review");
if (fs.existsSync(reviewDir)) {
  fs.rmSync(reviewDir, { recursive: true });
  if (!hcl) removed.push(`${STACK_DIR}/review/`);
}
if (hcl) {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  fs.mkdirSync(reviewDir);
  fs.writeFileSync(
    path.join(reviewDir, "main.tf"),
    renderHcl(
      json,
      "# Review rendering of cdk.tf.json (npm run synth -- --hcl); Terraform applies " +
        "cdk.tf.json, not this file. See docs/review.md.\n\n",
    ),
  );
}
const overrides = settings.overrides.length ? `; environment overrides: ${settings.overrides.join(", ")}` : "";
process.stderr.write(
  `synth: wrote ${STACK_DIR}/cdk.tf.json for the "${config.platform.name}" ` +
    `platform set (${config.platform.summary})\n` +
    `synth: backend: ${settings.description}${overrides}\n` +
    (removed.length ? `synth: removed stale ${removed.join(" and ")}\n` : "") +
    (hcl
      ? `synth: wrote ${STACK_DIR}/review/main.tf, the HCL rendering of cdk.tf.json for review (docs/review.md)\n`
      : ""),
);
