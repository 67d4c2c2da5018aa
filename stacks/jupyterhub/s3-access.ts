/**
 * S3 read grants, evaluated at plan time from the variables: `notebook_s3_read_buckets` (what
 * every notebook may read) and, for Cognito users, the department prefix of
 * `cognito_department_bucket`. The HCL expressions themselves are in expressions.ts
 * (`s3ReadGrants`, `s3ReadGrantStatements`, `departmentStatements`, `policyDocument`).
 */

/** The AWS managed policy the blueprint attached to both notebook roles (every bucket of the account). */
export const S3_READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

/** The local that splits each `notebook_s3_read_buckets` entry into bucket and prefix. */
export const S3_READ_GRANTS_LOCAL = "notebook_s3_read_grants";
