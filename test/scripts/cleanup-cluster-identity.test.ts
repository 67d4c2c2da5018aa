/**
 * scripts/cleanup.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the cluster it acts on comes from the state, never from a guess,
 * and is checked against the AWS account and the kube context.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { changes, kubeconfigOf, line, OUR_SG, run, sandbox, terraformCalls, toolCalls } from "../helpers/scripts";

describe.concurrent("scripts/cleanup.sh", () => {
  const BLUEPRINT_OUTPUTS = JSON.stringify({
    configure_kubectl: { value: "aws eks --region eu-central-1 update-kubeconfig --name team-hub" },
  });

  it("takes the cluster from the state, not from -var, -var-file or TF_VAR_*", async () => {
    const box = sandbox({ synthesized: true });
    fs.writeFileSync(path.join(box.cwd, "prod.tfvars"), 'name   = "from-file"\nregion = "eu-central-1"\n');
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "-var", "name=from-cli", "-var-file=prod.tfvars"], {
      env: { TF_VAR_name: "from-env", TF_VAR_region: "ap-south-1", FAKE_AWS_LB_POLLS: "1" },
    });
    expect(r.code).toBe(0);
    expect(changes(r.calls)).toContain(
      `aws --region us-west-2 eks update-kubeconfig --name jupyterhub-on-eks --kubeconfig ${kubeconfigOf(r.calls)}`,
    );
    expect(changes(r.calls)).toContain(`aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`);
    const acting = r.calls.filter((c) => c.tool !== "npm" && !(c.tool === "terraform" && c.argv.includes("destroy")));
    expect(acting.map(line).join("\n")).not.toMatch(/from-(file|cli|env)|eu-central-1|ap-south-1/);
  });

  it("reads a state the blueprint wrote (only configure_kubectl), without an account to compare", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
      env: { FAKE_TF_OUTPUTS: BLUEPRINT_OUTPUTS, FAKE_AWS_CLUSTER: "team-hub", FAKE_AWS_LB_POLLS: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Cluster (from the state, output configure_kubectl): team-hub   Region: eu-central-1   Account: not recorded",
    );
    expect(changes(r.calls)).toContain(`aws --region eu-central-1 ec2 delete-security-group --group-id ${OUR_SG}`);
  });

  it(
    "with no cluster in the state skips every Kubernetes and AWS step and still " + "destroys what the state holds",
    async () => {
      const box = sandbox({ synthesized: true });
      const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
        env: { FAKE_TF_OUTPUTS: "{}", FAKE_TF_RESOURCES: "2" },
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("WARNING: the state records no EKS cluster");
      expect(toolCalls(r.calls, "aws")).toEqual([]);
      expect(toolCalls(r.calls, "kubectl")).toEqual([]);
      expect(r.stdout).toMatch(/4\/11\s+skipped.*\(no cluster in the state\)/);
      expect(r.stdout).toMatch(/9\/11\s+skipped.*\(no cluster in the state\)/);
      expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
      expect(r.stdout).toContain("Cleanup complete: the stack's state is empty.");
    },
  );

  it("stops before any change when the AWS credentials are for another account", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_AWS_ACCOUNT: "444455556666" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "your AWS credentials are for account 444455556666, but the state's cluster " +
        "jupyterhub-on-eks is in account 111122223333",
    );
    expect(changes(r.calls).filter((l) => !l.startsWith("npm") && !l.includes(" init "))).toEqual([]);
  });

  it("checks that --kube-context points at the state's cluster", async () => {
    const box = sandbox({ synthesized: true });
    const wrong = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "other"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      "--kube-context other points at https://FFFF.gr7.eu-west-1.eks.amazonaws.com, " +
        "not at cluster jupyterhub-on-eks in us-west-2",
    );
    expect(changes(wrong.calls).filter((l) => l.includes("delete"))).toEqual([]);
    fs.rmSync(box.log);
    const missing = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--kube-context nope: no such context in your kubeconfig.");
    fs.rmSync(box.log);
    const right = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "ours"]);
    expect(right.code).toBe(0);
    expect(changes(right.calls)).toContain(
      "kubectl --context ours delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false",
    );
    expect(toolCalls(right.calls, "aws").map(line)).not.toContainEqual(expect.stringContaining("update-kubeconfig"));
  });

  it("accepts --kube-context without aws when the context names the cluster's ARN", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--kube-context", "ours"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(
      toolCalls(r.calls, "kubectl")
        .filter((c) => !c.argv.includes("config"))
        .every((c) => c.argv[0] === "--context" && c.argv[1] === "ours"),
    ).toBe(true);
  });
});
