import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError, PROJECT_ROOT, SETTINGS_FILE, STACK_DIR, STACK_NAME, loadConfig, synthSettings } from "./config";
import { JupyterHubStack } from "./stacks/jupyterhub";

let config;
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
const overrides = settings.overrides.length ? `; environment overrides: ${settings.overrides.join(", ")}` : "";
process.stderr.write(
  `synth: wrote ${STACK_DIR}/cdk.tf.json for the "${config.platform.name}" platform set (${config.platform.summary})\n` +
    `synth: backend: ${settings.description}${overrides}\n`,
);
