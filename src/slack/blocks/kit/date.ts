/** Slack date formatting: every viewer sees `at` in their own time zone; the fallback is UTC. */
export function slackDate(at: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}
