import { NotebookProfile, renderProfileList } from "../profiles";

/**
 * The JupyterHub chart's values (z2jh 3.2.1), one object per auth mode, built from the typed
 * profile catalog. Plan-time values (ARNs, ids, domains) arrive as strings that may be
 * Terraform interpolations; nothing secret is ever placed in them.
 */

export const SINGLE_USER_START_TIMEOUT = 1200;

/** The Kubernetes secret (in the hub's namespace) that holds the OAuth client secret. */
export interface ClientSecretRef {
  readonly name: string;
  readonly key: string;
}

export interface OAuthSettings {
  readonly callbackUrl: string;
  readonly clientId: string;
  readonly clientSecret: ClientSecretRef;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly userdataUrl: string;
}

export interface LoadBalancerSettings {
  readonly sslCertArn: string;
  readonly scheme: string;
}

export interface CognitoSettings {
  readonly region: string;
  readonly userPoolId: string;
  readonly identityPoolId: string;
}

interface CommonParams {
  readonly profiles: readonly NotebookProfile[];
  readonly singleUserServiceAccountName: string;
  /**
   * The z2jh chart version (versions.ts). 3.x runs JupyterHub 4 and KubeSpawner 6 (the
   * blueprint); 4.x runs JupyterHub 5 and KubeSpawner 7, which need two settings more (see
   * `jupyterHub5Config`). Default: the blueprint's 3.2.1.
   */
  readonly chartVersion?: string;
}

/** The chart the values are for when none is named: the blueprint's. */
const BLUEPRINT_CHART_VERSION = "3.2.1";

/** The major version of a z2jh chart version such as "4.4.0". */
function chartMajor(version: string): number {
  const major = Number(version.split(".")[0]);
  if (!Number.isInteger(major)) throw new Error(`JupyterHub chart version "${version}" is not x.y.z`);
  return major;
}

/**
 * What z2jh 4 (JupyterHub 5, KubeSpawner 7) needs to behave as 3.x did
 * (zero-to-jupyterhub-k8s@4.4.0:docs/source/administrator/upgrading/upgrade-3-to-4.md):
 * - JupyterHub 5 admits nobody unless users are allowed: dummy login keeps admitting any
 *   name (the OAuth modes already set `allow_all` on their authenticator).
 * - KubeSpawner 7 names things with its "safe" slug scheme, which changes `{username}` for
 *   some names (e-mail addresses, capitals, non-ASCII): the home directories on EFS
 *   (`home/{username}`) keep their paths with the old "escape" scheme.
 */
function jupyterHub5Config(mode: JupyterHubValuesParams["mode"]): Record<string, unknown> {
  return {
    ...(mode === "dummy" ? { Authenticator: { allow_all: true } } : {}),
    KubeSpawner: { slug_scheme: "escape" },
  };
}

export type JupyterHubValuesParams =
  | (CommonParams & { readonly mode: "dummy" })
  | (CommonParams & {
      readonly mode: "cognito";
      readonly oauth: OAuthSettings;
      readonly loadBalancer: LoadBalancerSettings;
      readonly cognito: CognitoSettings;
    })
  | (CommonParams & {
      readonly mode: "oauth";
      readonly oauth: OAuthSettings;
      readonly loadBalancer: LoadBalancerSettings;
      readonly usernameKey: string;
    });

/**
 * Runs in the hub: trades the user's Cognito refresh token for an id token, then for AWS
 * credentials of the identity pool, and hands them to the notebook as environment variables.
 * Settings come from the hub's environment (see `hub.extraEnv`), never from the source text.
 * SECRET_HASH is what Cognito expects: base64(HMAC-SHA256(client secret, user + client id)),
 * where the user of a REFRESH_TOKEN_AUTH call is the `sub` when email is the username.
 */
export const COGNITO_AUTH_STATE_HOOK = `import base64
import hashlib
import hmac
import os

import boto3


def _secret_hash(user, client_id, client_secret):
    digest = hmac.new(client_secret.encode("utf-8"), (user + client_id).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def auth_state_hook(spawner, auth_state):
    if not auth_state:
        spawner.log.warning("No auth state for %s: the notebook gets no Cognito credentials", spawner.user.name)
        return
    region = os.environ["COGNITO_REGION"]
    user_pool_id = os.environ["COGNITO_USER_POOL_ID"]
    identity_pool_id = os.environ["COGNITO_IDENTITY_POOL_ID"]
    client_id = os.environ["OAUTH_CLIENT_ID"]
    client_secret = os.environ["OAUTH_CLIENT_SECRET"]
    user = auth_state["oauth_user"]["sub"]
    idp = boto3.client("cognito-idp", region_name=region)
    tokens = idp.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": auth_state["refresh_token"],
            "SECRET_HASH": _secret_hash(user, client_id, client_secret),
        },
        ClientId=client_id,
    )
    logins = {f"cognito-idp.{region}.amazonaws.com/{user_pool_id}": tokens["AuthenticationResult"]["IdToken"]}
    identity = boto3.client("cognito-identity", region_name=region)
    identity_id = identity.get_id(IdentityPoolId=identity_pool_id, Logins=logins)["IdentityId"]
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    spawner.environment["AWS_ACCESS_KEY_ID"] = credentials["AccessKeyId"]
    spawner.environment["AWS_SECRET_ACCESS_KEY"] = credentials["SecretKey"]
    spawner.environment["AWS_SESSION_TOKEN"] = credentials["SessionToken"]


c.Spawner.auth_state_hook = auth_state_hook`;

function loadBalancerAnnotations(lb: LoadBalancerSettings): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": lb.sslCertArn,
    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
    "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
    "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout": "3600",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": lb.scheme,
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
    "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "ipv4",
  };
}

function secretEnv(ref: ClientSecretRef) {
  return { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

function hubValues(p: JupyterHubValuesParams): Record<string, unknown> {
  const values = hubValuesFor3(p);
  if (chartMajor(p.chartVersion ?? BLUEPRINT_CHART_VERSION) < 4) return values;
  const config = (values.config ?? {}) as Record<string, Record<string, unknown>>;
  const extra = jupyterHub5Config(p.mode);
  const merged: Record<string, unknown> = { ...config };
  for (const [section, settings] of Object.entries(extra)) {
    merged[section] = { ...(config[section] ?? {}), ...(settings as Record<string, unknown>) };
  }
  return { ...values, config: merged };
}

function hubValuesFor3(p: JupyterHubValuesParams): Record<string, unknown> {
  const db = { pvc: { storage: "50Gi", storageClassName: "gp3" } };
  if (p.mode === "dummy") {
    return { db, authenticatePrometheus: false };
  }
  const { oauth } = p;
  const authenticator: Record<string, unknown> = {
    oauth_callback_url: oauth.callbackUrl,
    client_id: oauth.clientId,
    authorize_url: oauth.authorizeUrl,
    token_url: oauth.tokenUrl,
    userdata_url: oauth.userdataUrl,
  };
  if (p.mode === "cognito") {
    return {
      db,
      authenticatePrometheus: false,
      command: ["sh", "-c", "pip install boto3 && jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py"],
      config: {
        GenericOAuthenticator: {
          ...authenticator,
          scope: ["openid", "email"],
          username_key: "username",
          login_service: "AWS Cognito",
          userdata_method: "POST",
          // Every user of the pool may log in (OAuthenticator 16 admits nobody by default).
          allow_all: true,
        },
        JupyterHub: { authenticator_class: "generic-oauth" },
      },
      // The client secret reaches the hub from a Kubernetes secret: OAuthenticator reads
      // OAUTH_CLIENT_SECRET, and so does the auth state hook.
      extraEnv: {
        OAUTH_CLIENT_ID: oauth.clientId,
        OAUTH_CLIENT_SECRET: secretEnv(oauth.clientSecret),
        COGNITO_REGION: p.cognito.region,
        COGNITO_USER_POOL_ID: p.cognito.userPoolId,
        COGNITO_IDENTITY_POOL_ID: p.cognito.identityPoolId,
      },
      extraConfig: {
        "jupyterhub_config.py": `c.KubeSpawner.start_timeout = ${SINGLE_USER_START_TIMEOUT}\nc.Authenticator.enable_auth_state = True`,
        "cognito_config.py": COGNITO_AUTH_STATE_HOOK,
      },
    };
  }
  return {
    db,
    authenticatePrometheus: false,
    config: {
      GenericOAuthenticator: {
        ...authenticator,
        // The blueprint's scopes (jupyterhub-values-oauth.yaml): an identity provider client
        // configured for them needs no change.
        scope: ["openid", "profile"],
        username_key: p.usernameKey,
        login_service: "oauth",
        allow_all: true,
      },
      JupyterHub: { authenticator_class: "generic-oauth" },
    },
    extraEnv: { OAUTH_CLIENT_SECRET: secretEnv(oauth.clientSecret) },
  };
}

function proxyValues(p: JupyterHubValuesParams): Record<string, unknown> {
  if (p.mode === "dummy") {
    // No load balancer: reach the hub with `kubectl port-forward svc/proxy-public 8080:80 -n jupyterhub`.
    return { https: { enabled: false, type: "offload" }, service: { type: "ClusterIP" } };
  }
  return {
    https: { enabled: true, type: "offload" },
    service: { annotations: loadBalancerAnnotations(p.loadBalancer) },
  };
}

/** The values of the JupyterHub release for one auth mode. */
export function jupyterHubValues(p: JupyterHubValuesParams): Record<string, unknown> {
  return {
    hub: hubValues(p),
    proxy: proxyValues(p),
    singleuser: {
      startTimeout: SINGLE_USER_START_TIMEOUT,
      profileList: renderProfileList(p.profiles, p.mode),
      storage: {
        type: "static",
        static: { pvcName: "efs-persist", subPath: "home/{username}" },
        extraVolumes: [{ name: "jupyterhub-shared", persistentVolumeClaim: { claimName: "efs-persist-shared" } }],
        extraVolumeMounts: [{ name: "jupyterhub-shared", mountPath: "/home/shared", readOnly: false }],
      },
      serviceAccountName: p.singleUserServiceAccountName,
      allowPrivilegeEscalation: true,
      // Lets the notebook user (jovyan, group 100) read the service account token.
      extraPodConfig: { securityContext: { fsGroup: 100 } },
      // The notebook image's start script needs root to fix the permissions of the volumes.
      extraEnv: {
        GRANT_SUDO: "yes",
        NOTEBOOK_ARGS: "--allow-root",
        CHOWN_HOME: "yes",
        CHOWN_HOME_OPTS: "-R",
        CHOWN_EXTRA: "/home/shared",
      },
      uid: 0,
      fsGid: 0,
      cmd: null,
    },
    scheduling: {
      userScheduler: { enabled: true },
      podPriority: { enabled: true },
      userPlaceholder: { enabled: false, replicas: 1 },
      // Notebooks only run on nodes labelled hub.jupyter.org/node-purpose=user (the Karpenter pools).
      userPods: { nodeAffinity: { matchNodePurpose: "require" } },
    },
    prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
    global: { safeToShowValues: false },
  };
}
