// Sends rows to the batch route in batches of up to 1000 products (and well under its 1 MB body
// limit), and turns each refusal into what it says about the rows: a bad row is reported with its
// line and left out, a sku already in the catalog is skipped and counted, and the rest is sent again.

const MAX_ROWS = 1000;
const MAX_BYTES = 900_000;

/** Rows named by the errors of a 400 (`products.17.priceCents`), with their messages. */
function problemsByIndex(errors = []) {
  const byIndex = new Map();
  for (const { path, message } of errors) {
    const match = /^products\.(\d+)(?:\.(.*))?$/.exec(path);
    if (!match) continue;
    const index = Number(match[1]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), match[2] ? `${match[2]}: ${message}` : message]);
  }
  return byIndex;
}

export class CatalogUploader {
  /** `onBadRow(line, reason)`; `onSent()` after each batch, for the progress. */
  constructor(client, { onBadRow, onSent = () => {} }) {
    this.client = client;
    this.onBadRow = onBadRow;
    this.onSent = onSent;
    this.counts = { rows: 0, created: 0, skipped: 0, bad: 0 };
    this.batch = [];
    this.bytes = 0;
    /** The catalog's skus, read once the first "sku taken" shows the file and the catalog overlap. */
    this.existing = undefined;
  }

  async add(row) {
    this.counts.rows += 1;
    if (row.problem) return this.bad(row.line, row.problem);
    if (this.existing?.has(row.product.sku)) return void (this.counts.skipped += 1);
    const size = Buffer.byteLength(JSON.stringify(row.product)) + 1;
    if (this.batch.length >= MAX_ROWS || this.bytes + size > MAX_BYTES) await this.flush();
    this.batch.push(row);
    this.bytes += size;
  }

  async flush() {
    const rows = this.batch;
    this.batch = [];
    this.bytes = 0;
    if (rows.length > 0) await this.send(rows);
    this.onSent();
  }

  bad(line, reason) {
    this.counts.bad += 1;
    this.onBadRow(line, reason);
  }

  async send(rows) {
    let pending = rows;
    while (pending.length > 0) {
      const { status, body } = await this.client.createProducts(pending.map((row) => row.product));
      if (status === 201) {
        this.counts.created += pending.length;
        return;
      }
      if (status === 400 && body?.code === 'validation_failed') pending = this.withoutInvalid(pending, body);
      else if (status === 409 && body?.code === 'sku_taken' && body.sku)
        pending = await this.withoutTaken(pending, body.sku);
      else throw new Error(`the shop refused a batch: ${status} ${body?.code ?? ''} ${body?.detail ?? ''}`);
    }
  }

  withoutInvalid(pending, problem) {
    const byIndex = problemsByIndex(problem.errors);
    if (byIndex.size === 0) throw new Error(`the shop refused a batch: ${problem.detail}`);
    for (const [index, messages] of byIndex) this.bad(pending[index].line, messages.join('; '));
    return pending.filter((_, index) => !byIndex.has(index));
  }

  async withoutTaken(pending, sku) {
    const same = pending.filter((row) => row.product.sku === sku);
    if (same.length > 1) {
      for (const row of same.slice(1)) this.bad(row.line, `sku ${sku} repeats line ${same[0].line}`);
      return pending.filter((row) => row.product.sku !== sku || row === same[0]);
    }
    this.existing ??= await this.client.allSkus();
    this.existing.add(sku);
    const left = pending.filter((row) => !this.existing.has(row.product.sku));
    this.counts.skipped += pending.length - left.length;
    return left;
  }
}
