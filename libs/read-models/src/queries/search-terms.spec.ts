import { ftsQuery, MAX_SEARCH_TERMS } from './list-recommendations';

describe('ftsQuery: what a search costs is bounded', () => {
  it('merges words the index sees as the same (case, tone marks, đ)', () => {
    expect(ftsQuery('đường Đường DUONG duong đuờng')).toBe('"dường"');
  });

  it('turns a hundred repeated words into one term', () => {
    expect(ftsQuery(Array.from({ length: 100 }, () => 'trụ sở').join(' '))).toBe('"trụ" "sở"');
  });

  it(`keeps the first ${MAX_SEARCH_TERMS} distinct words`, () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    expect(ftsQuery(words.join(' '))).toBe(
      words
        .slice(0, MAX_SEARCH_TERMS)
        .map((w) => `"${w}"`)
        .join(' '),
    );
  });

  it('cuts absurdly long words and never passes FTS5 syntax through', () => {
    const query = ftsQuery(`${'a'.repeat(500)} NEAR(x y) "quoted" OR *`) as string;
    expect(query).toBe(`"${'a'.repeat(40)}" "NEAR" "x" "y" "quoted" "OR"`);
  });

  it('finds nothing to search in punctuation alone', () => {
    expect(ftsQuery('*** ""  ()')).toBeNull();
  });
});
