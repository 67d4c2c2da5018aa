/**
 * The Python that cognito mode adds to the hub and the notebooks (helm/jupyterhub.ts), run
 * under python3: the hub's AWS credentials endpoint and the notebooks' credential_process.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AWS_CREDENTIALS_API_PATH, COGNITO_HUB_CONFIG, NOTEBOOK_AWS_CREDENTIAL_PROCESS } from "../helm/jupyterhub";

/**
 * The hub's cognito configuration runs under python3 with stand-ins for what the hub image
 * provides: a recording boto3, and the few names it takes from JupyterHub, OAuthenticator and
 * tornado. The notebook's credential_process runs against a local HTTP server.
 */
const STUBS: Record<string, string> = {
  "boto3.py": `import datetime
CALLS = []
class _Client:
    def __init__(self, service, region_name):
        self.service = service
        self.region = region_name
    def initiate_auth(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "initiate_auth", **kw})
        if kw["AuthParameters"]["REFRESH_TOKEN"] == "revoked":
            raise RuntimeError("NotAuthorizedException: Refresh Token has been revoked")
        return {"AuthenticationResult": {"IdToken": "id-token-%d" % len(CALLS)}}
    def get_id(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "get_id", **kw})
        return {"IdentityId": "identity-1"}
    def get_credentials_for_identity(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "get_credentials_for_identity", **kw})
        return {"Credentials": {"AccessKeyId": "ASIA%d" % len(CALLS), "SecretKey": "sk", "SessionToken": "st",
                "Expiration": datetime.datetime(2026, 11, 27, 13, 0, tzinfo=datetime.timezone.utc)}}
def client(service, region_name=None):
    return _Client(service, region_name)
`,
  "jupyterhub/__init__.py": "",
  "jupyterhub/apihandlers/__init__.py": `class APIHandler:
    def __init__(self, current_user):
        self.current_user = current_user
        self.headers = {}
        self.body = ""
        self.log = _Log()
    def set_header(self, name, value):
        self.headers[name] = value
    def write(self, chunk):
        self.body += chunk
class _Log:
    def __init__(self):
        self.warnings = []
    def warning(self, msg, *args, **kw):
        self.warnings.append(msg % args)
`,
  "jupyterhub/user.py": `class User:
    def __init__(self, name, auth_state):
        self.name = name
        self._auth_state = auth_state
    async def get_auth_state(self):
        return self._auth_state
`,
  "oauthenticator/__init__.py": "",
  "oauthenticator/generic.py": `class GenericOAuthenticator:
    def get_handlers(self, app):
        return [("/oauth_login", "LoginHandler"), ("/oauth_callback", "CallbackHandler"), ("/logout", "LogoutHandler")]
`,
  "tornado/__init__.py": "",
  "tornado/web.py": `class HTTPError(Exception):
    def __init__(self, status_code, log_message=None):
        super().__init__(log_message)
        self.status_code = status_code
        self.log_message = log_message
`,
};

const RUN = `import asyncio, json, sys, types
import boto3
from jupyterhub.user import User
c = types.SimpleNamespace(JupyterHub=types.SimpleNamespace())
namespace = {"c": c}
exec(open("cognito_config.py").read(), namespace)
results = []
for caller in json.loads(sys.argv[1]):
    user = User(caller["name"], caller["auth_state"]) if caller["kind"] == "user" else types.SimpleNamespace(name=caller["name"])
    handler = namespace["AwsCredentialsHandler"](user)
    try:
        asyncio.run(handler.get())
        results.append({"status": 200, "headers": handler.headers, "body": json.loads(handler.body), "warnings": handler.log.warnings})
    except Exception as error:
        results.append({"status": getattr(error, "status_code", None), "message": str(error), "warnings": handler.log.warnings})
authenticator = c.JupyterHub.authenticator_class()
print(json.dumps({
    "calls": boto3.CALLS,
    "results": results,
    "authenticator": c.JupyterHub.authenticator_class.__name__,
    "handlers": [[path, getattr(h, "__name__", h)] for path, h in authenticator.get_handlers(None)],
}))
`;

const ENV = {
  COGNITO_REGION: "eu-west-1",
  COGNITO_USER_POOL_ID: "eu-west-1_Pool",
  COGNITO_IDENTITY_POOL_ID: "eu-west-1:pool-uuid",
  OAUTH_CLIENT_ID: "client-abc",
  OAUTH_CLIENT_SECRET: "s3cr3t",
};

interface Caller {
  kind: "user" | "service";
  name: string;
  auth_state?: unknown;
}

function runHub(callers: Caller[]): {
  calls: any[];
  results: any[];
  authenticator: string;
  handlers: [string, string][];
} {
  const dir = mkdtempSync(join(tmpdir(), "cognito-hub-"));
  for (const [file, text] of Object.entries({ ...STUBS, "cognito_config.py": COGNITO_HUB_CONFIG, "run.py": RUN })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const out = execFileSync("python3", ["run.py", JSON.stringify(callers)], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", PYTHONPATH: dir, ...ENV },
  });
  return JSON.parse(out);
}

const SUB = "11111111-2222-3333-4444-555555555555";
const alice: Caller = {
  kind: "user",
  name: "alice",
  auth_state: { refresh_token: "refresh-1", oauth_user: { sub: SUB, username: SUB } },
};

describe("the hub's Cognito credentials endpoint", () => {
  it(
    "trades the refresh token (with the HMAC SECRET_HASH Cognito expects) for " +
      "identity pool credentials on every request",
    () => {
      const { calls, results } = runHub([alice, alice]);
      const expectedHash = createHmac("sha256", "s3cr3t").update(`${SUB}client-abc`).digest("base64");
      expect(calls[0]).toEqual({
        service: "cognito-idp",
        region: "eu-west-1",
        op: "initiate_auth",
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: "refresh-1", SECRET_HASH: expectedHash },
        ClientId: "client-abc",
      });
      // The blueprint sent the client secret itself as SECRET_HASH.
      expect(calls[0].AuthParameters.SECRET_HASH).not.toBe("s3cr3t");
      const logins = { "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool": "id-token-1" };
      expect(calls.slice(1, 3)).toEqual([
        {
          service: "cognito-identity",
          region: "eu-west-1",
          op: "get_id",
          IdentityPoolId: "eu-west-1:pool-uuid",
          Logins: logins,
        },
        {
          service: "cognito-identity",
          region: "eu-west-1",
          op: "get_credentials_for_identity",
          IdentityId: "identity-1",
          Logins: logins,
        },
      ]);
      // Nothing is cached: the second request goes to Cognito again and gets new credentials.
      expect(calls.map((c) => c.op)).toEqual([
        "initiate_auth",
        "get_id",
        "get_credentials_for_identity",
        "initiate_auth",
        "get_id",
        "get_credentials_for_identity",
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(results[0].body).toEqual({
        Version: 1,
        AccessKeyId: "ASIA3",
        SecretAccessKey: "sk",
        SessionToken: "st",
        Expiration: "2026-11-27T13:00:00+00:00",
      });
      expect(results[1].body.AccessKeyId).toBe("ASIA6");
      expect(results[0].headers).toEqual({ "Content-Type": "application/json", "Cache-Control": "no-store" });
    },
  );

  it(
    "answers a service's token with 403 and a user without a Cognito sign-in with " + "409, without calling Cognito",
    () => {
      const { calls, results } = runHub([
        { kind: "service", name: "cull-idle" },
        { kind: "user", name: "bob", auth_state: null },
        { kind: "user", name: "carol", auth_state: { oauth_user: { sub: "x" } } },
      ]);
      expect(calls).toEqual([]);
      expect(results).toEqual([
        { status: 403, message: "AWS credentials are handed out to a user's own token only", warnings: [] },
        {
          status: 409,
          message: "No Cognito sign-in on record for bob: log out of JupyterHub and sign in again",
          warnings: [],
        },
        {
          status: 409,
          message: "No Cognito sign-in on record for carol: log out of JupyterHub and sign in again",
          warnings: [],
        },
      ]);
    },
  );

  it("answers 502 when Cognito refuses the refresh token, and logs why", () => {
    const { results } = runHub([
      { kind: "user", name: "dave", auth_state: { refresh_token: "revoked", oauth_user: { sub: "d" } } },
    ]);
    expect(results).toEqual([
      {
        status: 502,
        message: "Cognito did not issue credentials: if this persists, log out of JupyterHub and sign in again",
        warnings: ["Cognito refused credentials for dave"],
      },
    ]);
  });

  it("is served by the hub's authenticator, a GenericOAuthenticator that keeps its own handlers", () => {
    const { authenticator, handlers } = runHub([]);
    expect(authenticator).toBe("CognitoOAuthenticator");
    expect(handlers).toEqual([
      ["/oauth_login", "LoginHandler"],
      ["/oauth_callback", "CallbackHandler"],
      ["/logout", "LogoutHandler"],
      [`/api${AWS_CREDENTIALS_API_PATH}`, "AwsCredentialsHandler"],
    ]);
  });
});

/** A local HTTP server answering `status` and `body`, and the notebook's credential_process run against it. */
const PROCESS_RUN = `import http.server, json, os, subprocess, sys, threading
status, body = int(sys.argv[1]), sys.argv[2]
seen = []
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
env = dict(os.environ)
if sys.argv[3] == "hub":
    env["JUPYTERHUB_API_URL"] = "http://127.0.0.1:%d/hub/api" % server.server_port
elif sys.argv[3] == "nowhere":
    env["JUPYTERHUB_API_URL"] = "http://127.0.0.1:1/hub/api"
run = subprocess.run([sys.executable, "credential_process.py"], env=env, capture_output=True, text=True, timeout=60)
print(json.dumps({"code": run.returncode, "stdout": run.stdout, "stderr": run.stderr, "seen": seen}))
`;

function runCredentialProcess(status: number, body: string, hub: "hub" | "nowhere" | "unset" = "hub") {
  const dir = mkdtempSync(join(tmpdir(), "credential-process-"));
  writeFileSync(join(dir, "credential_process.py"), NOTEBOOK_AWS_CREDENTIAL_PROCESS);
  writeFileSync(join(dir, "run.py"), PROCESS_RUN);
  const run = spawnSync("python3", ["run.py", String(status), body, hub], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", JUPYTERHUB_API_TOKEN: "notebook-token-1" },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as {
    code: number;
    stdout: string;
    stderr: string;
    seen: { path: string; authorization: string }[];
  };
}

describe("the notebook's credential_process", () => {
  it("asks the hub with the notebook's own API token and prints the credentials for the AWS SDK", () => {
    const credentials = {
      Version: 1,
      AccessKeyId: "ASIA1",
      SecretAccessKey: "sk",
      SessionToken: "st",
      Expiration: "2026-11-27T13:00:00+00:00",
    };
    const run = runCredentialProcess(200, JSON.stringify(credentials));
    expect(run.seen).toEqual([
      { path: `/hub/api${AWS_CREDENTIALS_API_PATH}`, authorization: "token notebook-token-1" },
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(credentials);
    expect(run.stderr).toBe("");
  });

  it("fails with the hub's answer, so the SDK reports why", () => {
    const run = runCredentialProcess(409, '{"status": 409, "message": "No Cognito sign-in on record"}');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      'jupyterhub-aws: the hub answered 409: {"status": 409, "message": "No Cognito sign-in on record"}',
    );
  });

  it("fails clearly outside a notebook and when the hub is unreachable", () => {
    const unset = runCredentialProcess(200, "{}", "unset");
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain(
      "jupyterhub-aws: JUPYTERHUB_API_URL is not set: run this inside a JupyterHub notebook",
    );
    const nowhere = runCredentialProcess(200, "{}", "nowhere");
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(
      "jupyterhub-aws: cannot reach the hub at http://127.0.0.1:1/hub/api/aws-credentials",
    );
  });

  it("refuses an answer that is not credential_process version 1", () => {
    const run = runCredentialProcess(200, '{"AccessKeyId": "x"}');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("jupyterhub-aws: unexpected answer from the hub");
  });
});
