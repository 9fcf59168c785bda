import { CopyButton } from './copy-button';
import type { DigestExplanation as Explanation } from '@/lib/terraform/digest';

/** What Terraform will do with a state whose digest is wrong, and how to fix it (with the MD5 to set). */
export function DigestExplanation({ explanation, subject, label }: { explanation: Explanation; subject: string; label?: string }) {
  return (
    <div role="note" aria-label={label} className="space-y-1 border-l-2 border-red-300 pl-3 text-xs text-red-900">
      <p>
        <span className="font-semibold">What Terraform will do: </span>
        {explanation.consequence}
      </p>
      <p>
        <span className="font-semibold">Fix: </span>
        {explanation.fix}
      </p>
      {explanation.setDigestTo ? (
        <p className="flex flex-wrap items-center gap-2">
          Calculated MD5:{' '}
          <code data-testid="calculated-md5" className="break-all font-mono">
            {explanation.setDigestTo}
          </code>
          <CopyButton text={explanation.setDigestTo} label={`Copy the calculated MD5 of ${subject}`} />
        </p>
      ) : null}
    </div>
  );
}
