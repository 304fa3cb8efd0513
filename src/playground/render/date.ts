/**
 * Slack's date formatting (`<!date^1392734382^{date_short} at {time}|fallback>` in mrkdwn, and the
 * rich text `date` element), as documented in "Formatting text for app surfaces" and the Block Kit
 * date element reference (https://docs.slack.dev/reference/block-kit/block-elements/date-element):
 * {date_num} 2014-02-18 · {date_slash} 18/02/2014 · {date} February 18th, 2014 · {date_short}
 * Feb 18, 2014 · {date_long} Tuesday, February 18th, 2014 · {date_long_full} February 18, 2014 ·
 * {date_pretty}/{date_short_pretty}/{date_long_pretty} the same but "today", "yesterday" or
 * "tomorrow" when it applies · {day_divider_pretty} · {time} 6:39 AM · {time_secs} 6:39:42 AM ·
 * {ago} "3 minutes ago". Slack shows the viewer's time zone; the Playground shows `timeZone`.
 */

const DAY_MS = 86_400_000;

interface DateParts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
  second: number;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function partsIn(date: Date, timeZone: string): DateParts {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const get = (type: string) => format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: get('weekday'),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function clock(p: DateParts, seconds: boolean): string {
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${hour12}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ''} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

/** "today", "yesterday" or "tomorrow" when the date is one of those days in `timeZone`. */
function relativeDay(p: DateParts, now: DateParts): string | undefined {
  const days = Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(now.year, now.month - 1, now.day)) / DAY_MS);
  return ({ '-1': 'yesterday', '0': 'today', '1': 'tomorrow' } as Record<string, string>)[String(days)];
}

function ago(date: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const units: [number, string][] = [
    [31_536_000, 'year'],
    [2_592_000, 'month'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return future ? `in ${text}` : `${text} ago`;
    }
  }
  return future ? 'in a few seconds' : 'a few seconds ago';
}

/**
 * The text of a Slack date: `format` with its tokens replaced. Returns undefined when the timestamp
 * is not a number, so the caller shows Slack's fallback text instead.
 */
export function formatSlackDate(
  timestamp: number,
  format: string,
  options: { now?: Date; timeZone?: string } = {},
): string | undefined {
  if (!Number.isFinite(timestamp)) return undefined;
  const date = new Date(timestamp * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  const timeZone = options.timeZone ?? 'UTC';
  const now = options.now ?? new Date();
  let p: DateParts;
  let today: DateParts;
  try {
    p = partsIn(date, timeZone);
    today = partsIn(now, timeZone);
  } catch {
    return undefined;
  }
  const month = MONTHS[p.month - 1] ?? '';
  const date_ = `${month} ${ordinal(p.day)}, ${p.year}`;
  const short = `${month.slice(0, 3)} ${p.day}, ${p.year}`;
  const long = `${p.weekday}, ${date_}`;
  const relative = relativeDay(p, today);
  const capital = relative && `${relative[0]?.toUpperCase()}${relative.slice(1)}`;
  const tokens: Record<string, string> = {
    date_num: `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`,
    date_slash: `${pad(p.day)}/${pad(p.month)}/${pad(p.year, 4)}`,
    date: date_,
    date_short: short,
    date_long: long,
    date_long_full: `${month} ${p.day}, ${p.year}`,
    date_pretty: relative ?? date_,
    date_short_pretty: relative ?? short,
    date_long_pretty: relative ?? long,
    day_divider_pretty: capital ?? (p.year === today.year ? `${p.weekday}, ${month} ${ordinal(p.day)}` : long),
    time: clock(p, false),
    time_secs: clock(p, true),
    ago: ago(date, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (token, name: string) => tokens[name] ?? token);
}
