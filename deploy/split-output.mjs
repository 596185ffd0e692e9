// The output side of split mode: each child's lines prefixed with its name, pino JSON made readable
// on a terminal, and a tail of each child's stderr kept for the error that explains a failed start.
import { createInterface } from 'node:readline';

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS = { 10: 90, 20: 36, 30: 32, 40: 33, 50: 31, 60: 35 };
const NAME_COLOURS = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96];
// Fields every line carries; printing them again after the message would only add noise.
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

const paint = (code, text) => `\u001b[${code}m${text}\u001b[39m`;

/**
 * One pino JSON line as `12:00:01.234 INFO  message key=value …`; any other line unchanged.
 * `colour` adds ANSI colours (for a terminal).
 */
export function prettyLine(line, colour = true) {
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (!record || typeof record !== 'object' || typeof record.level !== 'number') return line;
  const time =
    typeof record.time === 'string' ? record.time.slice(11, 23) : new Date(record.time).toISOString().slice(11, 23);
  const level = (LEVELS[record.level] ?? String(record.level)).padEnd(5);
  const rest = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const head = `${time} ${colour ? paint(LEVEL_COLOURS[record.level] ?? 39, level) : level} ${record.msg ?? ''}`;
  return rest ? `${head} ${colour ? paint(90, rest) : rest}` : head;
}

/** The prefix of a child's lines: its label padded to `width`, coloured by `index` on a terminal. */
export function prefixFor(label, width, index, colour) {
  const padded = label.padEnd(width);
  return `${colour ? paint(NAME_COLOURS[index % NAME_COLOURS.length], padded) : padded} | `;
}

/** Writes every line of `stream` to `destination` behind `prefix`, pretty-printed when `pretty`. */
export function relayLines(stream, destination, prefix, pretty) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    destination.write(`${prefix}${pretty ? prettyLine(line) : line}\n`);
  });
}

/** Keeps the last `max` lines written to `stream`; `text()` returns them joined. */
export function tailOf(stream, max = 20) {
  const lines = [];
  let partial = '';
  stream.on('data', (chunk) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop();
    lines.push(...parts.filter((line) => line.trim() !== ''));
    if (lines.length > max) lines.splice(0, lines.length - max);
  });
  const ended = new Promise((resolve) => stream.once('close', resolve));
  return {
    /** The kept lines, once the stream has closed or after at most `waitMs`. */
    async text(waitMs = 1000) {
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
      return [...lines, ...(partial.trim() ? [partial] : [])].slice(-max).join('\n');
    },
  };
}
