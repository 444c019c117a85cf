// Text from launch items is attacker-controlled: before it reaches a terminal, control characters
// (ANSI escapes, carriage returns, bidi overrides) are made visible instead of being obeyed.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function safeTerminalText(text: string): string {
  return text.replace(/\n/g, '\\n').replace(/\t/g, ' ').replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ASCII_CONTROL = /[\u0000-\u001f\u007f]/;

/** Paths, labels and arguments with control characters are refused before they reach a command. */
export function hasControlCharacters(text: string): boolean {
  return ASCII_CONTROL.test(text);
}
