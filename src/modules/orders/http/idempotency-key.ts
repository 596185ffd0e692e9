const QUOTED = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/;

/**
 * The key a client sent. The draft defines the header as a Structured Field string (`"abc"`); most
 * clients send it bare (`abc`). Both name the same key.
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const quoted = QUOTED.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header;
  return key.length > 0 ? key : header;
}
