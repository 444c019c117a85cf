// systemd unit files and XDG autostart .desktop entries: both INI-like, both pure text -> records. What a unit's
// ExecStart= runs is read by systemd-exec.ts.

export type IniSections = Record<string, Record<string, string[]>>;

/**
 * `[Section]` headers, `Key=Value` lines (repeatable), `#`/`;` comments, trailing-backslash continuations. Sections
 * and keys are the file's words, so they live in objects with no prototype: `[__proto__]` or `constructor=` is a
 * name like any other, never Object.prototype.
 */
export function parseIni(text: string): IniSections {
  const sections: IniSections = Object.create(null) as IniSections;
  let current: Record<string, string[]> | undefined;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${(lines[++i] as string).trim()}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1] as string] ??= Object.create(null) as Record<string, string[]>;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    (current[key] ??= []).push(value);
  }
  return sections;
}

/** Desktop Entry `Exec`: quoted arguments, and field codes (%f, %U, ...) that are not part of argv. */
export function parseDesktopExec(value: string): string[] {
  return splitQuoted(value)
    .filter((arg) => !/^%[fFuUdDnNickvm]$/.test(arg))
    .map((arg) => arg.replace(/%%/g, '%'));
}

function splitQuoted(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
