interface Format {
  formatter: Intl.NumberFormat;
  /** Minor-unit digits of the currency (2 for USD, 0 for JPY), looked up once: resolvedOptions() is not cheap. */
  digits: number;
}

const formats = new Map<string, Format | null>();

function formatFor(currency: string): Format | null {
  if (!formats.has(currency)) {
    try {
      const formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
      formats.set(currency, { formatter, digits: formatter.resolvedOptions().maximumFractionDigits ?? 2 });
    } catch {
      // Not an ISO 4217 code Intl knows: fall back to "12.34 XYZ" rather than fail a notification.
      formats.set(currency, null);
    }
  }
  return formats.get(currency)!;
}

/** Formats integer minor units in their currency: (1234, "USD") → "$12.34", (500, "JPY") → "¥500". */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = formatFor(currency.toUpperCase());
  if (!format) return `${(minorUnits / 100).toFixed(2)} ${currency}`;
  return format.formatter.format(minorUnits / 10 ** format.digits);
}
