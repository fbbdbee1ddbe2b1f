/**
 * `sizeBytes` (docs/retention-and-sizing.md): what an execution's trigger data, node
 * records, webhook answer and error take as stored. Every statement that writes one of them sets it
 * from the SQL expressions of the values it writes or keeps (one left out counts 0). pg_column_size reads
 * a value's length header, so nothing is serialised or scanned again: a value the statement writes
 * counts its full jsonb size, one it keeps what it takes on disk (compressed when PostgreSQL
 * compressed it; small values are not).
 */
export function sizeBytesSql(values: { trigger?: string; nodes?: string; response?: string; error?: string }): string {
  const parts = [values.trigger, values.nodes, values.response, values.error].filter((value): value is string => value !== undefined);
  return `(${parts.map((value) => `COALESCE(pg_column_size(${value}), 0)`).join(' + ')})`;
}
