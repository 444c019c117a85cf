// Text from launch items is attacker-controlled: before it reaches a terminal, a CSV cell, an HTML
// report or the app's views, control characters (ANSI escapes, carriage returns, NUL) and characters
// that reorder or hide text (bidirectional overrides and isolates, zero-width characters, line and
// paragraph separators) are made visible instead of being obeyed.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `\x1b`, `\u202e`: the code of each invisible character, where it stood; newlines and tabs are kept. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line of a terminal: newlines shown as `\n`, tabs as spaces, every other invisible character by its code. */
export function safeTerminalText(text: string): string {
  return visibleText(text.replace(/\n/g, '\\n').replace(/\t/g, ' '));
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ASCII_CONTROL = /[\u0000-\u001f\u007f]/;

/** Paths, labels and arguments with control characters are refused before they reach a command. */
export function hasControlCharacters(text: string): boolean {
  return ASCII_CONTROL.test(text);
}
