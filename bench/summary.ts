/** The `p`th percentile of `values` (nearest rank); NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** How many, p50, p99 and the worst of a set of latencies, rounded to 0.1 ms. */
export function summary(values: number[]) {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

export type Summary = ReturnType<typeof summary>;
