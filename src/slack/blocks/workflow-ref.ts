/**
 * A button value naming a request and one of its questions or extensions: `<requestId>.<id>` (two
 * UUIDs, far inside Slack's 2000-character value limit).
 */
export function workflowRef(requestId: string, id: string): string {
  return `${requestId}.${id}`;
}

/** The request and question/extension ids a button value names, or null when it is not one. */
export function parseWorkflowRef(value: string | undefined): { requestId: string; id: string } | null {
  const parts = (value ?? '').split('.');
  if (parts.length !== 2 || parts.some((part) => part.length === 0 || part.length > 64)) return null;
  return { requestId: parts[0] as string, id: parts[1] as string };
}
