/**
 * The base class of the typed registry module wrappers in modules/: a `TerraformHclModule`
 * with typed inputs, an exact-version check on the module source, and helpers that read
 * module outputs as references and `depends_on` entries.
 */

import { type ITerraformDependable, propertyAccess, TerraformHclModule, type TerraformProvider, Token } from "cdktf";
import type { Construct } from "constructs";
import { indexToken } from "../expressions";

/**
 * Where a registry module comes from. Modules are not recorded in `.terraform.lock.hcl`, so
 * every `terraform init` takes the newest release inside a range: the version is exact
 * (versions.ts pins each one).
 */
export interface ModuleSource {
  readonly source: string;
  readonly version: string;
}

const EXACT_VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;

export interface ModuleOptions {
  readonly providers?: TerraformProvider[];
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A registry module called through `TerraformHclModule` with typed inputs.
 *
 * Inputs keep the registry's snake_case names so the synthesized JSON reads like the
 * blueprint's HCL. The construct id is the module's Terraform name (`module.<id>`), so
 * wrappers must be created directly under the stack.
 */
export abstract class RegistryModule<Inputs extends object> extends TerraformHclModule {
  protected constructor(scope: Construct, id: string, spec: ModuleSource, inputs: Inputs, options: ModuleOptions = {}) {
    if (!EXACT_VERSION.test(spec.version)) {
      throw new Error(
        `module.${id}: version "${spec.version}" of ${spec.source} is not an exact version (x.y.z). A range lets ` +
          `every terraform init pick a newer release; pin it in versions.ts.`,
      );
    }
    super(scope, id, {
      source: spec.source,
      version: spec.version,
      variables: { ...inputs } as Record<string, unknown>,
      providers: options.providers,
      dependsOn: options.dependsOn,
    });
  }

  /**
   * A value below this module's outputs: names, and numbers for list indexes, e.g.
   * `"karpenter", "node_iam_role_arn"` or `"private_subnets", 2` (`module.<name>.private_subnets[2]`).
   */
  protected outputPath(...path: readonly (string | number)[]): string {
    return Token.asString(
      propertyAccess(
        this,
        path.map((p) => (typeof p === "number" ? indexToken(p) : p)),
      ),
    );
  }

  /** One output of this module as a `depends_on` entry (`module.<name>.<output>`): that value, not the whole module. */
  protected outputDependency(output: string): ITerraformDependable {
    return { fqn: this.getString(output) };
  }
}
