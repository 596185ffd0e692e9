/**
 * Names and expressions shared by the search migration and the queries it serves: an expression
 * index serves only a query that repeats the expression exactly. Changing one needs a new migration.
 */
export const SEARCH_SQL = {
  /** SQLite: FTS5, trigram tokenizer, over name and sku: substrings of 3 characters or more. */
  substrings: 'products_search',
  /** SQLite: FTS5 over the words of name and sku, with prefix indexes of 1 and 2 characters. */
  words: 'products_words',
  /**
   * PostgreSQL: name and sku lower-cased, every run of characters that are not letters or digits
   * made one space, after a leading space: a word starting with `ab` is then ` ab` (pg_trgm serves
   * `LIKE '% ab%'` from the word-start trigrams it keeps).
   */
  postgresWords: `(' ' || regexp_replace(lower(name) || ' ' || lower(sku), '[^[:alnum:]]+', ' ', 'g'))`,
} as const;
