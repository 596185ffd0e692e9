/** One sample of a Prometheus text page: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of series `name` on a `/metrics` page. */
export function samplesOf(page: string, name: string): Sample[] {
  return page.split('\n').flatMap((line) => {
    const match = LINE.exec(line);
    if (!match || match[1] !== name) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key, value]));
    return [{ labels, value: Number(match[3]) }];
  });
}

/** The sum of series `name` over the samples whose labels include `where`. */
export const sumOf = (page: string, name: string, where: Record<string, string> = {}): number =>
  samplesOf(page, name)
    .filter((sample) => Object.entries(where).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
