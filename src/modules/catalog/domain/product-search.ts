/**
 * What a catalog search (`q`) asks for, as API.md ("Catalog and data at scale") defines it:
 * - 3 characters or more: products whose name or sku contains it, case-insensitively;
 * - 1 or 2 letters or digits: products with a word of the name or of the sku (a run of letters and
 *   digits) that starts with it. Anything shorter than 3 characters that is not letters or digits
 *   starts no word and matches nothing.
 * Lengths count characters (code points), as the search indexes do.
 */
export type ProductSearch =
  { kind: 'contains'; text: string } | { kind: 'word-start'; text: string } | { kind: 'nothing' };

/** The shortest text a substring search serves: one trigram. */
export const CONTAINS_MIN_LENGTH = 3;

const LETTERS_AND_DIGITS = /^[\p{L}\p{N}]+$/u;

export function productSearchOf(q: string): ProductSearch {
  if ([...q].length >= CONTAINS_MIN_LENGTH) return { kind: 'contains', text: q };
  return LETTERS_AND_DIGITS.test(q) ? { kind: 'word-start', text: q } : { kind: 'nothing' };
}
