/**
 * Renders every helm values document of the blueprint and of the synthesized stack with the
 * real terraform, from the same sample inputs, in one `terraform console` run.
 *
 * Blueprint side: the `templatefile(...)` calls and the inline `<<-EOT` values of the vendored
 * test/fixtures/blueprint/addons.tf, as written there, read the vendored values files from
 * test/fixtures/blueprint/helm/ (the blueprint's bytes). Our side: the values strings of the
 * synthesized Terraform JSON (JupyterHub: `local.jupyterhub_values`, through the expression the
 * release reads). On both sides the references are pointed at sample values:
 *
 * - `var.x` reads the sample variables of the auth mode (`sampleVariables`);
 * - `local.x` is that side's own definition of the local (the blueprint's from its .tf files,
 *   ours from the stack's `locals`), itself rewritten the same way;
 * - `module.*`, `data.*` and resources read stand-ins (`sampleResources`), where a resource
 *   with `count = 0` in that mode is an empty list, so `try(x[0].id, "")` gives "" as in a plan.
 *
 * Only the referenced things need a sample; anything else fails the terraform run by name.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { TerraformJson } from "./synth";
import { evaluateAll } from "./terraform-eval";

export const MODES = ["dummy", "cognito", "oauth"] as const;
export type Mode = (typeof MODES)[number];

export const BLUEPRINT_DIR = join(__dirname, "..", "fixtures", "blueprint");

/** The sample variables of one auth mode; the oauth_* ones stay empty outside oauth mode, as the blueprint's guide says. */
export function sampleVariables(mode: Mode, stack: TerraformJson): Record<string, unknown> {
  return {
    name: "sample-hub",
    region: "eu-west-1",
    jupyter_hub_auth_mechanism: mode,
    acm_certificate_domain: "*.example.com",
    jupyterhub_domain: "jupyter.example.com",
    cognito_custom_domain: "sample-team",
    // An all-digit client id, as some providers issue: YAML must keep it a string.
    oauth_jupyter_client_id: mode === "oauth" ? "123456" : "",
    oauth_jupyter_client_secret: mode === "oauth" ? "sample-oauth-secret" : "",
    oauth_domain: mode === "oauth" ? "https://idp.example.com/realms/sample/protocol/openid-connect" : "",
    oauth_username_key: mode === "oauth" ? "preferred_username" : "",
    // Our variable only (the blueprint hard-codes the value): its default.
    jupyterhub_load_balancer_scheme: stack.variable.jupyterhub_load_balancer_scheme.default,
  };
}

/** Stand-ins for the modules, data sources and resources the values read, in one auth mode. */
export function sampleResources(mode: Mode): Record<string, unknown> {
  const withCount = <T>(on: boolean, value: T): T[] => (on ? [value] : []);
  const cognito = mode === "cognito";
  return {
    module: {
      eks: { cluster_name: "sample-hub" },
      eks_blueprints_addons: {
        karpenter: { node_iam_role_arn: "arn:aws:iam::111122223333:role/karpenter-sample-hub-node" },
      },
      vpc: { private_subnets: ["subnet-0a", "subnet-0b", "subnet-0c", "subnet-0d", "subnet-0e", "subnet-0f"] },
    },
    data: {
      aws_acm_certificate: {
        issued: withCount(mode !== "dummy", { arn: "arn:aws:acm:eu-west-1:111122223333:certificate/sample" }),
      },
    },
    aws_cognito_user_pool_client: {
      user_pool_client: withCount(cognito, { id: "sampleclientid", client_secret: "sample-cognito-secret" }),
    },
    aws_cognito_user_pool: { pool: withCount(cognito, { id: "eu-west-1_SamplePool" }) },
    aws_cognito_identity_pool: {
      identity_pool: withCount(cognito, { id: "eu-west-1:00000000-0000-0000-0000-000000000000" }),
    },
    kubernetes_service_account_v1: {
      jupyterhub_single_user_sa: { metadata: [{ name: "sample-hub-jupyterhub-single-user" }] },
    },
    kubernetes_secret_v1: {
      jupyterhub_oauth_client: withCount(mode !== "dummy", { metadata: [{ name: "jupyterhub-oauth-client" }] }),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Scanning HCL source
// ---------------------------------------------------------------------------------------

/** Index after the quoted string whose opening quote is at `i`. */
function skipQuoted(s: string, i: number): number {
  for (i++; i < s.length; ) {
    if (s[i] === "\\") i += 2;
    else if (s[i] === '"') return i + 1;
    else if (s.startsWith("${", i) || s.startsWith("%{", i)) i = skipBracketed(s, i + 2, "}");
    else i++;
  }
  throw new Error("unterminated string");
}

/** Index after the `close` that ends the bracketed text whose body starts at `i`. */
function skipBracketed(s: string, i: number, close: string): number {
  const stack = [close];
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = skipQuoted(s, i);
      continue;
    }
    if (c === "(") stack.push(")");
    else if (c === "[") stack.push("]");
    else if (c === "{") stack.push("}");
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
    i++;
  }
  throw new Error(`unbalanced ${close}`);
}

/** Every `templatefile(...)` call of an HCL text, as written. */
export function templatefileCalls(hcl: string): string[] {
  const calls: string[] = [];
  for (const m of hcl.matchAll(/templatefile\(/g)) {
    const start = m.index!;
    calls.push(hcl.slice(start, skipBracketed(hcl, start + m[0].length, ")")));
  }
  return calls;
}

/** Every `<key> = { ... values = [ <<-EOT ... EOT ] }` of an HCL text: key -> the heredoc's lines (indented as written). */
export function heredocValues(hcl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of hcl.matchAll(/([\w-]+)\s*=\s*\{[^{}]*?values\s*=\s*\[\s*<<-EOT\n([\s\S]*?)\n[ \t]*EOT\s*\]/g)) {
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** The single-line entries of the `locals` blocks of HCL texts: name -> expression. */
export function hclLocals(texts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of texts) {
    for (const block of text.matchAll(/^locals\s*\{\n([\s\S]*?)^\}/gm)) {
      for (const line of block[1]!.matchAll(/^ {2}(\w+)\s*=\s*(.+)$/gm)) {
        const expr = line[2]!.trim();
        // Only complete one-line expressions (a multi-line map or call is skipped).
        try {
          if (/[[({]$/.test(expr)) continue;
          skipBracketed(`${expr})`, 0, ")");
          out[line[1]!] = expr;
        } catch {
          // not balanced on one line
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Pointing references at the samples
// ---------------------------------------------------------------------------------------

type Side = "bp" | "ours";

const REFERENCE = /(?<![\w.$-])(var|local|module|data|aws_[a-z0-9_]+|kubernetes_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g;

/** Rewrites the references of an HCL expression; `needLocal` learns each `local.x` read. */
function rewriteExpr(expr: string, side: Side, mode: Mode, needLocal: (name: string) => void): string {
  return expr.replace(REFERENCE, (_m, root: string, next: string) => {
    if (root === "var") return `local.vars_${mode}.${next}`;
    if (root === "local") {
      needLocal(next);
      return `local.${side}_${mode}_local_${next}`;
    }
    return `local.res_${mode}.${root}.${next}`;
  });
}

/** Rewrites the expressions inside the `${...}` of a template, leaving its text and its `$${` / `%%{` escapes alone. */
export function rewriteTemplate(template: string, rewrite: (expr: string) => string): string {
  let out = "";
  for (let i = 0; i < template.length; ) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      out += template.slice(i, i + 3);
      i += 3;
    } else if (template.startsWith("${", i)) {
      const end = skipBracketed(template, i + 2, "}");
      out += `\${${rewrite(template.slice(i + 2, end - 1))}}`;
      i = end;
    } else if (template.startsWith("%{", i)) {
      throw new Error(`template directives are not supported here: ${template.slice(i, i + 40)}`);
    } else {
      out += template[i++];
    }
  }
  return out;
}

function rewriteJson(value: unknown, rewrite: (expr: string) => string): unknown {
  if (typeof value === "string") return rewriteTemplate(value, rewrite);
  if (Array.isArray(value)) return value.map((v) => rewriteJson(v, rewrite));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteJson(v, rewrite)]));
  return value;
}

// ---------------------------------------------------------------------------------------
// Both sides' values
// ---------------------------------------------------------------------------------------

/** A values document: its chart name (`jupyterhub{cognito}` per mode), the auth mode it is rendered in, and its source on each side. */
interface Source {
  chart: string;
  mode: Mode;
  /** Blueprint: an HCL expression. */
  bp: string;
  /** Ours: a Terraform JSON template string. */
  ours: string;
}

/** Which module input of the stack holds the values of each chart the blueprint renders from a file. */
const OUR_VALUES: Record<string, (json: TerraformJson) => string> = {
  "metrics-server": (j) => j.module.eks_blueprints_addons.metrics_server.values[0],
  "cluster-autoscaler": (j) => j.module.eks_blueprints_addons.cluster_autoscaler.values[0],
  "kube-prometheus-stack": (j) => j.module.eks_blueprints_addons.kube_prometheus_stack.values[0],
  "aws-for-fluentbit": (j) => j.module.eks_blueprints_addons.aws_for_fluentbit.values[0],
  kubecost: (j) => j.module.eks_data_addons.kubecost_helm_config.values[0],
  jupyterhub: (j) => j.module.eks_data_addons.jupyterhub_helm_config.values[0],
  "nvidia-device-plugin": (j) => j.module.eks_data_addons.nvidia_device_plugin_helm_config.values[0],
};

function sources(json: TerraformJson, addonsTf: string): Source[] {
  const out: Source[] = [];
  for (const call of templatefileCalls(addonsTf)) {
    const chart = /\/helm\/([^/]+)\//.exec(call)?.[1];
    if (!chart || !OUR_VALUES[chart])
      throw new Error(`a templatefile call of addons.tf reads no known chart: ${call.slice(0, 80)}`);
    const perMode = call.includes("var.jupyter_hub_auth_mechanism");
    for (const mode of perMode ? MODES : (["dummy"] as const)) {
      out.push({ chart: perMode ? `${chart}{${mode}}` : chart, mode, bp: call, ours: OUR_VALUES[chart]!(json) });
    }
  }
  const heredocs = heredocValues(addonsTf);
  const karpenter = json.module.eks_data_addons.karpenter_resources_helm_config as Record<string, { values: string[] }>;
  for (const [key, lines] of Object.entries(heredocs)) {
    const bp = `<<-EOT\n${lines}\nEOT\n`;
    if (key === "nvidia_device_plugin_helm_config")
      out.push({ chart: "nvidia-device-plugin", mode: "dummy", bp, ours: OUR_VALUES["nvidia-device-plugin"]!(json) });
    else if (karpenter[key])
      out.push({ chart: `karpenter-resources{${key}}`, mode: "dummy", bp, ours: karpenter[key]!.values[0]! });
    else throw new Error(`inline values of addons.tf for ${key}: no such release in the stack`);
  }
  return out;
}

/** Rendered values text per chart: chart -> { blueprint, ours }. */
export type RenderedValues = Record<string, { blueprint: string; ours: string }>;

/** Renders every values document of both sides with the real terraform (one process). */
export async function renderValues(json: TerraformJson): Promise<RenderedValues> {
  const tfFiles = readdirSync(BLUEPRINT_DIR).filter((f) => f.endsWith(".tf"));
  const tfTexts = tfFiles.map((f) => readFileSync(join(BLUEPRINT_DIR, f), "utf8"));
  const addonsTf = readFileSync(join(BLUEPRINT_DIR, "addons.tf"), "utf8");
  const bpLocals = hclLocals(tfTexts);
  const list = sources(json, addonsTf);

  const hclLines: string[] = [];
  const jsonLocals: Record<string, unknown> = {};
  const expressions: Record<string, string> = {};
  for (const mode of MODES) {
    jsonLocals[`vars_${mode}`] = sampleVariables(mode, json);
    jsonLocals[`res_${mode}`] = sampleResources(mode);
  }
  // Each side's locals, defined on demand per mode (a local may read other locals).
  const defined = new Set<string>();
  const need = (side: Side, mode: Mode) => (name: string) => {
    const id = `${side}_${mode}_local_${name}`;
    if (defined.has(id)) return;
    defined.add(id);
    if (side === "bp") {
      const expr = bpLocals[name];
      if (expr === undefined)
        throw new Error(
          `the blueprint's local.${name} is not a one-line local of ${relative(process.cwd(), BLUEPRINT_DIR)}`,
        );
      hclLines.push(`  ${id} = ${rewriteExpr(expr, side, mode, need(side, mode))}`);
    } else {
      if (!(name in json.locals)) throw new Error(`the stack has no local.${name}`);
      jsonLocals[id] = rewriteJson(json.locals[name], (e) => rewriteExpr(e, side, mode, need(side, mode)));
    }
  };
  list.forEach((s, i) => {
    hclLines.push(`  bp_values_${i} = ${rewriteExpr(s.bp, "bp", s.mode, need("bp", s.mode))}`);
    jsonLocals[`ours_values_${i}`] = rewriteTemplate(s.ours, (e) =>
      rewriteExpr(e, "ours", s.mode, need("ours", s.mode)),
    );
    expressions[`${s.chart}/blueprint`] = `local.bp_values_${i}`;
    expressions[`${s.chart}/ours`] = `local.ours_values_${i}`;
  });

  // templatefile reads the values files relative to the module: the vendored helm/ directory goes beside it.
  const files: Record<string, string> = {
    "blueprint.tf": `locals {\n${hclLines.join("\n")}\n}\n`,
    "ours.tf.json": JSON.stringify({ locals: jsonLocals }, null, 1),
  };
  for (const rel of listFiles(join(BLUEPRINT_DIR, "helm")))
    files[join("helm", rel)] = readFileSync(join(BLUEPRINT_DIR, "helm", rel), "utf8");
  const values = await evaluateAll(files, expressions);
  const out: RenderedValues = {};
  for (const s of list)
    out[s.chart] = { blueprint: values[`${s.chart}/blueprint`] as string, ours: values[`${s.chart}/ours`] as string };
  return out;
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), join(prefix, e.name)) : [join(prefix, e.name)],
  );
}
