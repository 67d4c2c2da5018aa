import { App } from "cdktf";
import { ConfigError, STACK_DIR, STACK_NAME, loadConfig } from "./config";
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
process.stderr.write(`synth: wrote ${STACK_DIR}/cdk.tf.json for the "${config.platform.name}" platform set (${config.platform.summary})\n`);
