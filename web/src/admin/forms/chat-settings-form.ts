/** The chat settings form's rules, matching the server's (PUT /api/v1/admin/chat/settings). */

export const SLOW_MODE_CHOICES = [0, 5, 10, 30, 60, 120, 300, 600] as const;
export const MAX_WORDS = 200;
export const MAX_WORD_LENGTH = 50;

/** One word or phrase per line (commas also separate); blanks and repeats dropped, case-insensitively. */
export function parseWordFilter(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const word = raw.trim();
    const key = word.toLocaleLowerCase('es');
    if (!word || seen.has(key)) continue;
    seen.add(key);
    words.push(word);
  }
  return words;
}

export type WordFilterProblem = { kind: 'too_many'; max: number } | { kind: 'too_long'; word: string; max: number } | null;

export function wordFilterProblem(words: readonly string[]): WordFilterProblem {
  if (words.length > MAX_WORDS) return { kind: 'too_many', max: MAX_WORDS };
  const long = words.find((w) => [...w].length > MAX_WORD_LENGTH);
  return long ? { kind: 'too_long', word: long, max: MAX_WORD_LENGTH } : null;
}

/** The choices for the slow-mode select, with the saved value added when it is not one of them. */
export function slowModeChoices(current: number): number[] {
  const all = new Set<number>([...SLOW_MODE_CHOICES, current]);
  return [...all].filter((s) => Number.isInteger(s) && s >= 0 && s <= 600).sort((a, b) => a - b);
}
