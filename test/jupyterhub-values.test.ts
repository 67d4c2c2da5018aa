/**
 * What the JupyterHub values do beyond the blueprint's: the catalog a team extends, secrets kept
 * out of the values, the notebook pod's isolation, the hub's pinned packages. How each mode's
 * values differ from the blueprint's files is checked in helm-values-blueprint.test.ts.
 */
import { parse as parseYaml } from "yaml";
import { COGNITO_HUB_COMMAND, COGNITO_HUB_CONFIG, HUB_PYTHON_PACKAGES, jupyterHubValues } from "../helm/jupyterhub";
import { exampleProfile, type NotebookProfile, notebookProfiles } from "../profiles";
import { PLATFORM_SETS } from "../versions";
import { synthStack } from "./helpers/synth";
import { substitute } from "./helpers/template";

// The blueprint platform set: z2jh 3.2.1 (the `current` set's init image below).
const json = synthStack({ platform: PLATFORM_SETS.blueprint });
const valuesOf = (mode: string, j = json) => parseYaml(substitute(j.locals.jupyterhub_values[mode]));

describe("JupyterHub values, one rendering per auth mode", () => {
  it("are selected by the auth mode variable at plan time", () => {
    expect(Object.keys(json.locals.jupyterhub_values).sort()).toEqual(["cognito", "dummy", "oauth"]);
    expect(json.module.eks_data_addons.jupyterhub_helm_config.values).toEqual([
      "${local.jupyterhub_values[var.jupyter_hub_auth_mechanism]}",
    ]);
  });

  it("cognito and oauth: the load balancer's scheme is the variable's (the blueprint hard-codes internal)", () => {
    for (const mode of ["cognito", "oauth"]) {
      expect(
        valuesOf(mode).proxy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"],
        mode,
      ).toBe("<<var.jupyterhub_load_balancer_scheme>>");
    }
  });

  it("a profile added to the catalog appears in every mode's list", () => {
    // Without the example first: a user who followed the README has it in the catalog already.
    const base = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
    const without = synthStack({ platform: PLATFORM_SETS.blueprint, profiles: base });
    const withExample = synthStack({ platform: PLATFORM_SETS.blueprint, profiles: [...base, exampleProfile] });
    for (const mode of ["dummy", "cognito", "oauth"]) {
      const names = valuesOf(mode, withExample).singleuser.profileList.map(
        (p: { display_name: string }) => p.display_name,
      );
      expect(names, mode).toContain(exampleProfile.displayName);
      expect(names.length, mode).toBe(valuesOf(mode, without).singleuser.profileList.length + 1);
    }
  });

  it("a catalog that breaks an invariant is refused at synthesis", () => {
    const broken = { ...exampleProfile, nodeSelector: { NodePool: "does-not-exist" } };
    expect(() =>
      synthStack({ platform: PLATFORM_SETS.blueprint, profiles: [...notebookProfiles, broken] as never }),
    ).toThrow(/^The profile catalog is invalid:\n- .*does-not-exist/);
  });
});

describe("secrets", () => {
  // Everything but the variable declarations (whose validation rules name the variables).
  const { variable: _variables, ...body } = json;
  const text = JSON.stringify(body);

  it("the OAuth client secret reaches the hub only through the Kubernetes secret", () => {
    const matches = (needle: string) => text.split(needle).length - 1;
    expect(matches("var.oauth_jupyter_client_secret")).toBe(1);
    expect(matches(".client_secret")).toBe(1);
    expect(json.resource.kubernetes_secret_v1.jupyterhub_oauth_client.data).toEqual({
      "client-secret":
        '${var.jupyter_hub_auth_mechanism == "cognito" ? ' +
        'try(aws_cognito_user_pool_client.user_pool_client[0].client_secret, "") : ' +
        "var.oauth_jupyter_client_secret}",
    });
    for (const mode of ["dummy", "cognito", "oauth"]) {
      expect(json.locals.jupyterhub_values[mode]).not.toMatch(
        /client_secret:|\.client_secret|oauth_jupyter_client_secret/,
      );
    }
  });

  it("the Grafana password is read only by set_sensitive and its secret version", () => {
    expect(text.split("random_password.grafana.result").length - 1).toBe(1);
    expect(text.split("admin_password_version.secret_string").length - 1).toBe(1);
  });

  it("cognito: the hub copies no AWS key into the notebook's environment", () => {
    expect(COGNITO_HUB_CONFIG).not.toContain("spawner.environment");
    expect(COGNITO_HUB_CONFIG).not.toContain("auth_state_hook");
  });

  it("no output exposes a sensitive value", () => {
    const outputs = JSON.stringify(json.output);
    for (const needle of ["secret", "password", "token"]) expect(outputs.toLowerCase()).not.toContain(needle);
  });
});

describe("the notebook pod: own home, shared/ only, the image's user, no sudo (blueprint defect 12)", () => {
  const modes = ["dummy", "cognito", "oauth"] as const;

  it.each(modes)(
    "%s: the shared volume is the shared/ directory of EFS, never the root that holds every home",
    (mode) => {
      const { storage } = valuesOf(mode).singleuser;
      expect(storage.static.subPath).toBe("home/{username}");
      expect(storage.extraVolumeMounts).toEqual([
        { name: "jupyterhub-shared", mountPath: "/home/shared", subPath: "shared", readOnly: false },
      ]);
      // Every mount of either EFS claim, the init step's included, has a subPath.
      const su = valuesOf(mode).singleuser;
      for (const m of [...su.storage.extraVolumeMounts, ...su.initContainers.flatMap((c: any) => c.volumeMounts)]) {
        expect(m.subPath, JSON.stringify(m)).toMatch(/^(home\/\{username\}|shared)$/);
      }
    },
  );

  it.each(modes)("%s: uid 1000, gid 100, no privilege escalation, no sudo, no root arguments", (mode) => {
    const v = valuesOf(mode);
    expect(v.singleuser).toMatchObject({ uid: 1000, fsGid: 100, allowPrivilegeEscalation: false });
    expect(v.hub.config.KubeSpawner.gid).toBe(100);
    expect(v.singleuser.extraPodConfig).toBeUndefined();
    const text = JSON.stringify(v.singleuser);
    for (const needle of ["GRANT_SUDO", "--allow-root", "CHOWN_HOME", "CHOWN_EXTRA"])
      expect(text).not.toContain(needle);
    for (const profile of v.singleuser.profileList)
      expect(profile.kubespawner_override.uid, profile.display_name).toBeUndefined();
  });

  it("current set: the init step uses the network-tools image of its chart, 4.4.0", () => {
    const cur = synthStack({ platform: PLATFORM_SETS.current });
    expect(valuesOf("dummy", cur).singleuser.initContainers[0].image).toBe(
      "quay.io/jupyterhub/k8s-network-tools:4.4.0",
    );
  });

  it("a profile opts in to sudo: root start, privilege escalation, GRANT_SUDO for that profile only", () => {
    const withSudo: NotebookProfile = { ...exampleProfile, displayName: "Admin tools (sudo)", sudo: true };
    const v = parseYaml(
      substitute(
        JSON.stringify(
          jupyterHubValues({
            mode: "dummy",
            profiles: [...notebookProfiles, withSudo],
            singleUserServiceAccountName: "sa",
          }),
        ),
      ),
    );
    const rendered = v.singleuser.profileList.find(
      (p: { display_name: string }) => p.display_name === "Admin tools (sudo)",
    );
    expect(rendered.kubespawner_override).toMatchObject({
      uid: 0,
      gid: 0,
      allow_privilege_escalation: true,
      environment: { GRANT_SUDO: "yes" },
    });
    expect(v.singleuser.profileList.filter((p: any) => p.kubespawner_override.uid !== undefined)).toHaveLength(1);
    // Global settings stay closed.
    expect(v.singleuser).toMatchObject({ uid: 1000, allowPrivilegeEscalation: false });
  });

  it("the hub's Python packages are pinned exactly (boto3 with the botocore, s3transfer and jmespath it needs)", () => {
    for (const pin of HUB_PYTHON_PACKAGES) expect(pin).toMatch(/^[a-z0-9]+==[0-9]+\.[0-9]+\.[0-9]+$/);
    const versions = Object.fromEntries(HUB_PYTHON_PACKAGES.map((p) => p.split("==")));
    expect(versions.boto3).toBe(versions.botocore);
    expect(COGNITO_HUB_COMMAND[2]).toContain(`--no-deps ${HUB_PYTHON_PACKAGES.join(" ")} && exec jupyterhub`);
  });
});
