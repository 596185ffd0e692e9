// Progress of an import: a bar redrawn in place on a terminal, plain lines every few seconds otherwise.
import { SingleBar } from 'cli-progress';

const PLAIN_EVERY_MS = 5000;

const duration = (seconds) => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`;
};

/** `totalBytes` is the file's size: the share read so far gives the ETA. `stream` is where it is drawn. */
export function importProgress(totalBytes, stream = process.stderr) {
  const started = Date.now();
  const snapshot = ({ rows, bytes, created, skipped, bad }) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? rows / seconds : 0;
    const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
    const eta = share > 0 ? (seconds / share) * (1 - share) : Infinity;
    return { rows, rate: Math.round(rate), eta: duration(eta), share, created, skipped, bad };
  };
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format:
        '{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {etaText} | created {created}, skipped {skipped}, bad {bad}',
      barsize: 24,
      hideCursor: true,
    });
    bar.start(100, 0, { rows: 0, rate: 0, etaText: '?', created: 0, skipped: 0, bad: 0 });
    return {
      update(counts) {
        const s = snapshot(counts);
        bar.update(Math.floor(s.share * 100), { ...s, etaText: s.eta });
      },
      /** A line above the bar (a bad row): the bar's line is cleared, the text written, the bar drawn again below it. */
      log(line) {
        stream.write(`\r\x1b[K${line}\n`);
        bar.render(true);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(counts, force = false) {
      if (!force && Date.now() - last < PLAIN_EVERY_MS) return;
      last = Date.now();
      const s = snapshot(counts);
      stream.write(
        `progress: ${(s.share * 100).toFixed(0)}% ${s.rows} rows, ${s.rate} rows/s, ETA ${s.eta}; created ${s.created}, skipped ${s.skipped}, bad ${s.bad}\n`,
      );
    },
    log: (line) => stream.write(`${line}\n`),
    stop() {},
  };
}
