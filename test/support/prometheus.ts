import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

/**
 * A scrape read with a Prometheus text-format parser. The parser keeps each family's type, but
 * folds a histogram's labelled series into one sample without labels; so the text is parsed a
 * second time with the histogram TYPE lines left out, which makes `<name>_bucket`, `<name>_sum`
 * and `<name>_count` plain families whose samples keep their labels.
 */
export class Scrape {
  readonly families: ParsedFamily[];
  private readonly series: ParsedFamily[];

  constructor(text: string) {
    this.families = parsePrometheusTextFormat(text);
    this.series = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  }

  /** A family as the parser typed it; throws when the scrape has none of that name. */
  family(name: string): ParsedFamily {
    const found = this.families.find((f) => f.name === name);
    if (found === undefined) throw new Error(`no metric ${name}`);
    return found;
  }

  /** The samples of `name` (a histogram's as `<name>_count` etc.) whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): ParsedSample[] {
    // A histogram's series interleave (buckets, sum, count per label set): gather every run of the name.
    const all = this.series.filter((f) => f.name === name).flatMap((f) => f.metrics);
    return all.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value));
  }

  /** The value of the one series of `name` whose labels include `labels`; 0 when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.samples(name, labels);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
    return Number(found[0]?.value ?? 0);
  }
}
