import { App } from "cdktf";
import { STACK_NAME, loadConfig } from "./config";
import { JupyterHubStack } from "./stacks/jupyterhub";

const app = new App();
new JupyterHubStack(app, STACK_NAME, loadConfig());
app.synth();
