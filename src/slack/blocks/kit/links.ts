/** A link that opens a message (the card) in Slack. */
export function messageLink(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}
