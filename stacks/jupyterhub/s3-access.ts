/**
 * S3 read grants as HCL expressions, evaluated at plan time from the variables:
 * `notebook_s3_read_buckets` (what every notebook may read) and, for Cognito users, the
 * department prefix of `cognito_department_bucket`. Each function returns HCL source text for
 * a list of IAM policy statements; `policyDocument` wraps statements into `jsonencode(...)`.
 *
 * `$${aws:PrincipalTag/department}` is an IAM policy variable: `$${` keeps it literal in HCL.
 */

/** The AWS managed policy the blueprint attached to both notebook roles (every bucket of the account). */
export const S3_READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

/** The local that splits each `notebook_s3_read_buckets` entry into bucket and prefix. */
export const S3_READ_GRANTS_LOCAL = "notebook_s3_read_grants";

/** `[{ bucket, prefix }]` for "bucket" and "bucket/prefix" entries (prefix "" for a whole bucket). */
export const S3_READ_GRANTS_EXPRESSION =
  '${[for e in var.notebook_s3_read_buckets : { bucket = regex("^([^/]+)/?(.*)$", e)[0], prefix = regex("^([^/]+)/?(.*)$", e)[1] }]}';

/**
 * Statements granting read access to every entry of local.notebook_s3_read_grants: the bucket's
 * location, listing (only under the prefix when there is one) and reading objects under the
 * prefix. Nothing else: no write, no delete, no other bucket.
 */
export function s3ReadGrantStatements(): string {
  const grants = `local.${S3_READ_GRANTS_LOCAL}`;
  return (
    "concat(" +
    `[for b in distinct([for g in ${grants} : g.bucket]) : { Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = "arn:aws:s3:::\${b}" }], ` +
    `[for g in ${grants} : { Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${g.bucket}" } if g.prefix == ""], ` +
    `[for g in ${grants} : { Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${g.bucket}", Condition = { StringLike = { "s3:prefix" = ["\${g.prefix}*"] } } } if g.prefix != ""], ` +
    `[for g in ${grants} : { Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::\${g.bucket}/\${g.prefix}*" }]` +
    ")"
  );
}

/**
 * Statements letting a Cognito user read `<department>/` in `bucket` (an HCL expression), where
 * the department is the session tag the identity pool maps from the token's `department` claim.
 * A session without the tag matches none of them.
 */
export function departmentStatements(bucket: string): string {
  const department = "$${aws:PrincipalTag/department}";
  return (
    "[" +
    `{ Sid = "DepartmentBucketLocation", Effect = "Allow", Action = ["s3:GetBucketLocation"], Resource = "arn:aws:s3:::\${${bucket}}" }, ` +
    `{ Sid = "ListOwnDepartment", Effect = "Allow", Action = ["s3:ListBucket"], Resource = "arn:aws:s3:::\${${bucket}}", ` +
    `Condition = { StringLike = { "s3:prefix" = ["${department}/", "${department}/*"] } } }, ` +
    `{ Sid = "ReadOwnDepartment", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::\${${bucket}}/${department}/*" }` +
    "]"
  );
}

/** `${jsonencode({ Version = "2012-10-17", Statement = <statements> })}`. */
export function policyDocument(statements: string): string {
  return `\${jsonencode({ Version = "2012-10-17", Statement = ${statements} })}`;
}
