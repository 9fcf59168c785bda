import { useId } from 'react';

export type FilterOption = string | { value: string; label: string };

/** A labelled filter drop-down whose first choice ("All"/"Any") clears the filter. */
export function FilterSelect({ label, value, onChange, options, emptyLabel = 'All' }: { label: string; value: string; onChange: (value: string) => void; options: readonly FilterOption[]; emptyLabel?: string }) {
  const id = useId();
  return (
    <span className="flex items-center gap-1">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
        <option value="">{emptyLabel}</option>
        {options.map((o) => {
          const { value: v, label: l } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={v} value={v}>
              {l}
            </option>
          );
        })}
      </select>
    </span>
  );
}
