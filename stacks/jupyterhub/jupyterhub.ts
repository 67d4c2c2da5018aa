/**
 * Mirrors the blueprint's jupyterhub.tf: the namespace, the notebooks' IRSA role and service
 * account, the EFS file system with its mount targets, and the local efs chart releases.
 */

import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Namespace } from "@cdktf/provider-kubernetes/lib/namespace";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import type { TerraformLocal, TerraformStack } from "cdktf";
import { countWhen, mapWhen, nonEmpty, policyDocument, s3ReadGrantStatements, s3ReadGrants } from "../../expressions";
import { efsReleaseValuesYaml } from "../../helm/efs-release";
import { EFS_CLAIMS } from "../../helm/jupyterhub";
import type { EksModule } from "../../modules/eks";
import { EksBlueprintsAddonsModule } from "../../modules/eks-blueprints-addons";
import { IrsaModule } from "../../modules/iam-role-for-service-accounts-eks";
import type { VpcModule } from "../../modules/vpc";
import { LOCAL_CHARTS } from "../../versions";
import { defineLocal, type StackContext, tagsOf } from "./context";
import { LocalChart } from "./local-chart";
import { S3_READ_GRANTS_LOCAL, S3_READ_ONLY_POLICY_ARN } from "./s3-access";

export const JUPYTERHUB_NAMESPACE = "jupyterhub";

export interface JupyterHubResources {
  readonly namespace: Namespace;
  readonly singleUserServiceAccount: ServiceAccountV1;
  readonly efs: EfsFileSystem;
  /** `local.notebook_s3_read_grants`: notebook_s3_read_buckets split into bucket and prefix. */
  readonly s3ReadGrants: TerraformLocal;
}

/**
 * jupyterhub.tf: the namespace, the notebooks' IRSA role (reading only the S3 locations the
 * team grants) and service account, the encrypted EFS file system behind the home and shared
 * volumes, and the local `efs` chart installed twice (PV + PVC `efs-persist` and
 * `efs-persist-shared`). The blueprint's long-lived token secret for the service account is
 * gone: nothing read it, and pods get short-lived projected tokens.
 */
export function addJupyterHub(
  stack: TerraformStack,
  { platform, vars, locals }: StackContext,
  eks: EksModule,
  vpc: VpcModule,
): JupyterHubResources {
  const namespace = new Namespace(stack, "jupyterhub", { metadata: { name: JUPYTERHUB_NAMESPACE } });
  const namespaceName = namespace.metadata.name;
  // The service account's name; the IRSA trust below must name the same account
  // (the blueprint trusts `jupyterhub-single-user`, an account nobody creates).
  const serviceAccountName = `${eks.clusterName}-jupyterhub-single-user`;

  // The blueprint attached AmazonS3ReadOnlyAccess (every bucket of the account); now only when
  // notebook_s3_read_all is true. The map key stays "policy", the blueprint's.
  const irsa = new IrsaModule(stack, "jupyterhub_single_user_irsa", platform.modules.iamRoleForServiceAccountsEks, {
    role_name: `${eks.clusterName}-jupyterhub-single-user-sa`,
    role_policy_arns: mapWhen({ policy: S3_READ_ONLY_POLICY_ARN }, vars.notebookS3ReadAll.stringValue),
    oidc_providers: {
      main: {
        provider_arn: eks.oidcProviderArn,
        namespace_service_accounts: [`${namespaceName}:${serviceAccountName}`],
      },
    },
  });

  const singleUserServiceAccount = new ServiceAccountV1(stack, "jupyterhub_single_user_sa", {
    metadata: {
      name: serviceAccountName,
      namespace: namespaceName,
      annotations: { "eks.amazonaws.com/role-arn": irsa.iamRoleArn },
    },
    automountServiceAccountToken: true,
  });

  // What every notebook may read: notebook_s3_read_buckets, none by default.
  const s3ReadGrantsLocal = defineLocal(
    stack,
    S3_READ_GRANTS_LOCAL,
    s3ReadGrants(vars.notebookS3ReadBuckets.stringValue),
  );
  new IamRolePolicy(stack, "notebook_s3_read", {
    count: countWhen(nonEmpty(vars.notebookS3ReadBuckets.stringValue)),
    name: "notebook-s3-read",
    role: irsa.iamRoleName,
    policy: policyDocument(s3ReadGrantStatements(s3ReadGrantsLocal.asString)),
  });

  const efs = new EfsFileSystem(stack, "efs", { encrypted: true, tags: tagsOf(locals) });

  const efsSecurityGroup = new SecurityGroup(stack, "efs_sg", {
    name: `${locals.name.asString}-efs`,
    description: "Allow inbound NFS traffic from private subnets of the VPC",
    vpcId: vpc.vpcId,
    ingress: [
      {
        description: "Allow NFS 2049/tcp",
        cidrBlocks: vpc.vpcSecondaryCidrBlocks,
        fromPort: 2049,
        toPort: 2049,
        protocol: "tcp",
      },
    ],
    tags: tagsOf(locals),
  });
  efsSecurityGroup.overrideLogicalId("efs");

  // One mount target per AZ, in the secondary-range subnets where the nodes run
  // (private_subnets = [AZ1 10.x, AZ2 10.x, AZ1 100.x, AZ2 100.x]).
  for (const [logicalId, subnetIndex] of [
    ["efs_mt_1", 2],
    ["efs_mt_2", 3],
  ] as const) {
    new EfsMountTarget(stack, logicalId, {
      fileSystemId: efs.id,
      subnetId: vpc.privateSubnet(subnetIndex),
      securityGroups: [efsSecurityGroup.id],
    });
  }

  const chart = new LocalChart(stack, "efs_chart", "efs");
  const efsRelease = (releaseName: string, description: string, volumeName: string) => ({
    name: releaseName,
    description,
    namespace: JUPYTERHUB_NAMESPACE,
    create_namespace: false,
    chart: chart.chartPath,
    chart_version: LOCAL_CHARTS.efs.version,
    values: [efsReleaseValuesYaml({ name: volumeName, dnsName: efs.dnsName })],
  });
  new EksBlueprintsAddonsModule(
    stack,
    "efs_config",
    platform.modules.eksBlueprintsAddons,
    {
      cluster_name: eks.clusterName,
      cluster_endpoint: eks.clusterEndpoint,
      cluster_version: eks.clusterVersion,
      oidc_provider_arn: eks.oidcProviderArn,
      helm_releases: {
        efs: efsRelease("efs", "A Helm chart for storage configurations", EFS_CLAIMS.home),
        "efs-shared": efsRelease("efs-shared", "A Helm chart for shared storage configurations", EFS_CLAIMS.shared),
      },
    },
    { dependsOn: [namespace] },
  );

  return { namespace, singleUserServiceAccount, efs, s3ReadGrants: s3ReadGrantsLocal };
}
