/**
 * Reading counted resources and data sources (`count` = 0 or 1 by auth mode): the first
 * instance, the first instance or "" when there is none, and a splat over every instance.
 */

import { Fn, propertyAccess, type TerraformDataSource, type TerraformResource, Token } from "cdktf";
import { indexToken } from "../../expressions";

/** A path below an instance: attribute names, and numbers for list indexes (`"metadata", 0, "name"`). */
export type AttributePath = readonly (string | number)[];

function firstInstancePath(element: TerraformResource | TerraformDataSource, path: AttributePath) {
  return propertyAccess(element, [indexToken(0), ...path.map((p) => (typeof p === "number" ? indexToken(p) : p))]);
}

/**
 * `<address>[0].<path>`: the way to read a counted resource (a bare `<address>.<attribute>`
 * is invalid Terraform once `count` is set). The address comes from the construct.
 */
export function firstInstance(element: TerraformResource | TerraformDataSource, ...path: AttributePath): string {
  return Token.asString(firstInstancePath(element, path));
}

/**
 * `try(<address>[0].<path>, "")`: for expressions evaluated in every mode, such as the values
 * of a mode that is not selected.
 */
export function firstInstanceOrEmpty(element: TerraformResource | TerraformDataSource, ...path: AttributePath): string {
  return Token.asString(Fn.try([firstInstancePath(element, path), ""]));
}

/** `<address>[*].<attribute>`: every instance's attribute (an empty list with count 0). */
export function allInstances(element: TerraformResource | TerraformDataSource, attribute: string): string {
  return Token.asString(propertyAccess(element, ["*", attribute]));
}
