import unhomoglyph from 'unhomoglyph';

/**
 * Characters that show as nothing: Unicode's default-ignorable code points (zero-width characters, bidi
 * marks, variation selectors, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, tags…) plus the blank
 * Braille pattern, which is a symbol but prints as a space. A name made only of these is blank.
 */
export const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;

/**
 * Latin small capitals (ᴍ, ᴀ, ʀ…) read as the capital letters but are not in Unicode's confusables data
 * (they are distinct letters in phonetics), so they are folded here before the skeleton.
 */
const SMALL_CAPITALS: Record<string, string> = {
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm',
  ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ꞯ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
};
const SMALL_CAPITAL = new RegExp(`[${Object.keys(SMALL_CAPITALS).join('')}]`, 'gu');

/**
 * Digits and signs people write for letters (Moderad0r, P4stor, $istema). Unicode's skeleton already
 * turns 0 into O and 1 into l; the others are no look-alikes to it, but they read as the letter.
 */
const LEET: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** UTS #39 skeleton: NFD, each character mapped through Unicode's confusables data, NFD again. */
const skeleton = (s: string) => unhomoglyph(s.normalize('NFD')).normalize('NFD');

/**
 * The comparable form of a name, for the reserved-name check: look-alike letters of any script, small
 * capitals, case, accents, digits used as letters, spacing and punctuation all fold to the same key, so
 * `Pаstor` (Cyrillic а), `Μoderator` (Greek Mu), `ᴍoderador` and `Moderad0r` meet `pastor` and `moderador`.
 * The key is for comparing only; it is never shown.
 */
export function nickSkeleton(nick: string): string {
  const visible = nick.normalize('NFKC').replace(INVISIBLE, '').replace(SMALL_CAPITAL, (c) => SMALL_CAPITALS[c]!);
  // The skeleton runs before case folding, so capitals of other scripts (Greek Μ, Cyrillic Ѕ) become Latin
  // ones first; and again after it (Μ → M → m → rn). Its data maps capital I (and 1, |) to l but leaves
  // small i alone, so ADMIN and admin would differ: i and l are one letter in the key.
  const once = skeleton(visible).toLowerCase();
  return skeleton(once)
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[013457@$]/g, (c) => LEET[c]!)
    .replace(/[^a-z]/g, '')
    .replace(/l/g, 'i');
}
