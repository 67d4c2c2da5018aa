import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TerraformHclModule, TerraformLocal, TerraformStack, TerraformVariable, Testing, Lazy } from "cdktf";
import { parse } from "yaml";
import { awsForFluentbitValues } from "../helm/aws-for-fluentbit";
import { clusterAutoscalerValues } from "../helm/cluster-autoscaler";
import { efsReleaseValues, efsReleaseValuesYaml } from "../helm/efs-release";
import { kubePrometheusStackValues } from "../helm/kube-prometheus-stack";
import { kubecostValues } from "../helm/kubecost";
import { metricsServerValues } from "../helm/metrics-server";
import { nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import { escapeTerraformTemplate, toHelmValues, toYaml } from "../helm/render";
import { LOCAL_CHARTS } from "../versions";

/**
 * Parses rendered values the way both YAML 1.2 tools and Helm's YAML 1.1
 * parser would, and insists the two readings agree (no "On" turning into a
 * boolean on one side only).
 */
function parseBoth(text: string): unknown {
  const v12 = parse(text);
  const v11 = parse(text, { version: "1.1" });
  expect(v11).toStrictEqual(v12);
  return v12;
}

function roundTrip(values: unknown): unknown {
  return parseBoth(toHelmValues(values));
}

/** Synthesizes a stack and returns the parsed Terraform JSON. */
function synthJson(stack: TerraformStack): Record<string, any> {
  return JSON.parse(Testing.synth(stack));
}

/**
 * Evaluates an expression with the real terraform binary against a directory
 * holding only the given Terraform JSON (no providers, no modules: works
 * offline). The value comes back base64-encoded so console quoting cannot
 * interfere.
 */
function terraformEvalString(terraformJson: string, expression: string): string {
  const dir = mkdtempSync(join(tmpdir(), "helm-values-"));
  try {
    writeFileSync(join(dir, "main.tf.json"), terraformJson);
    const cliConfig = join(dir, "empty.tfrc");
    writeFileSync(cliConfig, "");
    let out: string;
    try {
      out = execFileSync("terraform", ["console"], {
        cwd: dir,
        input: `base64encode(${expression})\n`,
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error(
          "terraform is not on PATH: install the Terraform CLI (>= 1.5, https://developer.hashicorp.com/terraform/install) to run this test",
        );
      }
      throw e;
    }
    const b64 = out.trim().replace(/^"|"$/g, "");
    return Buffer.from(b64, "base64").toString("utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      quote: "it's \"quoted\"",
      backslash: String.raw`C:\path\.log`,
    };
    expect(roundTrip(values)).toStrictEqual(values);
  });

  it("rejects values YAML cannot carry faithfully", () => {
    expect(() => toHelmValues({ a: { b: () => 1 } })).toThrow(/at a\.b: a function cannot be rendered/);
    expect(() => toHelmValues({ when: new Date(0) })).toThrow(/at when: only plain objects/);
    expect(() => toHelmValues({ list: Lazy.listValue({ produce: () => ["a"] }) })).toThrow(/at list: list or map tokens/);
    expect(() => toHelmValues({ text: `x ${Lazy.listValue({ produce: () => ["a"] })[0]}` })).toThrow(/at text: list or map tokens/);
    expect(() => toHelmValues({ map: Lazy.anyValue({ produce: () => ({}) }) })).toThrow(/at map: only plain objects.*unresolved token/);
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
    const eks = new TerraformHclModule(stack, "eks", { source: "acme/eks/aws", skipAssetCreationFromLocalModules: true });
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

  it("decodes in real Terraform to the intended YAML, with variables substituted", () => {
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
    const decoded = terraformEvalString(Testing.synth(stack), "local.rendered");
    expect(parseBoth(decoded)).toStrictEqual({
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

describe("chart values (parsed back after rendering)", () => {
  it("metrics-server", () => {
    expect(roundTrip(metricsServerValues())).toStrictEqual({
      image: { repository: "registry.k8s.io/metrics-server/metrics-server", pullPolicy: "IfNotPresent" },
      serviceAccount: { create: true, name: "metrics-server" },
      rbac: { create: true, pspEnabled: false },
      apiService: { create: true },
      podLabels: { "k8s-app": "metrics-server" },
      replicas: 2,
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      defaultArgs: [
        "--cert-dir=/tmp",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--kubelet-use-node-status-port",
        "--metric-resolution=15s",
      ],
      resources: { requests: { cpu: "200m", memory: "512Mi" } },
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { "k8s-app": "metrics-server" } },
              namespaces: ["kube-system"],
              topologyKey: "kubernetes.io/hostname",
            },
          ],
        },
      },
    });
  });

  it("cluster-autoscaler", () => {
    expect(roundTrip(clusterAutoscalerValues({ awsRegion: "us-west-2", eksClusterId: "jupyterhub-on-eks" }))).toStrictEqual({
      autoDiscovery: { clusterName: "jupyterhub-on-eks" },
      awsRegion: "us-west-2",
      cloudProvider: "aws",
      extraArgs: { "aws-use-static-instance-list": true },
      resources: {
        limits: { cpu: "1000m", memory: "1G" },
        requests: { cpu: "200m", memory: "512Mi" },
      },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
    });
  });

  it("cluster-autoscaler with Terraform references for its inputs", () => {
    const stack = new TerraformStack(Testing.app(), "autoscaler");
    const eks = new TerraformHclModule(stack, "eks", { source: "acme/eks/aws" });
    const region = new TerraformVariable(stack, "region", { type: "string" });
    new TerraformHclModule(stack, "addons", {
      source: "acme/addons/aws",
      variables: {
        values: [toHelmValues(clusterAutoscalerValues({ awsRegion: region.stringValue, eksClusterId: eks.getString("cluster_name") }))],
      },
    });
    const [text] = synthJson(stack).module.addons.values as string[];
    expect(text).toMatch(/^autoDiscovery:\n  clusterName: "\$\{module\.eks\.cluster_name\}"\nawsRegion: "\$\{var\.region\}"\n/);
  });

  it("kube-prometheus-stack", () => {
    const dnsJob = (job_name: string, metrics_path: string, host: string, port: number) => ({
      job_name,
      honor_labels: true,
      scrape_interval: "1m",
      scrape_timeout: "10s",
      metrics_path,
      scheme: "http",
      dns_sd_configs: [{ names: [host], type: "A", port }],
    });
    expect(roundTrip(kubePrometheusStackValues())).toStrictEqual({
      prometheus: {
        prometheusSpec: {
          resources: { requests: { memory: "4Gi", cpu: 2 } },
          retention: "5h",
          scrapeInterval: "30s",
          evaluationInterval: "30s",
          scrapeTimeout: "10s",
          storageSpec: {
            volumeClaimTemplate: {
              metadata: { name: "data" },
              spec: {
                storageClassName: "gp3",
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: "100Gi" } },
              },
            },
          },
          additionalScrapeConfigs: [
            dnsJob("kubecost", "/metrics", "kubecost-cost-analyzer.kubecost.svc", 9003),
            dnsJob("jupyterhub", "/hub/metrics", "hub.jupyterhub.svc", 8081),
            {
              job_name: "gpu-metrics",
              scrape_interval: "1m",
              metrics_path: "/metrics",
              scheme: "http",
              kubernetes_sd_configs: [{ role: "endpoints", namespaces: { names: ["gpu-operator"] } }],
              relabel_configs: [
                { source_labels: ["__meta_kubernetes_pod_node_name"], action: "replace", target_label: "kubernetes_node" },
              ],
            },
          ],
        },
      },
      alertmanager: { enabled: false },
      grafana: {
        enabled: true,
        defaultDashboardsEnabled: true,
        resources: { requests: { memory: "4Gi", cpu: 2 } },
        sidecar: { datasources: { alertmanager: { enabled: false } } },
      },
      "kube-state-metrics": {
        metricLabelsAllowlist: ["pods=[app,component,hub.jupyter.org/username]", "nodes=[*]"],
      },
    });
  });

  it("aws-for-fluentbit", () => {
    const values = awsForFluentbitValues({ region: "us-west-2", cloudwatchLogGroup: "/jupyterhub-on-eks/aws-fluentbit-logs" });
    const text = toHelmValues(values);
    expect(text.startsWith("global: null\n")).toBe(true);
    expect(text).toContain(
      "  extraFilters: |\n    Kube_Tag_Prefix     systempods.\n    Regex_Parser        kubernetes\n",
    );
    expect(parseBoth(text)).toStrictEqual({
      global: null,
      hostNetwork: true,
      dnsPolicy: "ClusterFirstWithHostNet",
      service: {
        parsersFiles: ["/fluent-bit/parsers/parsers.conf"],
        extraParsers:
          "[PARSER]\n" +
          "    Name    kubernetes\n" +
          "    Format  regex\n" +
          "    Regex   ^(?<namespace_name>[^_]+)\\.(?<container_name>.+)\\.(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\\.(?<docker_id>[a-z0-9]{64})-$\n",
      },
      input: {
        name: "tail",
        enabled: true,
        tag: "systempods.<namespace_name>.<container_name>.<pod_name>.<docker_id>-",
        path: "/var/log/containers/*.log",
        db: "/var/log/flb_kube.db",
        memBufLimit: "5MB",
        skipLongLines: "On",
        refreshInterval: 10,
        extraInputs:
          "multiline.parser  docker, cri\n" +
          "Tag_Regex         (?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\\.log$\n",
      },
      filter: {
        name: "kubernetes",
        match: "systempods.*",
        kubeURL: "https://kubernetes.default.svc.cluster.local:443",
        mergeLog: "On",
        mergeLogKey: "log_processed",
        keepLog: "On",
        k8sLoggingParser: "On",
        k8sLoggingExclude: "Off",
        bufferSize: "0",
        extraFilters:
          "Kube_Tag_Prefix     systempods.\n" +
          "Regex_Parser        kubernetes\n" +
          "Labels              On\n" +
          "Annotations         Off\n" +
          "Use_Kubelet         true\n" +
          "Kubelet_Port        10250\n" +
          "Kube_CA_File        /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n" +
          "Kube_Token_File     /var/run/secrets/kubernetes.io/serviceaccount/token\n",
      },
      cloudWatchLogs: {
        enabled: true,
        match: "systempods.*",
        region: "us-west-2",
        logGroupName: "/jupyterhub-on-eks/aws-fluentbit-logs",
        autoCreateGroup: false,
        extraOutputs: "log_key               log\n",
      },
      resources: {
        limits: { cpu: "1000m", memory: "1500Mi" },
        requests: { cpu: "500m", memory: "500Mi" },
      },
      priorityClassName: "system-node-critical",
      tolerations: [{ operator: "Exists" }],
    });
  });

  it("kubecost", () => {
    expect(roundTrip(kubecostValues())).toStrictEqual({
      global: {
        prometheus: { fqdn: "http://kube-prometheus-stack-prometheus.kube-prometheus-stack.svc:9090", enabled: false },
      },
      prometheus: {
        nodeExporter: { enabled: false },
        serviceAccounts: { nodeExporter: { create: false } },
        kubeStateMetrics: { enabled: false },
      },
      kubecostFrontend: {
        image: "public.ecr.aws/kubecost/frontend",
        resources: { requests: { cpu: "200m", memory: "512Mi" } },
      },
      kubecostMetrics: { emitPodAnnotations: true, emitNamespaceAnnotations: true },
      kubecostModel: {
        image: "public.ecr.aws/kubecost/cost-model",
        resources: { requests: { cpu: "500m", memory: "512Mi" } },
      },
      persistentVolume: { size: "32Gi", dbSize: "32.0Gi", enabled: true, storageClass: "gp3" },
      grafana: { enabled: false },
    });
  });

  describe("nvidia-device-plugin", () => {
    const gpuTaint = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
    const userTaint = { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" };
    // The configuration documents exactly as the blueprint's block scalars hold them.
    const defaultConfigText =
      "version: v1\n" +
      "flags:\n" +
      "  migStrategy: none\n" +
      "sharing:\n" +
      "  timeSlicing:\n" +
      "    resources:\n" +
      "    - name: nvidia.com/gpu\n" +
      "      replicas: 4";
    const a100ConfigText =
      "version: v1\n" +
      "flags:\n" +
      "  migStrategy: mixed\n" +
      "sharing:\n" +
      "  timeSlicing:\n" +
      "    resources:\n" +
      "    - name: nvidia.com/gpu\n" +
      "      replicas: 8\n" +
      "    - name: nvidia.com/mig-1g.5gb\n" +
      "      replicas: 2\n" +
      "    - name: nvidia.com/mig-2g.10gb\n" +
      "      replicas: 2\n" +
      "    - name: nvidia.com/mig-3g.20gb\n" +
      "      replicas: 3\n" +
      "    - name: nvidia.com/mig-7g.40gb\n" +
      "      replicas: 7";

    it("renders the blueprint's values, configuration documents included, with 4 replicas per GPU by default", () => {
      expect(roundTrip(nvidiaDevicePluginValues())).toStrictEqual({
        mixedStrategy: "mixed",
        config: { map: { default: defaultConfigText, "nvidia-a100g": a100ConfigText } },
        gfd: { enabled: true },
        nfd: { worker: { tolerations: [gpuTaint, { operator: "Exists" }, userTaint] } },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, gpuTaint, userTaint],
      });
    });

    it("configuration documents parse to the intended objects", () => {
      const { config } = nvidiaDevicePluginValues();
      expect(parseBoth(config.map.default ?? "")).toStrictEqual({
        version: "v1",
        flags: { migStrategy: "none" },
        sharing: { timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: 4 }] } },
      });
      expect(parseBoth(config.map["nvidia-a100g"] ?? "")).toStrictEqual({
        version: "v1",
        flags: { migStrategy: "mixed" },
        sharing: {
          timeSlicing: {
            resources: [
              { name: "nvidia.com/gpu", replicas: 8 },
              { name: "nvidia.com/mig-1g.5gb", replicas: 2 },
              { name: "nvidia.com/mig-2g.10gb", replicas: 2 },
              { name: "nvidia.com/mig-3g.20gb", replicas: 3 },
              { name: "nvidia.com/mig-7g.40gb", replicas: 7 },
            ],
          },
        },
      });
    });

    it("embeds the documents as block scalars without a final newline", () => {
      expect(toHelmValues(nvidiaDevicePluginValues())).toContain(
        "    default: |-\n      version: v1\n      flags:\n        migStrategy: none\n",
      );
    });

    it("takes the replicas per GPU of the default configuration as a parameter", () => {
      const { config } = nvidiaDevicePluginValues({ timeSlicingReplicas: 2 });
      expect(config.map.default).toBe(defaultConfigText.replace("replicas: 4", "replicas: 2"));
      expect(config.map["nvidia-a100g"]).toBe(a100ConfigText);
      expect(() => nvidiaDevicePluginValues({ timeSlicingReplicas: 0 })).toThrow(/positive whole number/);
      expect(() => nvidiaDevicePluginValues({ timeSlicingReplicas: 1.5 })).toThrow(/positive whole number/);
      expect(() => nvidiaDevicePluginValues({ timeSlicingReplicas: Lazy.numberValue({ produce: () => 3 }) })).toThrow(
        /known at synth time/,
      );
    });
  });

  it("efs releases: the blueprint's bytes, which parse to the typed values", () => {
    const dnsName = "fs-0123456789abcdef0.efs.us-west-2.amazonaws.com";
    // awslabs/data-on-eks@a32d9f2:ai-ml/jupyterhub/jupyterhub.tf, the `<<-EOT` values of module.efs_config.
    expect(efsReleaseValuesYaml({ name: "efs-persist", dnsName: "${aws_efs_file_system.efs.dns_name}" })).toBe(
      "pv:\n  name: efs-persist\n  dnsName: ${aws_efs_file_system.efs.dns_name}\npvc:\n  name: efs-persist\n",
    );
    for (const name of ["efs-persist", "efs-persist-shared"]) {
      expect(parse(efsReleaseValuesYaml({ name, dnsName }))).toStrictEqual(efsReleaseValues({ name, dnsName }));
    }
    expect(() => efsReleaseValuesYaml({ name: "a: b", dnsName })).toThrow(/needs quoting/);
    expect(roundTrip(efsReleaseValues({ name: "efs-persist", dnsName }))).toStrictEqual({
      pv: { name: "efs-persist", dnsName },
      pvc: { name: "efs-persist" },
    });
    expect(roundTrip(efsReleaseValues({ name: "efs-persist-shared", dnsName }))).toStrictEqual({
      pv: { name: "efs-persist-shared", dnsName },
      pvc: { name: "efs-persist-shared" },
    });
  });

  it("toYaml renders nested documents without Terraform escaping", () => {
    expect(toYaml({ a: "${x}", list: [1] }, { indentSequences: false })).toBe("a: ${x}\nlist:\n- 1\n");
  });
});

describe("local efs chart (helm/efs)", () => {
  const chartDir = resolve(__dirname, "..", "helm", "efs");
  const read = (rel: string) => readFileSync(join(chartDir, rel), "utf8");

  /**
   * Stand-in for helm's renderer, for the only actions the templates may use:
   * `{{ .Values.a.b }}` and `{{ required "msg" .Values.a.b }}`. Any other
   * action fails the test, so the templates stay within what is checked here.
   */
  function renderTemplate(text: string, values: Record<string, Record<string, string>>): string {
    return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, action: string) => {
      const m = /^(?:required "[^"]+" )?\.Values\.(\w+)\.(\w+)$/.exec(action);
      if (m === null) throw new Error(`unexpected template action: {{ ${action} }}`);
      const value = values[m[1] ?? ""]?.[m[2] ?? ""];
      if (action.startsWith("required") && !value) throw new Error(`required value .Values.${m[1]}.${m[2]} is empty`);
      return value ?? "";
    });
  }

  it("is the blueprint's chart, byte for byte, so the adopted releases plan no change", () => {
    // sha256 of awslabs/data-on-eks@a32d9f25ab85f75f167ee9dae4438c6e20292a2c:ai-ml/jupyterhub/helm/efs/*
    const blueprint: Record<string, string> = {
      "Chart.yaml": "8b03cd9bcad54cad648f36492bc91c8f04d00e199ec0325a1b7de2ed4c277148",
      "values.yaml": "3b8fdc4f0aa21abadcad1d2963e9ac004f0791954b22783be861dda86f3da5c6",
      "templates/efs-pv.yaml": "1c1bf0bb78ca3d62dee4f9d0ba6d0d1bd7ecce514f33681dc5b489527ace3c5e",
      "templates/efs-pvc.yaml": "0051aabe62bdb9d644760c4e79abc93cca30f5b33064a0303190cb3f7040e97b",
    };
    for (const [file, sha] of Object.entries(blueprint)) {
      expect(createHash("sha256").update(readFileSync(join(chartDir, file))).digest("hex"), file).toBe(sha);
    }
  });

  it("Chart.yaml declares the chart", () => {
    const chart = parse(read("Chart.yaml")) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: "v2", name: "efs", version: LOCAL_CHARTS.efs.version, appVersion: LOCAL_CHARTS.efs.version });
    expect(Object.keys(chart).sort()).toStrictEqual(["apiVersion", "appVersion", "description", "name", "version"]);
    expect(typeof chart.description).toBe("string");
  });

  it("values.yaml holds the defaults of the first release", () => {
    expect(parse(read("values.yaml"))).toStrictEqual({
      pv: { name: "efs-persist", dnsName: null },
      pvc: { name: "efs-persist" },
    });
  });

  it("has exactly the PersistentVolume and PersistentVolumeClaim templates", () => {
    expect(readdirSync(join(chartDir, "templates")).sort()).toStrictEqual(["efs-pv.yaml", "efs-pvc.yaml"]);
  });

  it("templates render the volume and the claim from the release values", () => {
    const values = efsReleaseValues({ name: "efs-persist-shared", dnsName: "fs-1.efs.us-west-2.amazonaws.com" });
    const byKind = (v: typeof values) => ({
      pv: parse(renderTemplate(read("templates/efs-pv.yaml"), v as never)),
      pvc: parse(renderTemplate(read("templates/efs-pvc.yaml"), v as never)),
    });
    const { pv, pvc } = byKind(values);
    expect(pv).toStrictEqual({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "efs-persist-shared" },
      spec: {
        capacity: { storage: "123Gi" },
        accessModes: ["ReadWriteMany"],
        nfs: { server: "fs-1.efs.us-west-2.amazonaws.com", path: "/" },
      },
    });
    expect(pvc).toStrictEqual({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "efs-persist-shared" },
      spec: {
        accessModes: ["ReadWriteMany"],
        storageClassName: "",
        resources: { requests: { storage: "1Gi" } },
      },
    });
  });
});
