/** The required reason of a mutation (kept in the audit record); focused first when its dialog opens. */
export function ReasonField({ value, onChange, placeholder }: { value: string; onChange: (value: string) => void; placeholder?: string }) {
  return (
    <label className="block">
      <span className="font-medium">Reason</span> <span className="text-slate-500">(required, kept in the audit log)</span>
      <textarea required data-autofocus value={value} onChange={(e) => onChange(e.target.value)} rows={2} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1" placeholder={placeholder} />
    </label>
  );
}
