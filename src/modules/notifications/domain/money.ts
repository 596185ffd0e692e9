const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(currency: string): Intl.NumberFormat | null {
  if (!formatters.has(currency)) {
    try {
      formatters.set(currency, new Intl.NumberFormat('en-US', { style: 'currency', currency }));
    } catch {
      // Not an ISO 4217 code Intl knows: fall back to "12.34 XYZ" rather than fail a notification.
      formatters.set(currency, null);
    }
  }
  return formatters.get(currency)!;
}

/** Formats integer minor units in their currency: (1234, "USD") → "$12.34", (500, "JPY") → "¥500". */
export function formatMoney(minorUnits: number, currency: string): string {
  const formatter = formatterFor(currency.toUpperCase());
  if (!formatter) return `${(minorUnits / 100).toFixed(2)} ${currency}`;
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(minorUnits / 10 ** digits);
}
