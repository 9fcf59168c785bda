/** AWS failures in words, for the helper's one line (no SDK import: the helper's tests use them alone). */
export const errorName = (e: unknown) => (e as { name?: string }).name ?? '';

/** A short reason for an AWS failure, for the one line the wrapper prints. */
export function awsReason(e: unknown): string {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = errorName(e) || 'Error';
  const message = e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : String(e).slice(0, 200);
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
}

export function isDenied(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 403 || /AccessDenied|Forbidden|UnrecognizedClient|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|CredentialsProviderError/i.test(errorName(e));
}
