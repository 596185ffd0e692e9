// The rows of a catalog file, one at a time, each with the line it came from: a CSV file with a
// header (sku,name,description,priceCents,currency,stock) or JSON Lines (one product object per line).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

const REQUIRED = ['sku', 'name', 'priceCents', 'currency', 'stock'];
const KNOWN = [...REQUIRED, 'description'];
const INTEGER_FIELDS = ['priceCents', 'stock'];

/** A CSV cell as the API expects it: whole numbers as numbers, an empty description left out. */
function productOf(record) {
  const product = {};
  for (const field of KNOWN) {
    const value = record[field];
    if (value === undefined || (field === 'description' && value === '')) continue;
    product[field] = INTEGER_FIELDS.includes(field) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return product;
}

/**
 * Yields `{ line, product }` for each row and `{ line, problem }` for a row that cannot be read,
 * and reports the bytes read so far through `onBytes` (for the progress and its ETA).
 */
export async function* catalogRows(file, onBytes = () => {}) {
  if (/\.jsonl?$/i.test(file)) yield* jsonLines(file, onBytes);
  else if (/\.csv$/i.test(file)) yield* csvRows(file, onBytes);
  else throw new Error(`${file}: name a .csv or .jsonl file`);
}

async function* jsonLines(file, onBytes) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  let bytes = 0;
  for await (const text of lines) {
    line += 1;
    bytes += Buffer.byteLength(text) + 1;
    onBytes(bytes);
    if (text.trim() === '') continue;
    let product;
    try {
      product = JSON.parse(text);
    } catch (error) {
      yield { line, problem: `not JSON (${error.message})` };
      continue;
    }
    if (product === null || typeof product !== 'object' || Array.isArray(product))
      yield { line, problem: 'not a JSON object' };
    else yield { line, product };
  }
}

async function* csvRows(file, onBytes) {
  const skipped = [];
  const parser = createReadStream(file).pipe(
    parse({
      columns: (header) => {
        const missing = REQUIRED.filter((column) => !header.includes(column));
        if (missing.length > 0)
          throw new Error(`${file}: the header must name ${KNOWN.join(', ')}; missing: ${missing.join(', ')}`);
        return header;
      },
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => skipped.push({ line: error.lines, problem: error.message.replace(/ on line \d+$/, '') }),
    }),
  );
  for await (const { info, record } of parser) {
    while (skipped.length > 0) yield skipped.shift();
    onBytes(info.bytes);
    yield { line: info.lines, product: productOf(record) };
  }
  while (skipped.length > 0) yield skipped.shift();
}
