/**
 * How text is cut into words for the search index, the same way on both
 * sides: FTS5's `unicode61 remove_diacritics 2` tokenizer indexes the text,
 * and this module finds the same words in JavaScript to check phrases and
 * mark matches.
 *
 * Words are runs of letters, digits, marks and private-use characters
 * (unicode61's token characters), folded to lower case without diacritics,
 * so `cafe` finds `Café` and `unicode` finds `ünïcödé`. Scripts written
 * without spaces (Chinese, Japanese kana, Thai, Lao, Khmer, Myanmar) have no
 * words to cut at, so each of their characters is a word of its own: `日本`
 * is searched as the phrase `日 本` and found inside `日本語`.
 */

/** One character of a script without spaces between words. */
const UNSPACED =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const UNSPACED_ALL = new RegExp(UNSPACED.source, "gu");
/** A cheap test that a string may hold such characters (their blocks, roughly). */
const MAYBE_UNSPACED =
  /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\ud840-\ud8bf]/;
const WORD = new RegExp(
  `${UNSPACED.source}|(?:(?!${UNSPACED.source})[\\p{L}\\p{N}\\p{M}\\p{Co}])+`,
  "gu",
);

/** The private-use character that starts the index's own words (conversation, account, room). */
export const META = "\uec00";

/**
 * The text the index is given for a message: characters of unspaced
 * scripts set apart, and {@linkcode META} taken out, so a message can never
 * hold one of the index's own words.
 */
export function toIndexText(text: string): string {
  const plain = text.includes(META) ? text.replaceAll(META, " ") : text;
  return MAYBE_UNSPACED.test(plain)
    ? plain.replace(UNSPACED_ALL, " $& ")
    : plain;
}

/** A word as the tokenizer folds it: lower case, without diacritics. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(lower)
    ? lower
    : lower.normalize("NFD").replace(/\p{M}/gu, "");
}

/** One word of a text: where it stands (UTF-16 offsets) and its folded form. */
export interface Word {
  start: number;
  end: number;
  folded: string;
}

/** The words of `text` in order. */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const folded = foldWord(m[0]);
    if (folded === "") continue;
    words.push({ start: m.index, end: m.index + m[0].length, folded });
  }
  return words;
}
