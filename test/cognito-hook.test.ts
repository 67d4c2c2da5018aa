import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COGNITO_AUTH_STATE_HOOK } from "../helm/jupyterhub";

/**
 * Runs the hub's Cognito auth state hook under python3 with a recording stand-in for boto3,
 * and checks what it sends to Cognito and hands to the notebook.
 */
function runHook(authState: unknown): { calls: any[]; environment: Record<string, string>; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "cognito-hook-"));
  writeFileSync(
    join(dir, "boto3.py"),
    `import json
CALLS = []
class _Client:
    def __init__(self, service, region_name):
        self.service = service
        self.region = region_name
    def initiate_auth(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "initiate_auth", **kw})
        return {"AuthenticationResult": {"IdToken": "id-token-1"}}
    def get_id(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "get_id", **kw})
        return {"IdentityId": "identity-1"}
    def get_credentials_for_identity(self, **kw):
        CALLS.append({"service": self.service, "region": self.region, "op": "get_credentials_for_identity", **kw})
        return {"Credentials": {"AccessKeyId": "AKIA1", "SecretKey": "sk1", "SessionToken": "st1"}}
def client(service, region_name=None):
    return _Client(service, region_name)
`,
  );
  writeFileSync(join(dir, "hook.py"), COGNITO_AUTH_STATE_HOOK);
  writeFileSync(
    join(dir, "run.py"),
    `import json, sys, types
import boto3
class _Log:
    def __init__(self): self.warnings = []
    def warning(self, msg, *args): self.warnings.append(msg % args)
spawner = types.SimpleNamespace(environment={}, log=_Log(), user=types.SimpleNamespace(name="alice"))
c = types.SimpleNamespace(Spawner=types.SimpleNamespace())
exec(open("hook.py").read(), {"c": c})
c.Spawner.auth_state_hook(spawner, json.loads(sys.argv[1]))
print(json.dumps({"calls": boto3.CALLS, "environment": spawner.environment, "warnings": spawner.log.warnings}))
`,
  );
  const out = execFileSync("python3", ["run.py", JSON.stringify(authState)], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      PYTHONPATH: dir,
      COGNITO_REGION: "eu-west-1",
      COGNITO_USER_POOL_ID: "eu-west-1_Pool",
      COGNITO_IDENTITY_POOL_ID: "eu-west-1:pool-uuid",
      OAUTH_CLIENT_ID: "client-abc",
      OAUTH_CLIENT_SECRET: "s3cr3t",
    },
  });
  return JSON.parse(out);
}

describe("Cognito auth state hook", () => {
  it("sends the HMAC SECRET_HASH Cognito expects and hands the identity pool credentials to the notebook", () => {
    const { calls, environment } = runHook({
      refresh_token: "refresh-1",
      oauth_user: { sub: "11111111-2222-3333-4444-555555555555", username: "11111111-2222-3333-4444-555555555555" },
    });
    const expectedHash = createHmac("sha256", "s3cr3t")
      .update("11111111-2222-3333-4444-555555555555client-abc")
      .digest("base64");
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
    expect(calls.slice(1)).toEqual([
      { service: "cognito-identity", region: "eu-west-1", op: "get_id", IdentityPoolId: "eu-west-1:pool-uuid", Logins: logins },
      { service: "cognito-identity", region: "eu-west-1", op: "get_credentials_for_identity", IdentityId: "identity-1", Logins: logins },
    ]);
    expect(environment).toEqual({ AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "sk1", AWS_SESSION_TOKEN: "st1" });
  });

  it("starts the notebook without credentials, and says so, when there is no auth state", () => {
    const { calls, environment, warnings } = runHook(null);
    expect(calls).toEqual([]);
    expect(environment).toEqual({});
    expect(warnings).toEqual(["No auth state for alice: the notebook gets no Cognito credentials"]);
  });
});
