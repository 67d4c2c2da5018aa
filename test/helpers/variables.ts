/**
 * The harness of the variables tests: the variable and check blocks synthesized alone, and a
 * temporary Terraform directory that holds only them, on which the real `terraform plan`
 * runs the rules (no provider, no module, no network).
 */
import { TerraformStack, Testing } from "cdktf";
import {
  type AuthMechanism,
  addValueChecks,
  type BlueprintVariables,
  declareVariables,
  REQUIRED_TERRAFORM_VERSION,
} from "../../variables";
import { PLATFORM_SETS } from "../../versions";
import {
  makeTerraformDir,
  parseDiagnostics,
  removeTerraformDir,
  runTerraform,
  type TerraformDiagnostic,
} from "./terraform";

export interface SynthVariable {
  type: string;
  default: unknown;
  description?: string;
  sensitive?: boolean;
  nullable?: boolean;
  validation?: { condition: string; error_message: string }[];
}

export interface SynthCheck {
  assert: { condition: string; error_message: string }[];
}

/** The variables and the value checks (warnings) of the blueprint set, synthesized alone. */
export function synthVariables(): {
  vars: BlueprintVariables;
  variables: Record<string, SynthVariable>;
  checks: Record<string, SynthCheck>;
  json: Record<string, unknown>;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, "variables-under-test");
  // The blueprint set: its defaults are the blueprint's (but eks_cluster_version, see platforms.test.ts and platforms-eks-version-plan.test.ts).
  const vars = declareVariables(stack, PLATFORM_SETS.blueprint);
  addValueChecks(stack, PLATFORM_SETS.blueprint);
  const json = JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
  return {
    vars,
    variables: json.variable as Record<string, SynthVariable>,
    checks: (json.check ?? {}) as Record<string, SynthCheck>,
    json,
  };
}

/** The variables an expression reads. */
export function readsOf(hcl: string): Set<string> {
  return new Set([...hcl.matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]));
}

/** For each value check: the variables it reads, but the auth mode. */
export function checkReads(checks: Record<string, SynthCheck>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(checks).map(([name, c]) => {
      const read = new Set(c.assert.flatMap((a) => [...readsOf(a.condition + a.error_message)]));
      read.delete("jupyter_hub_auth_mechanism");
      return [name, [...read].sort()];
    }),
  );
}

export const CHECKS = synthVariables().checks;
export const CHECK_READS = checkReads(CHECKS);

export type Vars = Record<string, string | string[]>;

export interface PlanOutcome {
  code: number;
  stdout: string;
  stderr: string;
  errors: TerraformDiagnostic[];
  warnings: TerraformDiagnostic[];
}

/** The configuration the rules run in: the variable and check blocks, and the Terraform version they need. */
export function rulesConfig(): string {
  const { variables, checks } = synthVariables();
  const config = {
    terraform: { required_version: REQUIRED_TERRAFORM_VERSION },
    variable: variables,
    ...(Object.keys(checks).length > 0 ? { check: checks } : {}),
  };
  // Pretty-printed, so the source line terraform quotes is just `"<variable>": {`.
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A temporary directory with the rules' configuration; call `remove` in afterAll. */
export function makeRulesDir(extra: Record<string, string> = {}): { dir: string; remove: () => void } {
  const dir = makeTerraformDir({ "main.tf.json": rulesConfig(), ...extra });
  return { dir, remove: () => removeTerraformDir(dir) };
}

function varArgs(vars: Vars): string[] {
  return Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${Array.isArray(v) ? JSON.stringify(v) : v}`]);
}

/** `terraform plan` in `dir` with these -var values (JSON diagnostics unless json is false). */
export async function plan(
  dir: string,
  vars: Vars,
  options: { json?: boolean; env?: Record<string, string> } = {},
): Promise<PlanOutcome> {
  const json = options.json ?? true;
  const args = [
    "plan",
    "-input=false",
    "-lock=false",
    "-refresh=false",
    ...(json ? ["-json"] : ["-no-color"]),
    ...varArgs(vars),
  ];
  const result = await runTerraform(args, { cwd: dir, env: options.env });
  const diagnostics = json ? parseDiagnostics(result.stdout) : [];
  const errors = diagnostics.filter((d) => d.severity === "error");
  const warnings = diagnostics.filter((d) => d.severity === "warning");
  return { ...result, errors, warnings };
}

/** The check a warning comes from: "oauth_domain_plain_http" for `check.oauth_domain_plain_http.assert[0]`. */
export function checkOf(d: TerraformDiagnostic): string {
  return /^check\.([A-Za-z0-9_-]+)\./.exec(d.snippetContext ?? "")?.[1] ?? "?";
}

/** The variable a diagnostic points at, read from the quoted source line `"<name>": {`. */
export function variableOf(d: TerraformDiagnostic): string {
  const code = d.snippetCode ?? "";
  // `"vpc_cidr": {` in main.tf.json, or `vpc_cidr = "..."` when the value came from a .tfvars file.
  return /^\s*"([^"]+)":/.exec(code)?.[1] ?? /^\s*([A-Za-z0-9_]+)\s*=/.exec(code)?.[1] ?? "?";
}

/**
 * The default cluster_endpoint_public_access_cidrs (0.0.0.0/0) warns in every plan; the cases
 * start from a narrowed list so that a warning belongs to the case that causes it. The case
 * "the defaults, untouched" plans the true defaults.
 */
export const NARROW_API: Vars = { cluster_endpoint_public_access_cidrs: ["203.0.113.0/24"] };
export const COGNITO: Vars = {
  ...NARROW_API,
  jupyter_hub_auth_mechanism: "cognito",
  cognito_custom_domain: "acme-jupyterhub",
  acm_certificate_domain: "*.example.com",
  jupyterhub_domain: "hub.example.com",
};
export const OAUTH: Vars = {
  ...NARROW_API,
  jupyter_hub_auth_mechanism: "oauth",
  acm_certificate_domain: "*.example.com",
  jupyterhub_domain: "hub.example.com",
  oauth_domain: "https://keycloak.example.com/realms/master/protocol/openid-connect",
  oauth_jupyter_client_id: "jupyterhub",
  oauth_jupyter_client_secret: "not-a-real-secret",
  oauth_username_key: "preferred_username",
};

const BASES: Record<AuthMechanism, Vars> = { dummy: NARROW_API, cognito: COGNITO, oauth: OAUTH };

export interface Case {
  /** The complete configuration of this auth mode lies underneath `vars` (default: dummy, all defaults). */
  mode?: "cognito" | "oauth";
  /** The values under test. */
  vars: Vars;
  /** Omitted: the value must be accepted. */
  errors?: [variable: string, fragment: string][];
  /** The `check` blocks that must warn, by name (omitted: none may warn). */
  warnings?: [check: string, fragment: string][];
}

export interface CaseOutcome {
  /** The errors that belong to this case. */
  errors: TerraformDiagnostic[];
  /** The warnings that belong to this case. */
  warnings: TerraformDiagnostic[];
  /** Exit code and error count of the plan that ran this case (possibly with others). */
  planCode: number;
  planErrorCount: number;
  stderr: string;
}

export function expectAccepted(outcome: CaseOutcome): void {
  expect(outcome.errors.map((e) => `${variableOf(e)}: ${e.detail}`)).toEqual([]);
  if (outcome.planErrorCount === 0) expect(outcome.planCode, outcome.stderr).toBe(0);
}

/** Each expected [check, fragment] matches one warning, and there are no other warnings. */
export function expectWarnings(outcome: CaseOutcome, expected: [check: string, fragment: string][]): void {
  const got = outcome.warnings.map((w) => ({ check: checkOf(w), summary: w.summary, detail: w.detail }));
  for (const w of got) {
    expect(w.summary, w.detail).toBe("Check block assertion failed");
    // Like the validation messages, a warning starts with the variable it is about.
    expect(
      CHECK_READS[w.check]?.some((v) => w.detail.startsWith(`${v} `) || w.detail.startsWith(`${v}:`)),
      w.detail,
    ).toBe(true);
  }
  expect(got.length, JSON.stringify(got, null, 2)).toBe(expected.length);
  for (const [check, fragment] of expected) {
    expect(
      got.some((w) => w.check === check && w.detail.includes(fragment)),
      `expected a warning from check.${check} containing ${JSON.stringify(fragment)}, ` +
        `got ${JSON.stringify(got, null, 2)}`,
    ).toBe(true);
  }
}

/** Each expected [variable, fragment] matches one error, and there are no other errors. */
export function expectRejected(outcome: CaseOutcome, expected: [variable: string, fragment: string][]): void {
  expect(outcome.planCode).toBe(1);
  const got = outcome.errors.map((e) => ({ variable: variableOf(e), detail: e.detail }));
  for (const e of got) {
    expect(e.detail.startsWith(`${e.variable} `) || e.detail.startsWith(`${e.variable}:`), e.detail).toBe(true);
  }
  expect(got.length, JSON.stringify(got, null, 2)).toBe(expected.length);
  for (const [variable, fragment] of expected) {
    expect(
      got.some((e) => e.variable === variable && e.detail.includes(fragment)),
      `expected an error on ${variable} containing ${JSON.stringify(fragment)}, got ${JSON.stringify(got, null, 2)}`,
    ).toBe(true);
  }
}

interface Batch {
  mode: AuthMechanism;
  solo: boolean;
  cases: string[];
  vars: Vars;
  /** Every variable a case of this batch claims. */
  claimed: string[];
}

/**
 * The variables a case claims in its batch: those it sets, and every variable a check reads
 * together with one of them (a check on two variables would otherwise mix two cases).
 */
function claimedBy(c: Case): string[] {
  const keys = new Set(Object.keys(c.vars));
  for (const reads of Object.values(CHECK_READS)) {
    if (reads.some((v) => keys.has(v))) for (const v of reads) keys.add(v);
  }
  return [...keys];
}

/**
 * Packs cases into as few plans as possible. Every rule reads only its own variable and
 * jupyter_hub_auth_mechanism (variables-declaration.test.ts checks this), so cases on the same
 * auth mode that set different variables cannot affect each other, and each error belongs to
 * the case that set the variable it names; each warning belongs to the case that set a
 * variable its check reads (`claimedBy`). Cases that set the auth mode, or nothing at all,
 * run on their own.
 */
function batchCases(cases: Record<string, Case>): Batch[] {
  const batches: Batch[] = [];
  for (const [title, c] of Object.entries(cases)) {
    const keys = claimedBy(c);
    const mode = c.mode ?? "dummy";
    const solo = keys.length === 0 || keys.includes("jupyter_hub_auth_mechanism");
    let batch = solo
      ? undefined
      : batches.find((b) => !b.solo && b.mode === mode && keys.every((k) => !b.claimed.includes(k)));
    if (!batch) {
      batch = { mode, solo, cases: [], vars: {}, claimed: [] };
      batches.push(batch);
    }
    batch.cases.push(title);
    Object.assign(batch.vars, c.vars);
    batch.claimed.push(...keys);
  }
  return batches;
}

async function runPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** Plans every case in `dir` (batched, two terraform processes at a time) and returns each case's outcome. */
export async function planCases(dir: string, cases: Record<string, Case>): Promise<Map<string, CaseOutcome>> {
  const outcomes = new Map<string, CaseOutcome>();
  await runPool(batchCases(cases), 2, async (batch) => {
    const result = await plan(dir, { ...BASES[batch.mode], ...batch.vars });
    const owners = new Map<string, string>();
    for (const title of batch.cases) for (const k of claimedBy(cases[title])) owners.set(k, title);
    const ownsVariable = (title: string, variable: string) => {
      const owner = owners.get(variable);
      // A solo case owns everything; what nobody owns fails every case of the batch.
      return batch.solo || owner === title || owner === undefined;
    };
    for (const title of batch.cases) {
      const errors = result.errors.filter((e) => ownsVariable(title, variableOf(e)));
      const warnings = result.warnings.filter((w) => {
        const reads = CHECK_READS[checkOf(w)] ?? [];
        return batch.solo || reads.length === 0 || reads.some((v) => ownsVariable(title, v));
      });
      outcomes.set(title, {
        errors,
        warnings,
        planCode: result.code,
        planErrorCount: result.errors.length,
        stderr: result.stderr,
      });
    }
  });
  return outcomes;
}

/** Declares one `it` per case, each checking the outcome of its plan against the case. */
export function describeCases(title: string, cases: Record<string, Case>): void {
  describe(title, () => {
    let rules: { dir: string; remove: () => void } | undefined;
    let outcomes = new Map<string, CaseOutcome>();
    beforeAll(async () => {
      rules = makeRulesDir();
      outcomes = await planCases(rules.dir, cases);
      // Some twenty terraform processes: a few seconds on an idle machine, more on a busy one.
    }, 180_000);
    afterAll(() => rules?.remove());

    it.each(Object.entries(cases))("%s", (name, c) => {
      const outcome = outcomes.get(name);
      expect(outcome).toBeDefined();
      if (c.errors) expectRejected(outcome!, c.errors);
      else expectAccepted(outcome!);
      expectWarnings(outcome!, c.warnings ?? []);
    });
  });
}
