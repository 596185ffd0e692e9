import { describe, expect, it } from 'vitest';
import { productSearchOf } from './product-search.js';

describe('productSearchOf', () => {
  it('searches for a substring from 3 characters on, whatever they are', () => {
    expect(productSearchOf('tee')).toEqual({ kind: 'contains', text: 'tee' });
    expect(productSearchOf('a-b')).toEqual({ kind: 'contains', text: 'a-b' });
    expect(productSearchOf('%_%')).toEqual({ kind: 'contains', text: '%_%' });
  });

  it('searches for the start of a word with 1 or 2 letters or digits', () => {
    expect(productSearchOf('t')).toEqual({ kind: 'word-start', text: 't' });
    expect(productSearchOf('M2')).toEqual({ kind: 'word-start', text: 'M2' });
    expect(productSearchOf('éa')).toEqual({ kind: 'word-start', text: 'éa' });
  });

  it('matches nothing with 1 or 2 characters that cannot start a word', () => {
    expect(productSearchOf('%')).toEqual({ kind: 'nothing' });
    expect(productSearchOf('a-')).toEqual({ kind: 'nothing' });
    expect(productSearchOf('a b')).toEqual({ kind: 'contains', text: 'a b' });
  });

  it('counts characters, not UTF-16 units', () => {
    // Two code points, three UTF-16 units: not enough for a trigram, and the emoji starts no word.
    expect(productSearchOf('a😀')).toEqual({ kind: 'nothing' });
  });
});
