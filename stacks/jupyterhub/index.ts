/**
 * The JupyterHubStack: the root stack that sets the backend from the project settings, checks
 * the profile catalog and calls each part of the stack (one file per blueprint .tf file) in
 * dependency order.
 */

import { CloudBackend, Lazy, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { type ProjectConfig, S3_LOCKFILE_TERRAFORM_VERSION, statePathFromStackDir } from "../../config";
import type { EksBlueprintsAddonsModule } from "../../modules/eks-blueprints-addons";
import { assertValidCatalog, managedNodeGroups, nodePools } from "../../profiles";
import { addVariableChecks, declareVariables } from "../../variables";
import { addClusterAddons, addDataAddons } from "./addons";
import { addCognito } from "./cognito";
import type { StackContext } from "./context";
import { addEks } from "./eks";
import { addJupyterHub } from "./jupyterhub";
import { addOutputs } from "./outputs";
import { addAwsProviders, addClusterProviders } from "./providers";
import { addVpc } from "./vpc";

/**
 * The root stack: one synthesized Terraform configuration whose addresses are the HCL
 * blueprint's. Each part lives in the file named after the blueprint file that holds it.
 */
export class JupyterHubStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: ProjectConfig) {
    super(scope, id);

    const backend = config.backend;
    if (backend.type === "local") {
      // A state file outside the project is given to `terraform init` as partial backend
      // configuration (SynthSettings.initArgs): no machine path goes into cdk.tf.json.
      if (backend.location === "project") {
        new LocalBackend(this, { path: statePathFromStackDir(backend.path) });
      } else {
        // cdktf fills in an absolute default path; an undefined override removes it.
        new LocalBackend(this, {}).addOverride("path", undefined);
      }
    } else if (backend.type === "cloud") {
      // HCP Terraform / Terraform Enterprise; the token comes from terraform login or TF_TOKEN_<host>.
      new CloudBackend(this, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace),
      });
    } else {
      const s3 = new S3Backend(this, {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        encrypt: backend.encrypt,
        ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
      });
      if (backend.useLockfile) {
        // cdktf 0.21's S3Backend predates use_lockfile.
        s3.addOverride("use_lockfile", true);
      }
    }

    // A profile that cannot schedule is a synthesis error, not a notebook stuck in Pending.
    assertValidCatalog({ profiles: config.profiles, nodePools, nodeGroups: managedNodeGroups });

    const vars = declareVariables(this, config.platform);
    addVariableChecks(this, config.platform);
    const { providers, locals } = addAwsProviders(this, config.platform, vars);
    const ctx: StackContext = { platform: config.platform, vars, locals };

    const vpc = addVpc(this, ctx);
    let blueprintsAddons: EksBlueprintsAddonsModule | undefined;
    const eks = addEks(this, ctx, {
      vpc,
      karpenterNodeIamRoleArn: Lazy.stringValue({
        produce: () => {
          if (!blueprintsAddons) throw new Error("module.eks_blueprints_addons was not created");
          return blueprintsAddons.karpenterNodeIamRoleArn;
        },
      }),
    });
    addClusterProviders(this, eks);
    const clusterAddons = addClusterAddons(this, ctx, eks, providers);
    blueprintsAddons = clusterAddons.blueprintsAddons;
    const hub = addJupyterHub(this, ctx, eks, vpc);
    const cognito = addCognito(this, ctx, hub);
    addDataAddons(this, ctx, { eks, vpc, clusterAddons, hub, cognito, profiles: config.profiles });
    addOutputs(this, ctx, eks, cognito);
    if (backend.type === "s3" && backend.useLockfile) {
      this.addOverride("terraform.required_version", S3_LOCKFILE_TERRAFORM_VERSION);
    }
  }
}
