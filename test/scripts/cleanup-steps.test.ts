/**
 * scripts/cleanup.sh end to end, against the fakes of test/fixtures/fakebin (set-up in
 * test/helpers/scripts.ts): the steps it runs and in which order, how a failing step stops
 * the run and how the run is resumed, and --dry-run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  changes,
  kubeconfigOf,
  line,
  OUR_LB,
  OUR_SG,
  run,
  sandbox,
  terraformCalls,
  toolCalls,
} from "../helpers/scripts";

describe.concurrent("scripts/cleanup.sh", () => {
  it(
    "reads the cluster from the state, clears load balancers and stuck namespaces, " +
      "destroys the four targets in order, then all",
    async () => {
      const box = sandbox();
      fs.writeFileSync(path.join(box.cwd, "prod.tfvars"), 'name = "x"\n');
      const r = await run(box, "cleanup", ["--yes", "-var-file=prod.tfvars", "-var", "region=us-west-2"], {
        env: { FAKE_AWS_LB_POLLS: "2", FAKE_KUBE_TERMINATING: "kubecost" },
      });
      expect(r.code).toBe(0);
      const chdir = `-chdir=${box.stack}`;
      const pass = `-var-file=${box.cwd}/prod.tfvars -var=region=us-west-2`;
      const kubeconfig = kubeconfigOf(r.calls);
      expect(kubeconfig).not.toBe("");
      const kubectl = `kubectl --kubeconfig ${kubeconfig}`;
      expect(changes(r.calls)).toEqual([
        "npm run synth",
        `terraform ${chdir} init -input=false`,
        `aws --region us-west-2 eks update-kubeconfig --name jupyterhub-on-eks --kubeconfig ${kubeconfig}`,
        `${kubectl} delete service --namespace jupyterhub proxy-public --ignore-not-found --wait=false`,
        `${kubectl} delete ingress --namespace monitoring grafana --ignore-not-found --wait=false`,
        `${kubectl} delete ingress --namespace kubecost ui --ignore-not-found --wait=false`,
        `${kubectl} delete ingress --namespace legacy old --ignore-not-found --wait=false`,
        `aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`,
        `${kubectl} replace --raw /api/v1/namespaces/kubecost/finalize -f -`,
        `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_data_addons ${pass}`,
        `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_blueprints_addons ${pass}`,
        `terraform ${chdir} destroy -input=false -auto-approve -target=module.eks ${pass}`,
        `terraform ${chdir} destroy -input=false -auto-approve -target=module.vpc ${pass}`,
        `terraform ${chdir} destroy -input=false -auto-approve ${pass}`,
      ]);
      // The cluster came from the state and the account was checked, before any change.
      const lines = r.calls.map(line);
      const firstChange = lines.findIndex((l) => l.includes("update-kubeconfig"));
      expect(lines.slice(2, firstChange)).toEqual([
        `terraform ${chdir} init -input=false`,
        `terraform ${chdir} output -json`,
        `terraform ${chdir} state list`,
        "aws --region us-west-2 sts get-caller-identity --output text --query Account",
        `aws --region us-west-2 elbv2 describe-load-balancers --output text --query LoadBalancers[].LoadBalancerArn`,
        expect.stringContaining("elbv2 describe-tags"),
      ]);
      expect(r.stdout).toContain(
        "Cluster (from the state, output cluster_arn): jupyterhub-on-eks   Region: us-west-2   Account: 111122223333",
      );
      expect(r.stdout).toContain(
        `This run destroys the 3 resource(s) in local state file ` +
          `${box.repo}/terraform.tfstate, including cluster jupyterhub-on-eks`,
      );
      // The final destroy is a real full destroy.
      const last = toolCalls(r.calls, "terraform").at(-1)!;
      expect(last.argv.filter((a) => a.startsWith("-target"))).toEqual([]);
      expect(lines.findIndex((l) => l.includes("get --raw=/readyz"))).toBeLessThan(
        lines.findIndex((l) => l.includes("delete service")),
      );
      const eks = lines.findIndex((l) => l.includes("-target=module.eks "));
      const vpc = lines.findIndex((l) => l.includes("-target=module.vpc"));
      expect(lines.slice(eks + 1, vpc)).toEqual([
        `aws --region us-west-2 ec2 describe-security-groups --output text --filters ` +
          `Name=tag:elbv2.k8s.aws/cluster,Values=jupyterhub-on-eks --query ` +
          `SecurityGroups[].GroupId`,
      ]);
      for (let k = 1; k <= 12; k++) expect(r.stdout).toMatch(new RegExp(`<== Step ${k} of 12 done in \\d+m \\d\\ds`));
      expect(r.stdout).toContain("Step 12 of 12: Destroy everything that is left (terraform destroy, no -target)");
      expect(r.stdout).toMatch(/Summary of cleanup\.sh:\n(\s+\d+\/12\s+done\s+\d+m \d\ds\s+\S.*\n){12}Total time/);
    },
  );

  const cleanupSteps: Array<[number, string, string, Record<string, string>]> = [
    [1, "npm run synth", "Synthesize the Terraform JSON", {}],
    [2, "validate", "Check the settings and every input", {}],
    [3, "init -input=false", "Initialize Terraform", {}],
    [4, "output -json", "Read the cluster from the Terraform state", {}],
    [5, "delete ingress", "Delete Kubernetes load balancers", {}],
    [5, "describe-target-groups", "Delete Kubernetes load balancers", {}],
    [6, "status.phase=Terminating", "Clear namespaces stuck in Terminating", {}],
    [7, "-target=module.eks_data_addons", "Destroy module.eks_data_addons", {}],
    [8, "-target=module.eks_blueprints_addons", "Destroy module.eks_blueprints_addons", {}],
    [9, "-target=module.eks -var", "Destroy module.eks", {}],
    [10, "delete-security-group", "Delete leftover load balancer security groups", { FAKE_AWS_LB_POLLS: "1" }],
    [11, "-target=module.vpc", "Destroy module.vpc", {}],
    [12, "-auto-approve -var", "Destroy everything that is left", {}],
  ];

  it.each(cleanupSteps)(
    "a failure in step %i (%s) stops there, names the step and says how to resume",
    async (step, needle, name, env) => {
      const box = sandbox();
      const r = await run(box, "cleanup", ["--yes", "-var", "name=jupyterhub-on-eks"], {
        env: { ...env, FAKE_FAIL: needle, FAKE_FAIL_CODE: "4" },
      });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`ERROR: step ${step} of 12 failed (exit 4)`);
      expect(r.stderr).toContain(name);
      expect(r.stderr).toContain(`${box.repo}/scripts/cleanup.sh --yes -var name=jupyterhub-on-eks`);
      const lines = r.calls.map(line);
      expect(lines.at(-1)).toContain(needle);
      expect(r.stdout).toMatch(new RegExp(`${step}/12\\s+FAILED`));
      const destroys = terraformCalls(r.calls).filter((l) => l.includes(" destroy "));
      expect(destroys).toHaveLength([7, 8, 9, 11, 12].filter((d) => d <= step).length);
    },
  );

  it("resumes after a failure: a second run does every step", async () => {
    const box = sandbox();
    const failed = await run(box, "cleanup", ["--yes"], { env: { FAKE_FAIL: "-target=module.eks_blueprints_addons" } });
    expect(failed.code).toBe(1);
    fs.rmSync(box.log);
    const again = await run(box, "cleanup", ["--skip-synth", "--yes"]);
    expect(again.code).toBe(0);
    expect(terraformCalls(again.calls).map((l) => l.replace(`-chdir=${box.stack} `, ""))).toEqual([
      "terraform init -input=false",
      "terraform output -json",
      "terraform state list",
      "terraform destroy -input=false -auto-approve -target=module.eks_data_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks_blueprints_addons",
      "terraform destroy -input=false -auto-approve -target=module.eks",
      "terraform destroy -input=false -auto-approve -target=module.vpc",
      "terraform destroy -input=false -auto-approve",
    ]);
  });

  it("--dry-run goes through the same code: it reads for real and prints every deletion it would make", async () => {
    const box = sandbox();
    const r = await run(box, "cleanup", ["--dry-run", "-var", "region=eu-west-1"], {
      env: { FAKE_AWS_LB_STUCK: "1", FAKE_KUBE_TERMINATING: "kubecost" },
    });
    expect(r.code).toBe(0);
    // Nothing that changes the deployment ran: no destroy, no kubectl delete / replace, no aws delete.
    expect(changes(r.calls).filter((l) => !l.includes("update-kubeconfig"))).toEqual([
      "npm run synth",
      `terraform -chdir=${box.stack} init -input=false`,
    ]);
    const chdir = `-chdir=${box.stack}`;
    const printed = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("+ "))
      .map((l) => l.replace(/ --cli-connect-timeout 10 --cli-read-timeout 60| --request-timeout=60s/, ""));
    expect(printed.filter((l) => l.includes(" destroy "))).toEqual([
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks_data_addons -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve ` +
        `-target=module.eks_blueprints_addons -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.eks -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -target=module.vpc -var=region=eu-west-1`,
      `+ terraform ${chdir} destroy -input=false -auto-approve -var=region=eu-west-1`,
    ]);
    // The real names a real run would delete, listed by the same queries (the cluster's region comes from the state).
    const kubeconfig = kubeconfigOf(r.calls);
    expect(printed).toContain(
      `+ kubectl --kubeconfig ${kubeconfig} delete service --namespace jupyterhub ` +
        `proxy-public --ignore-not-found --wait=false`,
    );
    expect(printed).toContain(
      `+ kubectl --kubeconfig ${kubeconfig} replace --raw /api/v1/namespaces/kubecost/finalize -f -`,
    );
    expect(printed).toContain(`+ aws --region us-west-2 elbv2 delete-load-balancer --load-balancer-arn ${OUR_LB}`);
    expect(printed).toContain(`+ aws --region us-west-2 ec2 delete-security-group --group-id ${OUR_SG}`);
    expect(r.stdout).toContain("A real run waits up to 600s for the controller, then deletes what is left with:");
    expect(r.stdout).toContain("Summary of cleanup.sh (dry run: nothing was changed):");
  });
});
