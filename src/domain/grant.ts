/** When an approval's grant window ends: it starts at the approval. Null when the route sets no window. */
export function grantExpiry(approvedAt: Date, grantSeconds: number | null): Date | null {
  return grantSeconds === null ? null : new Date(approvedAt.getTime() + grantSeconds * 1000);
}
