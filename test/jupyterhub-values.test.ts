import { parse as parseYaml } from "yaml";
import { synthStack } from "./helpers/synth";
import { PLATFORM_SETS } from "../versions";
import { substitute } from "./helpers/template";
import { runTerraform, withTerraformDir } from "./helpers/terraform";
import { NotebookProfile, SHIPPED_PROFILE_NAMES, exampleProfile, notebookProfiles, renderProfileList } from "../profiles";
import {
  COGNITO_HUB_COMMAND,
  COGNITO_HUB_CONFIG,
  HUB_PYTHON_PACKAGES,
  NOTEBOOK_AWS_CREDENTIAL_PROCESS,
  jupyterHubValues,
} from "../helm/jupyterhub";

// The blueprint platform set: z2jh 3.2.1 with the blueprint's values (the `current` set adds two settings, below).
const json = synthStack({ platform: PLATFORM_SETS.blueprint });
const valuesOf = (mode: string, j = json) => parseYaml(substitute(j.locals.jupyterhub_values[mode]));

// Every mode: the home and shared/ subPaths of EFS (never its root), the image's user, no sudo.
const singleuserCommon = {
  startTimeout: 1200,
  storage: {
    type: "static",
    static: { pvcName: "efs-persist", subPath: "home/{username}" },
    extraVolumes: [{ name: "jupyterhub-shared", persistentVolumeClaim: { claimName: "efs-persist-shared" } }],
    extraVolumeMounts: [{ name: "jupyterhub-shared", mountPath: "/home/shared", subPath: "shared", readOnly: false }],
  },
  initContainers: [
    {
      name: "prepare-volumes",
      image: "quay.io/jupyterhub/k8s-network-tools:3.2.1",
      command: ["chown", "1000:100", "/volumes/home", "/volumes/shared"],
      securityContext: {
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"], add: ["CHOWN"] },
      },
      volumeMounts: [
        { name: "home", mountPath: "/volumes/home", subPath: "home/{username}" },
        { name: "jupyterhub-shared", mountPath: "/volumes/shared", subPath: "shared" },
      ],
    },
  ],
  serviceAccountName: "<<kubernetes_service_account_v1.jupyterhub_single_user_sa.metadata[0].name>>",
  allowPrivilegeEscalation: false,
  uid: 1000,
  fsGid: 100,
  cmd: null,
};
// Cognito mode: the AWS SDKs ask the hub for credentials; the service account's role stays out of the notebook.
const singleuserCognito = {
  ...singleuserCommon,
  extraEnv: { AWS_CONFIG_FILE: "/etc/jupyterhub-aws/config" },
  extraFiles: {
    "aws-config": {
      mountPath: "/etc/jupyterhub-aws/config",
      stringData: "[default]\ncredential_process = python3 /etc/jupyterhub-aws/credential_process.py\nregion = <<var.region>>\n",
    },
    "aws-credential-process": { mountPath: "/etc/jupyterhub-aws/credential_process.py", stringData: NOTEBOOK_AWS_CREDENTIAL_PROCESS },
  },
  extraAnnotations: { "eks.amazonaws.com/skip-containers": "notebook" },
};
/** The notebooks' group, set where z2jh has no value for it. */
const spawnerConfig = { KubeSpawner: { gid: 100 } };
const rest = {
  scheduling: {
    userScheduler: { enabled: true },
    podPriority: { enabled: true },
    userPlaceholder: { enabled: false, replicas: 1 },
    userPods: { nodeAffinity: { matchNodePurpose: "require" } },
  },
  prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
  global: { safeToShowValues: false },
};
const hubDb = { db: { pvc: { storage: "50Gi", storageClassName: "gp3" } }, authenticatePrometheus: false };
const annotations = {
  "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "<<try(data.aws_acm_certificate.issued[0].arn, '')>>",
  "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
  "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
  "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout": "3600",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  // The blueprint hard-codes "internal" (defect 9); the variable defaults to it.
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "<<var.jupyterhub_load_balancer_scheme>>",
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
  "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "ipv4",
};
const clientSecretEnv = {
  valueFrom: {
    secretKeyRef: {
      name: "<<try(kubernetes_secret_v1.jupyterhub_oauth_client[0].metadata[0].name, '')>>",
      key: "client-secret",
    },
  },
};

describe("JupyterHub values, one rendering per auth mode", () => {
  it("are selected by the auth mode variable at plan time", () => {
    expect(Object.keys(json.locals.jupyterhub_values).sort()).toEqual(["cognito", "dummy", "oauth"]);
    expect(json.module.eks_data_addons.jupyterhub_helm_config.values).toEqual([
      "${local.jupyterhub_values[var.jupyter_hub_auth_mechanism]}",
    ]);
  });

  it("dummy: the blueprint's values, the hub reached by port-forward", () => {
    const { singleuser, ...top } = valuesOf("dummy");
    const { profileList, ...single } = singleuser;
    expect(top).toEqual({
      hub: { ...hubDb, config: spawnerConfig },
      proxy: { https: { enabled: false, type: "offload" }, service: { type: "ClusterIP" } },
      ...rest,
    });
    expect(single).toEqual(singleuserCommon);
    expect(profileList).toEqual(renderProfileList(notebookProfiles, "dummy"));
    // Every shipped profile is offered in dummy mode, in order (a team's own may follow or sit
    // between them). The blueprint's MIG profile is not shipped: it could never schedule (docs/profiles.md).
    expect(profileList.map((p: { display_name: string }) => p.display_name).filter((n: string) => SHIPPED_PROFILE_NAMES.includes(n))).toEqual([
      ...SHIPPED_PROFILE_NAMES,
    ]);
  });

  it("cognito: Cognito OAuth with the pool's users let in, the secret from a Kubernetes secret, credentials from the hub", () => {
    const { singleuser, hub, ...top } = valuesOf("cognito");
    const { profileList, ...single } = singleuser;
    const cognito = "https://<<local.cognito_custom_domain>>.auth.<<local.region>>.amazoncognito.com/oauth2";
    expect(hub).toEqual({
      ...hubDb,
      command: [
        "sh",
        "-c",
        "pip install --no-cache-dir --no-deps boto3==1.43.107 botocore==1.43.107 s3transfer==0.19.2 jmespath==1.1.0 && exec jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py",
      ],
      config: {
        GenericOAuthenticator: {
          oauth_callback_url: "https://<<var.jupyterhub_domain>>/hub/oauth_callback",
          client_id: "<<try(aws_cognito_user_pool_client.user_pool_client[0].id, '')>>",
          authorize_url: `${cognito}/authorize`,
          token_url: `${cognito}/token`,
          userdata_url: `${cognito}/userInfo`,
          scope: ["openid", "email"],
          username_key: "username",
          login_service: "AWS Cognito",
          userdata_method: "POST",
          allow_all: true,
        },
        // cognito_config.py sets the authenticator class (its GenericOAuthenticator subclass).
        ...spawnerConfig,
      },
      extraEnv: {
        OAUTH_CLIENT_ID: "<<try(aws_cognito_user_pool_client.user_pool_client[0].id, '')>>",
        OAUTH_CLIENT_SECRET: clientSecretEnv,
        COGNITO_REGION: "<<var.region>>",
        COGNITO_USER_POOL_ID: "<<try(aws_cognito_user_pool.pool[0].id, '')>>",
        COGNITO_IDENTITY_POOL_ID: "<<try(aws_cognito_identity_pool.identity_pool[0].id, '')>>",
      },
      extraConfig: {
        "jupyterhub_config.py": "c.KubeSpawner.start_timeout = 1200\nc.Authenticator.enable_auth_state = True",
        "cognito_config.py": COGNITO_HUB_CONFIG,
      },
    });
    expect(top).toEqual({ proxy: { https: { enabled: true, type: "offload" }, service: { annotations } }, ...rest });
    expect(single).toEqual(singleuserCognito);
    // No AWS key in any pod spec: the hub no longer copies credentials into the notebook's environment.
    expect(COGNITO_HUB_CONFIG).not.toContain("spawner.environment");
    expect(COGNITO_HUB_CONFIG).not.toContain("auth_state_hook");
    expect(profileList).toEqual(renderProfileList(notebookProfiles, "cognito"));
    // As in the blueprint: no Elyra profile in cognito mode.
    expect(profileList.map((p: { display_name: string }) => p.display_name)).not.toContain("Elyra (CPU)");
  });

  it("oauth: a generic OIDC provider (e.g. Keycloak)", () => {
    const { singleuser, hub, ...top } = valuesOf("oauth");
    const { profileList, ...single } = singleuser;
    expect(hub).toEqual({
      ...hubDb,
      config: {
        GenericOAuthenticator: {
          oauth_callback_url: "https://<<var.jupyterhub_domain>>/hub/oauth_callback",
          client_id: "<<var.oauth_jupyter_client_id>>",
          authorize_url: "<<var.oauth_domain>>/auth",
          token_url: "<<var.oauth_domain>>/token",
          userdata_url: "<<var.oauth_domain>>/userinfo",
          scope: ["openid", "profile"],
          username_key: "<<var.oauth_username_key>>",
          login_service: "oauth",
          allow_all: true,
        },
        JupyterHub: { authenticator_class: "generic-oauth" },
        ...spawnerConfig,
      },
      extraEnv: { OAUTH_CLIENT_SECRET: clientSecretEnv },
    });
    expect(top).toEqual({ proxy: { https: { enabled: true, type: "offload" }, service: { annotations } }, ...rest });
    expect(single).toEqual(singleuserCommon);
    expect(profileList).toEqual(renderProfileList(notebookProfiles, "oauth"));
  });

  it("a profile added to the catalog appears in every mode's list", () => {
    // Without the example first: a user who followed the README has it in the catalog already.
    const base = notebookProfiles.filter((p) => p.displayName !== exampleProfile.displayName);
    const without = synthStack({ platform: PLATFORM_SETS.blueprint, profiles: base });
    const withExample = synthStack({ platform: PLATFORM_SETS.blueprint, profiles: [...base, exampleProfile] });
    for (const mode of ["dummy", "cognito", "oauth"]) {
      const names = valuesOf(mode, withExample).singleuser.profileList.map((p: { display_name: string }) => p.display_name);
      expect(names, mode).toContain(exampleProfile.displayName);
      expect(names.length, mode).toBe(valuesOf(mode, without).singleuser.profileList.length + 1);
    }
  });

  it("a catalog that breaks an invariant is refused at synthesis", () => {
    const broken = { ...exampleProfile, nodeSelector: { NodePool: "does-not-exist" } };
    expect(() => synthStack({ platform: PLATFORM_SETS.blueprint, profiles: [...notebookProfiles, broken] as never })).toThrow(
      /^The profile catalog is invalid:\n- .*does-not-exist/,
    );
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
        '${var.jupyter_hub_auth_mechanism == "cognito" ? try(aws_cognito_user_pool_client.user_pool_client[0].client_secret, "") : var.oauth_jupyter_client_secret}',
    });
    for (const mode of ["dummy", "cognito", "oauth"]) {
      expect(json.locals.jupyterhub_values[mode]).not.toMatch(/client_secret:|\.client_secret|oauth_jupyter_client_secret/);
    }
  });

  it("the Grafana password is read only by set_sensitive and its secret version", () => {
    expect(text.split("random_password.grafana.result").length - 1).toBe(1);
    expect(text.split("admin_password_version.secret_string").length - 1).toBe(1);
  });

  it("no output exposes a sensitive value", () => {
    const outputs = JSON.stringify(json.output);
    for (const needle of ["secret", "password", "token"]) expect(outputs.toLowerCase()).not.toContain(needle);
  });
});

describe("JupyterHub values rendered by terraform", () => {
  /** Stand-ins for the resources the templates read, so terraform can render them offline. */
  const stubs: Record<string, [string, unknown]> = {
    "kubernetes_service_account_v1.jupyterhub_single_user_sa": ["stub_sa", { metadata: [{ name: "jhub-jupyterhub-single-user" }] }],
    "aws_cognito_user_pool_client.user_pool_client": ["stub_client", [{ id: "client123" }]],
    "aws_cognito_user_pool.pool": ["stub_pool", [{ id: "eu-west-1_Pool1" }]],
    "aws_cognito_identity_pool.identity_pool": ["stub_identity", [{ id: "eu-west-1:0000-1111" }]],
    "kubernetes_secret_v1.jupyterhub_oauth_client": ["stub_secret", [{ metadata: [{ name: "jupyterhub-oauth-client" }] }]],
    "data.aws_acm_certificate.issued": ["stub_cert", [{ arn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc" }]],
  };
  const commonVars = {
    region: "eu-west-1",
    acm_certificate_domain: "*.example.com",
    jupyterhub_domain: "jupyter.example.com",
  };

  async function render(mode: string, vars: Record<string, string>): Promise<any> {
    let values = JSON.stringify(json.locals.jupyterhub_values);
    for (const [address, [local]] of Object.entries(stubs)) values = values.split(address).join(`local.${local}`);
    const config = {
      variable: json.variable,
      locals: {
        ...Object.fromEntries(Object.values(stubs)),
        region: json.locals.region,
        cognito_custom_domain: json.locals.cognito_custom_domain,
        jupyterhub_values: JSON.parse(values),
      },
      output: { values: { value: "${local.jupyterhub_values[var.jupyter_hub_auth_mechanism]}" } },
    };
    const tfvars = { ...vars, jupyter_hub_auth_mechanism: mode };
    return withTerraformDir(
      { "main.tf.json": JSON.stringify(config), "test.auto.tfvars.json": JSON.stringify(tfvars) },
      async (cwd) => {
        const apply = await runTerraform(["apply", "-input=false", "-auto-approve", "-lock=false", "-no-color"], { cwd });
        expect(apply.code, apply.stderr + apply.stdout).toBe(0);
        const out = await runTerraform(["output", "-raw", "values"], { cwd });
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).not.toContain("${");
        return parseYaml(out.stdout);
      },
    );
  }

  it("dummy", async () => {
    const v = await render("dummy", {});
    expect(v.singleuser.serviceAccountName).toBe("jhub-jupyterhub-single-user");
    expect(v.proxy.service).toEqual({ type: "ClusterIP" });
  });

  it("cognito", async () => {
    const v = await render("cognito", { ...commonVars, cognito_custom_domain: "my-team-hub" });
    expect(v.hub.config.GenericOAuthenticator).toMatchObject({
      oauth_callback_url: "https://jupyter.example.com/hub/oauth_callback",
      client_id: "client123",
      authorize_url: "https://my-team-hub.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
      userdata_url: "https://my-team-hub.auth.eu-west-1.amazoncognito.com/oauth2/userInfo",
      allow_all: true,
    });
    expect(v.hub.extraEnv).toEqual({
      OAUTH_CLIENT_ID: "client123",
      OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: "jupyterhub-oauth-client", key: "client-secret" } } },
      COGNITO_REGION: "eu-west-1",
      COGNITO_USER_POOL_ID: "eu-west-1_Pool1",
      COGNITO_IDENTITY_POOL_ID: "eu-west-1:0000-1111",
    });
    expect(v.hub.extraConfig["cognito_config.py"]).toBe(COGNITO_HUB_CONFIG);
    expect(v.singleuser.extraFiles["aws-config"].stringData).toBe(
      "[default]\ncredential_process = python3 /etc/jupyterhub-aws/credential_process.py\nregion = eu-west-1\n",
    );
    expect(v.proxy.service.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:eu-west-1:111122223333:certificate/abc",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    });
  });

  it("oauth, with an internet-facing load balancer", async () => {
    const v = await render("oauth", {
      ...commonVars,
      oauth_domain: "https://keycloak.example.com/realms/master/protocol/openid-connect",
      oauth_jupyter_client_id: "jupyterhub",
      oauth_jupyter_client_secret: "do-not-leak-42",
      oauth_username_key: "preferred_username",
      jupyterhub_load_balancer_scheme: "internet-facing",
    });
    expect(v.hub.config.GenericOAuthenticator).toEqual({
      oauth_callback_url: "https://jupyter.example.com/hub/oauth_callback",
      client_id: "jupyterhub",
      authorize_url: "https://keycloak.example.com/realms/master/protocol/openid-connect/auth",
      token_url: "https://keycloak.example.com/realms/master/protocol/openid-connect/token",
      userdata_url: "https://keycloak.example.com/realms/master/protocol/openid-connect/userinfo",
      scope: ["openid", "profile"],
      username_key: "preferred_username",
      login_service: "oauth",
      allow_all: true,
    });
    expect(JSON.stringify(v)).not.toContain("do-not-leak-42");
    expect(v.proxy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internet-facing");
  });
});

describe("the notebook pod: own home, shared/ only, the image's user, no sudo (blueprint defect 12)", () => {
  const modes = ["dummy", "cognito", "oauth"] as const;

  it.each(modes)("%s: the shared volume is the shared/ directory of EFS, never the root that holds every home", (mode) => {
    const { storage } = valuesOf(mode).singleuser;
    expect(storage.static.subPath).toBe("home/{username}");
    expect(storage.extraVolumeMounts).toEqual([{ name: "jupyterhub-shared", mountPath: "/home/shared", subPath: "shared", readOnly: false }]);
    // Every mount of either EFS claim, the init step's included, has a subPath.
    const su = valuesOf(mode).singleuser;
    for (const m of [...su.storage.extraVolumeMounts, ...su.initContainers.flatMap((c: any) => c.volumeMounts)]) {
      expect(m.subPath, JSON.stringify(m)).toMatch(/^(home\/\{username\}|shared)$/);
    }
  });

  it.each(modes)("%s: uid 1000, gid 100, no privilege escalation, no sudo, no root arguments", (mode) => {
    const v = valuesOf(mode);
    expect(v.singleuser).toMatchObject({ uid: 1000, fsGid: 100, allowPrivilegeEscalation: false });
    expect(v.hub.config.KubeSpawner.gid).toBe(100);
    expect(v.singleuser.extraPodConfig).toBeUndefined();
    const text = JSON.stringify(v.singleuser);
    for (const needle of ["GRANT_SUDO", "--allow-root", "CHOWN_HOME", "CHOWN_EXTRA"]) expect(text).not.toContain(needle);
    for (const profile of v.singleuser.profileList) expect(profile.kubespawner_override.uid, profile.display_name).toBeUndefined();
  });

  it("current set: the init step uses the network-tools image of its chart, 4.4.0", () => {
    const cur = synthStack({ platform: PLATFORM_SETS.current });
    expect(valuesOf("dummy", cur).singleuser.initContainers[0].image).toBe("quay.io/jupyterhub/k8s-network-tools:4.4.0");
  });

  it("a profile opts in to sudo: root start, privilege escalation, GRANT_SUDO for that profile only", () => {
    const withSudo: NotebookProfile = { ...exampleProfile, displayName: "Admin tools (sudo)", sudo: true };
    const v = parseYaml(
      substitute(
        JSON.stringify(
          jupyterHubValues({ mode: "dummy", profiles: [...notebookProfiles, withSudo], singleUserServiceAccountName: "sa" }),
        ),
      ),
    );
    const rendered = v.singleuser.profileList.find((p: { display_name: string }) => p.display_name === "Admin tools (sudo)");
    expect(rendered.kubespawner_override).toMatchObject({ uid: 0, gid: 0, allow_privilege_escalation: true, environment: { GRANT_SUDO: "yes" } });
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
