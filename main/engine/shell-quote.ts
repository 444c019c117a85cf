// Commands shown to a person to paste (what is left to do after an action stops short, what a plan will run) carry
// labels and paths the attacker wrote: each word is quoted for sh unless it is plainly one word, so that a file named
// `x;curl … | sh;.plist` is never run by whoever pastes the command.
import { hasControlCharacters } from './terminal-text';

/** `arg` single-quoted for sh; an argument with control characters is refused (no paste can carry it safely). */
export function shellQuote(arg: string): string {
  if (hasControlCharacters(arg)) throw new Error('refusing an argument with control characters');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Characters sh reads as part of a plain word, with no meaning of their own. */
const PLAIN_WORD = /^[A-Za-z0-9._@+/:=,%-]+$/;

/** `word` as it can be pasted into sh: as it is when plainly one word, else quoted; `placeholder` when neither. */
export function pasteable(word: string, placeholder = '<see the app>'): string {
  if (PLAIN_WORD.test(word)) return word;
  try {
    return shellQuote(word);
  } catch {
    return placeholder;
  }
}
