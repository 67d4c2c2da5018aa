import { Construct } from "constructs";
import { LocalBackend, Lazy, S3Backend, TerraformStack } from "cdktf";
import { ProjectConfig, statePathFromStackDir } from "../../config";
import { addVariableChecks, declareVariables } from "../../variables";
import { assertValidCatalog, managedNodeGroups, nodePools } from "../../profiles";
import { EksBlueprintsAddonsModule } from "../../modules/eks-blueprints-addons";
import { addAwsProviders, addClusterProviders } from "./providers";
import { addVpc } from "./vpc";
import { addEks } from "./eks";
import { addClusterAddons, addDataAddons } from "./addons";
import { addJupyterHub } from "./jupyterhub";
import { addCognito } from "./cognito";
import { addOutputs } from "./outputs";
import { StackContext } from "./context";

/**
 * The root stack: one synthesized Terraform configuration whose addresses are the HCL
 * blueprint's. Each part lives in the file named after the blueprint file that holds it.
 */
export class JupyterHubStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: ProjectConfig) {
    super(scope, id);

    const backend = config.backend;
    if (backend.type === "local") {
      new LocalBackend(this, { path: statePathFromStackDir(backend.path) });
    } else {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
      });
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
    const cognito = addCognito(this, ctx);
    addDataAddons(this, ctx, { eks, vpc, clusterAddons, hub, cognito, profiles: config.profiles });
    addOutputs(this, ctx);
  }
}
