/**
 * How toHelmValues renders values: YAML that YAML 1.1 (Helm) and 1.2 read alike, and text that
 * Terraform's template evaluation leaves intact. What each chart's values are is compared with
 * the blueprint in helm-values-blueprint.test.ts.
 */
import { Lazy, TerraformHclModule, TerraformLocal, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { awsForFluentbitValues } from "../helm/aws-for-fluentbit";
import { clusterAutoscalerValues } from "../helm/cluster-autoscaler";
import { nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import { escapeTerraformTemplate, toHelmValues, toYaml } from "../helm/render";
import { evaluateAll } from "./helpers/terraform-eval";
import { parseBoth } from "./helpers/yaml";

function roundTrip(values: unknown): unknown {
  return parseBoth(toHelmValues(values));
}

/** Synthesizes a stack and returns the parsed Terraform JSON. */
function synthJson(stack: TerraformStack): Record<string, any> {
  return JSON.parse(Testing.synth(stack));
}

describe("toHelmValues: YAML rendering", () => {
  it("renders block style, keeps key order and does not fold long lines", () => {
    const long = `--${"x".repeat(200)}`;
    expect(toHelmValues({ z: 1, a: { list: ["one", long] }, m: "two words" })).toBe(
      `z: 1\na:\n  list:\n    - one\n    - ${long}\nm: two words\n`,
    );
  });

  it("writes multi-line strings as literal block scalars that read back unchanged", () => {
    const values = {
      block: "[PARSER]\n    Name    x\n",
      noFinalNewline: "a: 1\nb:\n- c",
      leadingSpaces: "  indented first line\nsecond\n",
      keptBlankLines: "a\n\n\n",
      trailingSpaces: "x  \ny\n",
    };
    const text = toHelmValues(values);
    expect(text).toContain("block: |\n  [PARSER]\n      Name    x\n");
    expect(text).toContain("noFinalNewline: |-\n  a: 1\n  b:\n  - c\n");
    expect(roundTrip(values)).toStrictEqual(values);
  });

  it("quotes strings that YAML 1.1 (Helm) would read as booleans, numbers or null", () => {
    const values = {
      on: "On",
      off: "Off",
      y: "y",
      no: "NO",
      t: "true",
      octal: "0755",
      hex: "0x1F",
      exp: "1e3",
      float: "32.0",
      tilde: "~",
      empty: "",
      date: "2001-12-14",
      sexagesimal: "1:20",
      quantity: "32.0Gi",
      realNull: null,
      realBool: false,
      realInt: 9003,
      realFloat: 1.5,
    };
    const text = toHelmValues(values);
    expect(text).toContain('"on": "On"\n');
    expect(text).toContain('octal: "0755"\n');
    expect(text).toContain("quantity: 32.0Gi\n");
    expect(roundTrip(values)).toStrictEqual(values);
  });

  it("round-trips token-free values of every shape", () => {
    const values = {
      nested: { deeper: { list: [1, "two", { three: [true, null] }], empty: {}, none: [] } },
      "key with spaces": "value: with colon",
      "k8s-app": "#not a comment",
      unicode: "naïve – ok",
      tab: "a\tb",
      star: "*",
      brackets: "nodes=[*]",
      quote: 'it\'s "quoted"',
      backslash: String.raw`C:\path\.log`,
    };
    expect(roundTrip(values)).toStrictEqual(values);
  });

  it("rejects values YAML cannot carry faithfully", () => {
    expect(() => toHelmValues({ a: { b: () => 1 } })).toThrow(/at a\.b: a function cannot be rendered/);
    expect(() => toHelmValues({ when: new Date(0) })).toThrow(/at when: only plain objects/);
    expect(() => toHelmValues({ list: Lazy.listValue({ produce: () => ["a"] }) })).toThrow(
      /at list: list or map tokens/,
    );
    expect(() => toHelmValues({ text: `x ${Lazy.listValue({ produce: () => ["a"] })[0]}` })).toThrow(
      /at text: list or map tokens/,
    );
    expect(() => toHelmValues({ map: Lazy.anyValue({ produce: () => ({}) }) })).toThrow(
      /at map: only plain objects.*unresolved token/,
    );
  });
});

describe("toHelmValues: Terraform template escaping", () => {
  it("escapes literal ${ and %{ in the text it returns", () => {
    expect(toHelmValues({ a: "${x}", b: "%{x}", c: "$${x}", d: "%%{ if }" })).toBe(
      'a: $${x}\nb: "%%{x}"\nc: $$${x}\nd: "%%%{ if }"\n',
    );
  });

  it("keeps those escapes in the synthesized Terraform JSON and resolves tokens to module outputs", () => {
    const stack = new TerraformStack(Testing.app(), "escaping");
    const eks = new TerraformHclModule(stack, "eks", {
      source: "acme/eks/aws",
      skipAssetCreationFromLocalModules: true,
    });
    new TerraformHclModule(stack, "addon", {
      source: "acme/addon/aws",
      variables: {
        values: [toHelmValues({ clusterName: eks.getString("cluster_name"), literal: "${x}", directive: "%{x}" })],
      },
    });
    const json = synthJson(stack);
    expect(json.module.addon.values).toStrictEqual([
      'clusterName: "${module.eks.cluster_name}"\nliteral: $${x}\ndirective: "%%{x}"\n',
    ]);
  });

  it("keeps a token live after an unclosed literal ${ and after a literal $", () => {
    const stack = new TerraformStack(Testing.app(), "edges");
    const eks = new TerraformHclModule(stack, "eks", { source: "acme/eks/aws" });
    const name = eks.getString("cluster_name");
    new TerraformHclModule(stack, "addon", {
      source: "acme/addon/aws",
      variables: {
        values: [toHelmValues({ unclosed: "${open", name, price: `$${name}` })],
      },
    });
    expect(synthJson(stack).module.addon.values).toStrictEqual([
      'unclosed: $${open\nname: "${""}${module.eks.cluster_name}"\nprice: "${"$"}${module.eks.cluster_name}"\n',
    ]);
  });

  it("decodes in real Terraform to the intended YAML, with variables substituted", async () => {
    const stack = new TerraformStack(Testing.app(), "terraform");
    const name = new TerraformVariable(stack, "name", { type: "string", default: "jupyterhub-on-eks" });
    const replicas = new TerraformVariable(stack, "replicas", { type: "number", default: 3 });
    const values = {
      literal: "${x} and %{x} and $${x} and %%{x}",
      unclosed: "${not closed",
      name: name.stringValue,
      dollar: `cost-$${name.stringValue}`,
      replicas: replicas.numberValue,
      inside: `open $\{ ${name.stringValue} }`,
      block: "line ${y}\n%{ if x }\n",
    };
    new TerraformLocal(stack, "rendered", toHelmValues(values));
    const { decoded } = await evaluateAll({ "main.tf.json": Testing.synth(stack) }, { decoded: "local.rendered" });
    expect(parseBoth(decoded as string)).toStrictEqual({
      literal: "${x} and %{x} and $${x} and %%{x}",
      unclosed: "${not closed",
      name: "jupyterhub-on-eks",
      dollar: "cost-$jupyterhub-on-eks",
      replicas: 3,
      inside: "open ${ jupyterhub-on-eks }",
      block: "line ${y}\n%{ if x }\n",
    });
  });

  it("escapeTerraformTemplate leaves token-free text without ${ or %{ untouched", () => {
    const text = "a: $HOME\nb: 100%\nc: '{x}'\nd: $\n";
    expect(escapeTerraformTemplate(text)).toBe(text);
  });
});

describe("toHelmValues: the charts' text", () => {
  it("cluster-autoscaler: Terraform references for its inputs stay live, double-quoted", () => {
    const stack = new TerraformStack(Testing.app(), "autoscaler");
    const eks = new TerraformHclModule(stack, "eks", { source: "acme/eks/aws" });
    const region = new TerraformVariable(stack, "region", { type: "string" });
    new TerraformHclModule(stack, "addons", {
      source: "acme/addons/aws",
      variables: {
        values: [
          toHelmValues(
            clusterAutoscalerValues({ awsRegion: region.stringValue, eksClusterId: eks.getString("cluster_name") }),
          ),
        ],
      },
    });
    const [text] = synthJson(stack).module.addons.values as string[];
    expect(text).toMatch(
      /^autoDiscovery:\n {2}clusterName: "\$\{module\.eks\.cluster_name\}"\nawsRegion: "\$\{var\.region\}"\n/,
    );
  });

  it("aws-for-fluentbit: an explicit null first, the fluent-bit sections as literal block scalars", () => {
    const text = toHelmValues(
      awsForFluentbitValues({ region: "us-west-2", cloudwatchLogGroup: "/jupyterhub-on-eks/aws-fluentbit-logs" }),
    );
    expect(text.startsWith("global: null\n")).toBe(true);
    expect(text).toContain(
      "  extraFilters: |\n    Kube_Tag_Prefix     systempods.\n    Regex_Parser        kubernetes\n",
    );
  });

  it("nvidia-device-plugin: the configuration documents as block scalars without a final newline", () => {
    expect(toHelmValues(nvidiaDevicePluginValues())).toContain(
      "    default: |-\n      version: v1\n      flags:\n        migStrategy: none\n",
    );
  });

  it("toYaml renders nested documents without Terraform escaping", () => {
    expect(toYaml({ a: "${x}", list: [1] }, { indentSequences: false })).toBe("a: ${x}\nlist:\n- 1\n");
  });
});
