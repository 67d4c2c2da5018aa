/**
 * scripts/cleanup.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): a cluster that is unreachable, gone or refuses the listing, a
 * missing kubectl, jq or aws, and calls that hang (--call-timeout).
 */
import * as fs from "node:fs";
import { changes, exact, OUR_LB, run, sandbox, terraformCalls, toolCalls } from "../helpers/scripts";

describe.concurrent("scripts/cleanup.sh", () => {
  it("puts a timeout on every kubectl and aws call", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout", "45"], {
      env: { FAKE_AWS_LB_POLLS: "1" },
    });
    expect(r.code).toBe(0);
    const kubectl = toolCalls(r.calls, "kubectl");
    const aws = toolCalls(r.calls, "aws");
    expect(kubectl.length).toBeGreaterThan(3);
    expect(aws.length).toBeGreaterThan(5);
    for (const c of kubectl) expect(c.argv).toContain("--request-timeout=45s");
    for (const c of aws) expect(exact(c)).toContain("--cli-connect-timeout 10 --cli-read-timeout 45");
  });

  it("ends a call that hangs at --call-timeout instead of waiting forever", async () => {
    const box = sandbox({ synthesized: true });
    const started = Date.now();
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout=1"], {
      env: { FAKE_AWS_HANG: "describe-target-groups" },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("ERROR: timed out after 1s (--call-timeout): aws --region us-west-2");
    expect(r.stderr).toContain("step 4 of 11 failed");
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toEqual([]);
  });

  it("skips the Kubernetes steps when kubectl hangs (the readiness check times out)", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--call-timeout=1"], {
      env: { FAKE_KUBE_HANG: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("ERROR: timed out after 1s (--call-timeout): kubectl");
    expect(r.stderr).toContain("WARNING: kubectl cannot reach cluster jupyterhub-on-eks");
  });

  it("skips the Kubernetes steps with a warning when the cluster is unreachable, and destroys anyway", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_KUBE_UNREACHABLE: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: kubectl cannot reach cluster jupyterhub-on-eks: skipping the Kubernetes steps",
    );
    expect(toolCalls(r.calls, "kubectl").map((c) => c.argv.slice(2))).toEqual([
      ["--request-timeout=60s", "get", "--raw=/readyz"],
    ]);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toMatch(
      /5\/11\s+skipped\s+\d+m \d\ds\s+Clear namespaces stuck in Terminating \(cluster not reachable/,
    );
  });

  it(
    "fails with the way out when the cluster refuses the listing (RBAC), and " + "--skip-kubernetes gets past it",
    async () => {
      const box = sandbox({ synthesized: true });
      const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { env: { FAKE_KUBE_FORBIDDEN: "1" } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("services is forbidden");
      expect(r.stderr).toContain("If your identity may not list them, run again with --skip-kubernetes");
      expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toEqual([]);
      fs.rmSync(box.log);
      const skipped = await run(box, "cleanup", ["--skip-synth", "--yes", "--skip-kubernetes"], {
        env: { FAKE_KUBE_FORBIDDEN: "1", FAKE_AWS_LB_STUCK: "1" },
      });
      expect(skipped.code).toBe(0);
      expect(toolCalls(skipped.calls, "kubectl")).toEqual([]);
      expect(changes(skipped.calls)).toContain(
        `aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`,
      );
      expect(skipped.stderr).toContain("WARNING: --skip-kubernetes: not using kubectl");
    },
  );

  it(
    "skips the Kubernetes steps when the cluster is already gone, and deletes its " + "leftover load balancers",
    async () => {
      const box = sandbox({ synthesized: true });
      const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
        env: { FAKE_AWS_NO_CLUSTER: "1", FAKE_AWS_LB_STUCK: "1" },
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("WARNING: could not get a kubeconfig for cluster jupyterhub-on-eks in us-west-2");
      expect(toolCalls(r.calls, "kubectl")).toEqual([]);
      expect(changes(r.calls)).toContain(
        `aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`,
      );
      expect(terraformCalls(r.calls).at(-1)).toBe(`terraform -chdir=${box.stack} destroy -input=false -auto-approve`);
    },
  );

  it.each([
    [
      "kubectl",
      "kubectl not found: skipping the Kubernetes steps (deleting LoadBalancer " +
        "Services and ALB Ingresses, clearing namespaces stuck in Terminating).",
    ],
    [
      "jq",
      "jq not found: skipping the Kubernetes steps (deleting LoadBalancer Services " +
        "and ALB Ingresses, clearing namespaces stuck in Terminating), which read " +
        "kubectl's JSON with jq.",
    ],
  ])("says that %s is missing and what is skipped, and still destroys", async (tool, message) => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { hide: [tool], env: { FAKE_AWS_LB_STUCK: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WARNING: ${message}`);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(changes(r.calls)).toContain(
      `aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`,
    );
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
    expect(r.stdout).toContain(`  - ${message}`);
  });

  it("says that aws is missing and what is skipped, and still destroys", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], { hide: ["aws"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: aws (AWS CLI) not found: the account is not checked, and the wait for load balancers",
    );
    expect(r.stderr).toContain("no kubeconfig can be made for the cluster, so the Kubernetes steps");
    expect(toolCalls(r.calls, "aws")).toEqual([]);
    expect(toolCalls(r.calls, "kubectl")).toEqual([]);
    expect(r.stdout).toMatch(/4\/11\s+skipped.*aws not found/);
    expect(r.stdout).toMatch(/9\/11\s+skipped.*aws not found/);
    expect(terraformCalls(r.calls).filter((l) => l.includes(" destroy "))).toHaveLength(5);
  });
});
