/**
 * The stack's locals and module inputs evaluated by the real terraform (subnet CIDRs, tags,
 * role name prefix, configure_kubectl), for the default variables and others.
 */

import { synthStack } from "./helpers/synth";
import { runTerraform, withTerraformDir } from "./helpers/terraform";

/**
 * Applies, with the real terraform binary and no provider, a configuration made of the
 * synthesized variables and locals (the AZ data source replaced by two names) and outputs
 * that expose what the VPC, EKS and IRSA modules receive; returns those outputs.
 */
async function outputs(vars: Record<string, unknown>): Promise<Record<string, unknown>> {
  const json = synthStack();
  const { jupyterhub_values: _values, ...locals } = json.locals;
  const config = {
    variable: json.variable,
    locals: { ...locals, azs: ["us-west-2a", "us-west-2b"] },
    output: {
      private_subnets: { value: json.module.vpc.private_subnets },
      public_subnets: { value: json.module.vpc.public_subnets },
      tags: { value: json.module.vpc.tags },
      node_group_tags: { value: json.module.eks.eks_managed_node_groups.core_node_group.tags },
      ebs_role_prefix: { value: json.module.ebs_csi_driver_irsa.role_name_prefix },
      configure_kubectl: { value: json.output.configure_kubectl.value },
    },
  };
  const files = { "main.tf.json": JSON.stringify(config), "test.auto.tfvars.json": JSON.stringify(vars) };
  return withTerraformDir(files, async (cwd) => {
    const apply = await runTerraform(["apply", "-input=false", "-auto-approve", "-lock=false", "-no-color"], { cwd });
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    const out = await runTerraform(["output", "-json", "-no-color"], { cwd });
    expect(out.code, out.stderr).toBe(0);
    const parsed = JSON.parse(out.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  });
}

describe("the stack's locals, evaluated by terraform", () => {
  it("carve the blueprint's subnets from the default CIDRs: 10.x private, 10.x public, 100.64.x for EKS", async () => {
    const o: Record<string, any> = await outputs({});
    expect(o.private_subnets).toEqual(["10.1.0.0/24", "10.1.1.0/24", "100.64.0.0/17", "100.64.128.0/17"]);
    expect(o.public_subnets).toEqual(["10.1.2.0/26", "10.1.2.64/26"]);
    expect(o.tags).toEqual({ Blueprint: "jupyterhub-on-eks", GithubRepo: "github.com/awslabs/data-on-eks" });
    expect(o.node_group_tags).toEqual({
      Blueprint: "jupyterhub-on-eks",
      GithubRepo: "github.com/awslabs/data-on-eks",
      Name: "core-node-grp",
      "karpenter.sh/discovery": "jupyterhub-on-eks",
    });
    expect(o.ebs_role_prefix).toBe("jupyterhub-on-eks-ebs-csi-driver-");
    expect(o.configure_kubectl).toBe("aws eks --region us-west-2 update-kubeconfig --name jupyterhub-on-eks");
  });

  it("follow the variables", async () => {
    const o: Record<string, any> = await outputs({
      name: "jhub-dev",
      region: "eu-west-1",
      vpc_cidr: "172.16.0.0/16",
      secondary_cidr_blocks: ["100.65.0.0/16"],
    });
    expect(o.private_subnets).toEqual(["172.16.0.0/19", "172.16.32.0/19", "100.65.0.0/17", "100.65.128.0/17"]);
    expect(o.public_subnets).toEqual(["172.16.64.0/21", "172.16.72.0/21"]);
    expect(o.ebs_role_prefix).toBe("jhub-dev-ebs-csi-driver-");
    expect(o.configure_kubectl).toBe("aws eks --region eu-west-1 update-kubeconfig --name jhub-dev");
  });
});
