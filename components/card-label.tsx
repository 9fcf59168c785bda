/**
 * A table cell's column name, written before its value in the card a row becomes below md (the
 * header row is hidden there), and hidden on a wide screen where the header says it.
 */
export function CardLabel({ children }: { children: string }) {
  return <span className="mr-1 font-semibold text-slate-600 md:hidden">{children}:</span>;
}

/** The header row of a table whose rows become cards below md: hidden there (each cell carries its CardLabel). */
export function CardTableHead({ columns, className, cellClassName }: { columns: readonly string[]; className: string; cellClassName: string }) {
  return (
    <thead className={`${className} max-md:hidden`}>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col" className={cellClassName}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
