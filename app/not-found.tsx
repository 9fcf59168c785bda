import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="space-y-2">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-sm">
        Nothing here. <Link href="/" className="underline">Back to the live locks</Link>.
      </p>
    </div>
  );
}
