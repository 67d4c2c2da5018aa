/**
 * Chart values beyond what the blueprint comparison (helm-values-blueprint.test.ts) covers: the
 * NVIDIA device plugin's replicas parameter and its configuration documents, and the EFS chart
 * and releases, which keep the blueprint's bytes.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Lazy } from "cdktf";
import { parse } from "yaml";
import { efsReleaseValues, efsReleaseValuesYaml } from "../helm/efs-release";
import { nvidiaDevicePluginValues } from "../helm/nvidia-device-plugin";
import { toHelmValues } from "../helm/render";
import { LOCAL_CHARTS } from "../versions";
import { parseBoth } from "./helpers/yaml";

function roundTrip(values: unknown): unknown {
  return parseBoth(toHelmValues(values));
}

describe("chart values beyond the blueprint", () => {
  describe("nvidia-device-plugin", () => {
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
      expect(
        createHash("sha256")
          .update(readFileSync(join(chartDir, file)))
          .digest("hex"),
        file,
      ).toBe(sha);
    }
  });

  it("Chart.yaml declares the chart", () => {
    const chart = parse(read("Chart.yaml")) as Record<string, unknown>;
    expect(chart).toMatchObject({
      apiVersion: "v2",
      name: "efs",
      version: LOCAL_CHARTS.efs.version,
      appVersion: LOCAL_CHARTS.efs.version,
    });
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
