import type { ErrorJson } from '@/lib/api/errors';

export interface BackendFacts {
  name: string;
  region: string;
  bucket: string;
  dynamodbTable: string | null;
}

/** The next step an operator can take for a failure to read a backend, by error code. Pure. */
export function nextStep(error: Pick<ErrorJson, 'code'> & { service?: unknown }, backend: BackendFacts): string | null {
  const table = backend.dynamodbTable ?? '(none)';
  switch (error.code) {
    case 'aws_unreachable':
      return `Check the endpoint and region (${backend.region}) of backend "${backend.name}", and that Lockboard's network reaches AWS (VPC endpoints, proxy, security groups, DNS).`;
    case 'aws_access_denied':
      return error.service === 'DynamoDB'
        ? `Allow Lockboard's role dynamodb:Scan and dynamodb:GetItem on table ${table} (region ${backend.region}).`
        : `Allow Lockboard's role s3:ListBucket, s3:ListBucketVersions and s3:GetObject on bucket ${backend.bucket}.`;
    case 'bucket_not_found':
      return `Check the bucket name "${backend.bucket}" and the region "${backend.region}" in Lockboard's configuration of backend "${backend.name}".`;
    case 'table_not_found':
      return `Check the table name "${table}" and the region "${backend.region}" in Lockboard's configuration of backend "${backend.name}".`;
    case 'aws_throttled':
      return 'AWS is throttling Lockboard: the next refresh tries again. If this lasts, raise the poll interval.';
    case 'internal':
    case 'aws_error':
      return "See Lockboard's server log for the details.";
    default:
      return null;
  }
}
