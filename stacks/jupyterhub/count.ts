import { TerraformDataSource, TerraformResource, Token, ref } from "cdktf";

/** `count = <condition> ? 1 : 0` for a resource that exists only in some auth modes. */
export function countWhen(condition: string): number {
  return Token.asNumber(`\${${condition} ? 1 : 0}`);
}

/** The address of a resource or data source, as written in an expression. */
export function addressOf(element: TerraformResource | TerraformDataSource): string {
  const prefix = element instanceof TerraformDataSource ? "data." : "";
  return `${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/**
 * `<address>[0].<attribute>`: the way to read a counted resource (a bare `<address>.<attribute>`
 * is invalid Terraform once `count` is set).
 */
export function firstInstance(element: TerraformResource | TerraformDataSource, attribute: string): string {
  return Token.asString(ref(`${addressOf(element)}[0].${attribute}`));
}

/**
 * `try(<address>[0].<attribute>, "")`: for expressions evaluated in every mode, such as
 * the values of a mode that is not selected.
 */
export function firstInstanceOrEmpty(element: TerraformResource | TerraformDataSource, attribute: string): string {
  return Token.asString(ref(`try(${addressOf(element)}[0].${attribute}, "")`));
}
