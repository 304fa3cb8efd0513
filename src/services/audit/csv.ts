/**
 * CSV as RFC 4180 writes it, for spreadsheets. A field holding a comma, a double quote, CR or LF is
 * quoted, its double quotes doubled; records end in CRLF.
 *
 * Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (or a tab or CR, which some strip
 * first) as a formula — CSV injection, and audit rows carry text people typed (rule names, reasons).
 * Such a field gets a leading `'`, which spreadsheets show as text and do not run. The export is then
 * not byte-exact for those fields: verify from the JSONL export, which is.
 */
export function csvField(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/** One CSV record (CRLF-terminated) of the given fields; null is an empty field. */
export function csvRecord(fields: ReadonlyArray<string | null>): string {
  return `${fields.map((field) => csvField(field ?? '')).join(',')}\r\n`;
}
