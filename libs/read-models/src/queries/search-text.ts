/**
 * Text as the full-text index sees it. SQLite's tokenizer removes Vietnamese tone marks and most
 * diacritics itself, but keeps đ apart from d; folding it on both sides lets "duong" find "đường".
 * NFC first, so a query typed with combining accents is one word, not several.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFC').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}
