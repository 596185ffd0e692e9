// Latency summaries of samples in milliseconds, as the benchmarks print them.
export function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1));
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: Number(sorted.at(-1).toFixed(1)) };
}
