/**
 * The JupyterHub (z2jh) chart's values, one object per auth mode, for the 3.x or 4.x chart of
 * the platform set, built from the typed profile catalog; mirrors the blueprint's
 * helm/jupyterhub/jupyterhub-values-*.yaml. Plan-time values (ARNs, ids, domains) arrive as
 * strings that may be Terraform interpolations; nothing secret is ever placed in them.
 */

import { type NotebookProfile, renderProfileList } from "../profiles";
import { HUB_PYTHON_PACKAGES, PLATFORM_SETS } from "../versions";

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

/** The chart the values are for when none is named: the blueprint set's (versions.ts). */
const BLUEPRINT_CHART_VERSION = PLATFORM_SETS.blueprint.charts.jupyterhub.version;

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

/** The Python packages the hub installs in cognito mode, pinned exactly (versions.ts). */
export { HUB_PYTHON_PACKAGES };

/** The hub's command in cognito mode: the pinned packages, then JupyterHub as PID 1 (exec). */
export const COGNITO_HUB_COMMAND = [
  "sh",
  "-c",
  `pip install --no-cache-dir --no-deps ${HUB_PYTHON_PACKAGES.join(" ")} && exec ` +
    `jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py`,
] as const;

/** Where notebooks ask the hub for AWS credentials: `<JUPYTERHUB_API_URL>/aws-credentials`. */
export const AWS_CREDENTIALS_API_PATH = "/aws-credentials";

/**
 * Hub configuration of cognito mode (runs in the hub). Nothing is handed to a notebook at spawn
 * any more: a notebook asks the hub for AWS credentials whenever its SDK needs some
 * (NOTEBOOK_AWS_CREDENTIAL_PROCESS), with its own JupyterHub API token. For each request the hub
 * trades the user's Cognito refresh token (kept encrypted in the auth state) for an id token,
 * then for temporary credentials of the identity pool. The three Cognito calls are unsigned
 * (smithy.api#noAuth in botocore's models), so the hub needs no AWS credentials of its own.
 * SECRET_HASH is what Cognito expects: base64(HMAC-SHA256(client secret, user + client id)),
 * where the user of a REFRESH_TOKEN_AUTH call is the `sub` when email is the username.
 * The endpoint is registered through the authenticator (Authenticator.get_handlers), the
 * supported way; JupyterHub.extra_handlers is deprecated since JupyterHub 3.1.
 */
export const COGNITO_HUB_CONFIG = `import asyncio
import base64
import hashlib
import hmac
import json
import os

import boto3
from jupyterhub.apihandlers import APIHandler
from jupyterhub.user import User
from oauthenticator.generic import GenericOAuthenticator
from tornado import web


def _secret_hash(user, client_id, client_secret):
    digest = hmac.new(client_secret.encode("utf-8"), (user + client_id).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def cognito_credentials(auth_state):
    """Temporary AWS credentials of the identity pool for the user of auth_state, fetched now."""
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
    return identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]


class AwsCredentialsHandler(APIHandler):
    """GET /hub/api${AWS_CREDENTIALS_API_PATH}: the caller's own credentials, in the AWS SDKs' credential_process format."""

    async def get(self):
        user = self.current_user
        if not isinstance(user, User):
            raise web.HTTPError(403, "AWS credentials are handed out to a user's own token only")
        auth_state = await user.get_auth_state()
        if not auth_state or not auth_state.get("refresh_token"):
            raise web.HTTPError(409, "No Cognito sign-in on record for %s: log out of JupyterHub and sign in again" % user.name)
        try:
            credentials = await asyncio.get_running_loop().run_in_executor(None, cognito_credentials, auth_state)
        except Exception:
            self.log.warning("Cognito refused credentials for %s", user.name, exc_info=True)
            raise web.HTTPError(502, "Cognito did not issue credentials: if this persists, log out of JupyterHub and sign in again")
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.write(
            json.dumps(
                {
                    "Version": 1,
                    "AccessKeyId": credentials["AccessKeyId"],
                    "SecretAccessKey": credentials["SecretKey"],
                    "SessionToken": credentials["SessionToken"],
                    "Expiration": credentials["Expiration"].isoformat(),
                }
            )
        )


class CognitoOAuthenticator(GenericOAuthenticator):
    """GenericOAuthenticator (configured by hub.config.GenericOAuthenticator) serving the credentials endpoint."""

    def get_handlers(self, app):
        return super().get_handlers(app) + [(r"/api${AWS_CREDENTIALS_API_PATH}", AwsCredentialsHandler)]


c.JupyterHub.authenticator_class = CognitoOAuthenticator`;

/** Where the notebook's AWS configuration is mounted (cognito mode). */
export const NOTEBOOK_AWS_DIR = "/etc/jupyterhub-aws";

/**
 * Runs in the notebook as the AWS SDKs' and CLI's credential_process: asks the hub for fresh
 * credentials each time the SDK needs some (about every 45 minutes for the identity pool's
 * one-hour credentials). It authenticates with the notebook's own JupyterHub API token, which
 * KubeSpawner puts into the notebook's environment; no AWS key is ever in the pod spec.
 */
export const NOTEBOOK_AWS_CREDENTIAL_PROCESS = `"""AWS credential_process for JupyterHub notebooks: fresh Cognito credentials from the hub."""
import json
import os
import sys
import urllib.error
import urllib.request


def main():
    try:
        url = os.environ["JUPYTERHUB_API_URL"].rstrip("/") + "${AWS_CREDENTIALS_API_PATH}"
        token = os.environ["JUPYTERHUB_API_TOKEN"]
    except KeyError as missing:
        sys.exit("jupyterhub-aws: %s is not set: run this inside a JupyterHub notebook" % missing.args[0])
    request = urllib.request.Request(url, headers={"Authorization": "token " + token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        sys.exit("jupyterhub-aws: the hub answered %s: %s" % (error.code, error.read().decode("utf-8", "replace")[:500]))
    except (urllib.error.URLError, OSError) as error:
        sys.exit("jupyterhub-aws: cannot reach the hub at %s: %s" % (url, getattr(error, "reason", error)))
    credentials = json.loads(body)
    if credentials.get("Version") != 1:
        sys.exit("jupyterhub-aws: unexpected answer from the hub")
    sys.stdout.write(json.dumps(credentials))


if __name__ == "__main__":
    main()
`;

/** The notebook's AWS config file (cognito mode): credentials from the hub, the deployment's region. */
export function notebookAwsConfig(region: string): string {
  return `[default]\ncredential_process = python3 ${NOTEBOOK_AWS_DIR}/credential_process.py\nregion = ${region}\n`;
}

/**
 * The notebook user of the images the profiles use (Jupyter Docker Stacks and images built on
 * them): jovyan, uid 1000, primary group users (100).
 */
export const NOTEBOOK_UID = 1000;
export const NOTEBOOK_GID = 100;

/**
 * Prepares the notebook's volumes before it starts, as root with only CAP_CHOWN: kubelet creates
 * a missing subPath directory (home/<user> on the first start, shared/) owned by root, which the
 * notebook (uid 1000, no sudo) could not write; this hands both directories, not their contents,
 * to the notebook user. It uses the image z2jh already runs in every notebook pod to block the
 * instance metadata service (singleuser.networkTools, Alpine with BusyBox), at the chart's version.
 * KubeSpawner expands {username} in init containers as in the home volume's subPath.
 */
function prepareVolumesContainer(chartVersion: string): Record<string, unknown> {
  return {
    name: "prepare-volumes",
    image: `quay.io/jupyterhub/k8s-network-tools:${chartVersion}`,
    command: ["chown", `${NOTEBOOK_UID}:${NOTEBOOK_GID}`, "/volumes/home", "/volumes/shared"],
    securityContext: {
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["CHOWN"] },
    },
    volumeMounts: [
      { name: "home", mountPath: "/volumes/home", subPath: HOME_SUBPATH },
      { name: SHARED_VOLUME, mountPath: "/volumes/shared", subPath: SHARED_SUBPATH },
    ],
  };
}

/** Each user's home on the EFS file system, and the one directory all notebooks share. */
export const HOME_SUBPATH = "home/{username}";
/** The claims of the EFS volumes (the local `efs` chart, installed twice by jupyterhub.tf): home directories and shared. */
export const EFS_CLAIMS = { home: "efs-persist", shared: "efs-persist-shared" } as const;
export const SHARED_SUBPATH = "shared";
export const SHARED_MOUNT_PATH = "/home/shared";
const SHARED_VOLUME = "jupyterhub-shared";

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
  // The notebook's group (z2jh has no singleuser value for KubeSpawner.gid).
  const spawner = { KubeSpawner: { gid: NOTEBOOK_GID } };
  if (p.mode === "dummy") {
    return { db, authenticatePrometheus: false, config: spawner };
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
      command: [...COGNITO_HUB_COMMAND],
      config: {
        GenericOAuthenticator: {
          ...authenticator,
          scope: ["openid", "email"],
          username_key: "username",
          login_service: "AWS Cognito",
          userdata_method: "POST",
          // Every user of the pool may log in (OAuthenticator 16 admits nobody by default);
          // the pool itself admits only the users administrators create.
          allow_all: true,
        },
        // No JupyterHub.authenticator_class here: cognito_config.py sets it to its subclass
        // of GenericOAuthenticator, which serves the notebooks' credentials endpoint.
        ...spawner,
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
        "cognito_config.py": COGNITO_HUB_CONFIG,
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
      ...spawner,
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

/**
 * The notebooks: each sees its own home (home/<user> on EFS) and the shared directory (shared/
 * on EFS, never the file system's root, which holds every user's home), and runs as the image's
 * user without sudo; a profile may opt in to sudo (profiles/types.ts, `sudo`). In cognito mode
 * the AWS SDKs take credentials from the hub on demand; the pod identity webhook is told to
 * leave the notebook container alone so that the service account's IAM role does not take
 * precedence over them (its variables come first in the SDKs' credential chain).
 */
function singleuserValues(p: JupyterHubValuesParams): Record<string, unknown> {
  const chartVersion = p.chartVersion ?? BLUEPRINT_CHART_VERSION;
  const values: Record<string, unknown> = {
    startTimeout: SINGLE_USER_START_TIMEOUT,
    profileList: renderProfileList(p.profiles, p.mode),
    storage: {
      type: "static",
      static: { pvcName: EFS_CLAIMS.home, subPath: HOME_SUBPATH },
      extraVolumes: [{ name: SHARED_VOLUME, persistentVolumeClaim: { claimName: EFS_CLAIMS.shared } }],
      extraVolumeMounts: [
        { name: SHARED_VOLUME, mountPath: SHARED_MOUNT_PATH, subPath: SHARED_SUBPATH, readOnly: false },
      ],
    },
    initContainers: [prepareVolumesContainer(chartVersion)],
    serviceAccountName: p.singleUserServiceAccountName,
    allowPrivilegeEscalation: false,
    uid: NOTEBOOK_UID,
    fsGid: NOTEBOOK_GID,
    cmd: null,
  };
  if (p.mode === "cognito") {
    Object.assign(values, {
      extraEnv: { AWS_CONFIG_FILE: `${NOTEBOOK_AWS_DIR}/config` },
      extraFiles: {
        "aws-config": { mountPath: `${NOTEBOOK_AWS_DIR}/config`, stringData: notebookAwsConfig(p.cognito.region) },
        "aws-credential-process": {
          mountPath: `${NOTEBOOK_AWS_DIR}/credential_process.py`,
          stringData: NOTEBOOK_AWS_CREDENTIAL_PROCESS,
        },
      },
      extraAnnotations: { "eks.amazonaws.com/skip-containers": "notebook" },
    });
  }
  return values;
}

/** The values of the JupyterHub release for one auth mode. */
export function jupyterHubValues(p: JupyterHubValuesParams): Record<string, unknown> {
  return {
    hub: hubValues(p),
    proxy: proxyValues(p),
    singleuser: singleuserValues(p),
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
