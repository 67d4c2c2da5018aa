/**
 * Every place where the helm values the stack renders (`blueprint` platform set) differ from the
 * blueprint's values files and inline values, rendered from the same sample inputs
 * (test/helpers/blueprint-values.ts), each with the docs/differences.md row that explains it.
 * test/helm-values-blueprint.test.ts fails on a difference missing here and on an entry that
 * no longer occurs as written.
 *
 * Paths and values: test/helpers/values-diff.ts. No `blueprint` key: the path is only in ours;
 * no `ours` key: only in the blueprint. Values are as Helm reads them (YAML 1.1) after
 * terraform rendered the templates with the samples (region eu-west-1, cluster sample-hub,
 * Cognito client `sampleclientid`, OAuth client `123456`).
 *
 * Charts with no entry (metrics-server, cluster-autoscaler, kube-prometheus-stack,
 * aws-for-fluentbit, kubecost, nvidia-device-plugin, the five karpenter-resources releases)
 * render exactly the blueprint's values.
 */
import { COGNITO_HUB_CONFIG, NOTEBOOK_AWS_CREDENTIAL_PROCESS } from "../helm/jupyterhub";
import type { AuthMechanism } from "../variables";
import { blueprintMigProfileValues } from "./helpers/blueprint-mig-profile";
import type { DocumentedDifference } from "./helpers/values-diff";

type Entry = Omit<DocumentedDifference, "chart">;

const jupyterhub = (modes: readonly AuthMechanism[], entry: Entry): DocumentedDifference[] =>
  modes.map((mode) => ({ chart: `jupyterhub{${mode}}`, ...entry }));
const ALL = ["dummy", "cognito", "oauth"] as const;

/** The blueprint's root start with sudo, in dummy and oauth mode one map (cognito mode adds to its own). */
const sudoEnv = {
  GRANT_SUDO: "yes",
  NOTEBOOK_ARGS: "--allow-root",
  CHOWN_HOME: "yes",
  CHOWN_HOME_OPTS: "-R",
  CHOWN_EXTRA: "/home/shared",
};

const clientSecretRef = { valueFrom: { secretKeyRef: { name: "jupyterhub-oauth-client", key: "client-secret" } } };

/** The blueprint's cognito_config.py, rendered with the samples. */
const BLUEPRINT_COGNITO_CONFIG = `import boto3
def auth_state_hook(spawner, auth_state):
  client_idp = boto3.client('cognito-idp', region_name="eu-west-1")
  auth_response = client_idp.initiate_auth(
    AuthFlow="REFRESH_TOKEN_AUTH",
    AuthParameters={
      "REFRESH_TOKEN": auth_state['refresh_token'],
      "SECRET_HASH": "sample-cognito-secret"
    },
    ClientId="sampleclientid"
  )
  id_token = auth_response["AuthenticationResult"]["IdToken"]
  client_identity = boto3.client("cognito-identity", region_name="eu-west-1")
  identity_response = client_identity.get_id(
    IdentityPoolId="eu-west-1:00000000-0000-0000-0000-000000000000",
    Logins={
      f"cognito-idp.eu-west-1.amazonaws.com/eu-west-1_SamplePool": id_token
    }
  )
  identity_id = identity_response['IdentityId']
  credentials = client_identity.get_credentials_for_identity(
    IdentityId=identity_id,
    Logins={
      f"cognito-idp.eu-west-1.amazonaws.com/eu-west-1_SamplePool": id_token
    }
  )
  key = credentials["Credentials"]["AccessKeyId"]
  secret = credentials["Credentials"]["SecretKey"]
  token = credentials["Credentials"]["SessionToken"]
  spawner.environment['AWS_ACCESS_KEY_ID'] = key
  spawner.environment['AWS_SECRET_ACCESS_KEY'] = secret
  spawner.environment['AWS_SESSION_TOKEN'] = token

c.Spawner.auth_state_hook = auth_state_hook`;

export const HELM_VALUES_DIFFERENCES: DocumentedDifference[] = [
  // Row 6: Cognito admits the pool's users; the token exchange reads its settings from the hub's environment.
  ...jupyterhub(["cognito"], { path: "hub.config.GenericOAuthenticator.allow_all", ours: true, row: 6 }),
  ...jupyterhub(["cognito"], {
    path: 'hub.extraConfig["cognito_config.py"]',
    blueprint: BLUEPRINT_COGNITO_CONFIG,
    ours: COGNITO_HUB_CONFIG,
    row: [6, 33],
  }),
  ...jupyterhub(["cognito"], {
    path: "hub.extraEnv",
    ours: {
      OAUTH_CLIENT_ID: "sampleclientid",
      OAUTH_CLIENT_SECRET: clientSecretRef,
      COGNITO_REGION: "eu-west-1",
      COGNITO_USER_POOL_ID: "eu-west-1_SamplePool",
      COGNITO_IDENTITY_POOL_ID: "eu-west-1:00000000-0000-0000-0000-000000000000",
    },
    row: [6, 8],
  }),

  // Row 7: the MIG profile can never schedule.
  ...jupyterhub(["dummy", "oauth"], {
    path: 'singleuser.profileList["Data Science (GPU + MIG on P4d.24xlarge)"]',
    blueprint: blueprintMigProfileValues("cschranz/gpu-jupyter:v1.6_cuda-11.8_ubuntu-22.04_python-only"),
    row: 7,
  }),
  ...jupyterhub(["cognito"], {
    path: 'singleuser.profileList["Data Science (GPU + MIG on P4d.24xlarge)"]',
    blueprint: blueprintMigProfileValues("cschranz/gpu-jupyter:v1.5_cuda-11.6_ubuntu-20.04_python-only"),
    row: 7,
  }),

  // Row 8: the client secret reaches the hub from a Kubernetes secret, not inline.
  ...jupyterhub(["cognito"], {
    path: "hub.config.GenericOAuthenticator.client_secret",
    blueprint: "sample-cognito-secret",
    row: 8,
  }),
  ...jupyterhub(["oauth"], {
    path: "hub.config.GenericOAuthenticator.client_secret",
    blueprint: "sample-oauth-secret",
    row: 8,
  }),
  ...jupyterhub(["oauth"], { path: "hub.extraEnv", ours: { OAUTH_CLIENT_SECRET: clientSecretRef }, row: 8 }),

  // Row 13: the blueprint writes `client_id: ${client_id}` bare, so an all-digit id is a YAML number.
  ...jupyterhub(["oauth"], {
    path: "hub.config.GenericOAuthenticator.client_id",
    blueprint: 123456,
    ours: "123456",
    row: 13,
  }),

  // Row 33: notebook credentials come from the hub on demand (cognito_config.py's own authenticator class).
  ...jupyterhub(["cognito"], {
    path: "hub.config.JupyterHub",
    blueprint: { authenticator_class: "generic-oauth" },
    row: 33,
  }),
  ...jupyterhub(["cognito"], {
    path: "singleuser.extraEnv.AWS_CONFIG_FILE",
    ours: "/etc/jupyterhub-aws/config",
    row: 33,
  }),
  ...jupyterhub(["cognito"], {
    path: "singleuser.extraFiles",
    ours: {
      "aws-config": {
        mountPath: "/etc/jupyterhub-aws/config",
        stringData:
          "[default]\ncredential_process = python3 /etc/jupyterhub-aws/credential_process.py\nregion = eu-west-1\n",
      },
      "aws-credential-process": {
        mountPath: "/etc/jupyterhub-aws/credential_process.py",
        stringData: NOTEBOOK_AWS_CREDENTIAL_PROCESS,
      },
    },
    row: 33,
  }),
  ...jupyterhub(["cognito"], {
    path: "singleuser.extraAnnotations",
    ours: { "eks.amazonaws.com/skip-containers": "notebook" },
    row: 33,
  }),

  // Row 34: pinned hub packages, installed without their dependencies, then exec.
  ...jupyterhub(["cognito"], {
    path: "hub.command[2]",
    blueprint: "pip install boto3 && jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py",
    ours:
      "pip install --no-cache-dir --no-deps boto3==1.43.107 botocore==1.43.107 s3transfer==0.19.2 jmespath==1.1.0 && " +
      "exec jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py",
    row: 34,
  }),

  // Row 35: own home and shared/ only, uid 1000 and gid 100, no privilege escalation, no sudo.
  ...jupyterhub(["dummy"], { path: "hub.config", ours: { KubeSpawner: { gid: 100 } }, row: 35 }),
  ...jupyterhub(["cognito", "oauth"], { path: "hub.config.KubeSpawner", ours: { gid: 100 }, row: 35 }),
  ...jupyterhub(ALL, { path: "singleuser.storage.extraVolumeMounts[0].subPath", ours: "shared", row: 35 }),
  ...jupyterhub(ALL, { path: "singleuser.allowPrivilegeEscalation", blueprint: true, ours: false, row: 35 }),
  ...jupyterhub(ALL, { path: "singleuser.extraPodConfig", blueprint: { securityContext: { fsGroup: 100 } }, row: 35 }),
  ...jupyterhub(["dummy", "oauth"], { path: "singleuser.extraEnv", blueprint: sudoEnv, row: 35 }),
  ...Object.entries(sudoEnv).flatMap(([name, value]) =>
    jupyterhub(["cognito"], { path: `singleuser.extraEnv.${name}`, blueprint: value, row: 35 }),
  ),
  ...jupyterhub(ALL, { path: "singleuser.uid", blueprint: 0, ours: 1000, row: 35 }),
  ...jupyterhub(ALL, { path: "singleuser.fsGid", blueprint: 0, ours: 100, row: 35 }),
  ...jupyterhub(ALL, {
    path: "singleuser.initContainers",
    ours: [
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
    row: 35,
  }),
];
