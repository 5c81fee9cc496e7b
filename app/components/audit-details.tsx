/** An audit entry's data as a short key/value list (values left-to-right: ids, numbers, e-mails). */
export function AuditDetails({ data }: { data: Record<string, unknown> | null }) {
  if (!data) return null;
  const entries = Object.entries(data);
  if (entries.length === 0) return null;
  return (
    <dl className="audit-details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd dir="ltr">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function auditData(data: unknown): Record<string, unknown> | null {
  return data && typeof data === "object" && !Array.isArray(data) && Object.keys(data).length ? (data as Record<string, unknown>) : null;
}
