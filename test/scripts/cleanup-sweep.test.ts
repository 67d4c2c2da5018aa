/**
 * scripts/cleanup.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the sweep of what the AWS Load Balancer Controller leaves (load
 * balancers, target groups, network interfaces, security groups) and of namespaces stuck in
 * Terminating.
 */
import {
  changes,
  line,
  OUR_ENI,
  OUR_LB,
  OUR_SG,
  OUR_TG,
  run,
  sandbox,
  terraformCalls,
  toolCalls,
} from "../helpers/scripts";

describe.concurrent("scripts/cleanup.sh", () => {
  it("waits for the tagged load balancer resources until they are gone, then deletes the security group", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
      env: { FAKE_AWS_LB_POLLS: "3", FAKE_AWS_ENI_POLLS: "4" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Check 1: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.",
    );
    expect(r.stdout).toContain(
      "Check 2: 1 load balancer(s), 1 target group(s), 1 network interface(s) of jupyterhub-on-eks left.",
    );
    expect(r.stdout).toContain(
      "Check 3: 0 load balancer(s), 1 target group(s), 0 network interface(s) of jupyterhub-on-eks left.",
    );
    expect(r.stdout).toContain(
      "No load balancer, target group or network interface of jupyterhub-on-eks is left (check 4).",
    );
    const aws = toolCalls(r.calls, "aws").map(line);
    expect(aws.filter((l) => l.includes("describe-load-balancers"))).toHaveLength(5);
    expect(aws).toContain(
      `aws --region us-west-2 ec2 describe-network-interfaces --output text --filters ` +
        `Name=group-id,Values=${OUR_SG} --query NetworkInterfaces[].NetworkInterfaceId`,
    );
    expect(aws).toContain(
      "aws --region us-west-2 ec2 describe-network-interfaces --output text --filters " +
        "Name=description,Values=ELB " +
        "net/k8s-jupyterh-proxypub-0123456789/abcdef0123456789 --query " +
        "NetworkInterfaces[].NetworkInterfaceId",
    );
    expect(aws).toContain(
      `aws --region us-west-2 elbv2 describe-tags --resource-arns ${OUR_LB} ` +
        `arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/k8s-other-web-9876543210/fedcba9876543210 ` +
        `--output text --query TagDescriptions[?Tags[?Key=='elbv2.k8s.aws/cluster' && ` +
        `Value=='jupyterhub-on-eks']].ResourceArn`,
    );
    expect(aws.filter((l) => /delete-(load-balancer|target-group)/.test(l))).toEqual([]);
    expect(aws.filter((l) => l.includes("delete-security-group"))).toEqual([
      `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
    ]);
    const lines = r.calls.map(line);
    expect(lines.findIndex((l) => l.includes("delete-security-group"))).toBeLessThan(
      lines.findIndex((l) => l.includes(" destroy ")),
    );
  });

  it("deletes what the controller left after --lb-timeout, only for this cluster", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--lb-timeout", "0"], {
      env: { FAKE_AWS_LB_STUCK: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: the AWS Load Balancer Controller did not remove the load balancers of " +
        "jupyterhub-on-eks within 0s: deleting them with the AWS CLI.",
    );
    expect(changes(r.calls).filter((l) => l.startsWith("aws") && l.includes("delete"))).toEqual([
      `aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`,
      `aws --region us-west-2 elbv2 delete-target-group --target-group-arn ${OUR_TG}`,
      `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
    ]);
    expect(r.stdout).toContain("Warnings:\n  - the AWS Load Balancer Controller did not remove");
  });

  it("fails the step, bounded by --lb-timeout, when network interfaces never go", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes", "--lb-timeout=1"], {
      env: { FAKE_AWS_LB_POLLS: "1", FAKE_AWS_ENI_POLLS: "100000" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: still present after waiting 1s: ${OUR_ENI}`);
    expect(r.stderr).toContain("Raise --lb-timeout and re-run");
    expect(r.stderr).toContain("step 4 of 11 failed");
    expect(terraformCalls(r.calls).filter((l) => l.includes("destroy"))).toEqual([]);
  });

  it("retries a security group the first sweep could not delete after module.eks is gone", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
      env: { FAKE_AWS_LB_POLLS: "1", FAKE_FAIL: "delete-security-group", FAKE_FAIL_TIMES: "1" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `WARNING: could not delete security group ${OUR_SG} yet; it is tried again after module.eks is destroyed.`,
    );
    const lines = r.calls.map(line);
    const deletes = lines.flatMap((l, i) => (l.includes("delete-security-group") ? [i] : []));
    expect(deletes).toHaveLength(2);
    expect(deletes[1]).toBeGreaterThan(lines.findIndex((l) => l.includes("-target=module.eks ")));
    expect(deletes[1]).toBeLessThan(lines.findIndex((l) => l.includes("-target=module.vpc")));
  });

  it("clears the finalizers of namespaces stuck in Terminating", async () => {
    const box = sandbox({ synthesized: true });
    const r = await run(box, "cleanup", ["--skip-synth", "--yes"], {
      env: { FAKE_KUBE_TERMINATING: "kubecost,spark-team-a" },
    });
    expect(r.code).toBe(0);
    const replaces = toolCalls(r.calls, "kubectl").filter((c) => c.argv.includes("replace"));
    expect(replaces.map((c) => c.argv.slice(3))).toEqual([
      ["replace", "--raw", "/api/v1/namespaces/kubecost/finalize", "-f", "-"],
      ["replace", "--raw", "/api/v1/namespaces/spark-team-a/finalize", "-f", "-"],
    ]);
    const body = JSON.parse(replaces[0]!.stdin!) as {
      metadata: { name: string; finalizers: string[] };
      spec: { finalizers: string[] };
    };
    expect(body.metadata.name).toBe("kubecost");
    expect(body.spec.finalizers).toEqual([]);
    expect(body.metadata.finalizers).toEqual(["example.com/keep"]);
    expect(r.stdout).toContain("Namespaces stuck in Terminating cleared: 2.");
  });
});
