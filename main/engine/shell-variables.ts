// Scripts set a payload or a key in a variable on one line and use it on another (`D='U2FsdGVk...'`, then `echo "$D"
// | openssl enc -d ... -k "$K" | sh`). A variable given a literal value (no expansion, command or backquote in it) is
// known before the script runs, so it is put in where it is used, as the shell would (sh(1), "Parameter Expansion":
// $NAME and ${NAME}); anything else stays as written and is read as a value made when it runs.
import { isAssignment, splitShellCommands } from './shell-words';

/** Bounds: variables kept, the length of a value, and the text substitution may add to one script or command. */
const MAX_VARIABLES = 256;
const MAX_VALUE_LENGTH = 256 * 1024;
export const MAX_SUBSTITUTED = 8 * 1024 * 1024;

/**
 * The variables a line sets to literal values (`NAME=value`, `export NAME=value`, several separated by `;`), added to
 * `into` (a later one replaces an earlier one, as in the shell). Cheap for a line that sets none.
 */
export function addLiteralAssignments(line: string, into: Map<string, string>): void {
  if (!line.includes('=')) return;
  for (const words of splitShellCommands(line)) {
    const start = words[0] === 'export' || words[0] === 'readonly' || words[0] === 'local' ? 1 : 0;
    for (let i = start; i < words.length; i++) {
      const word = words[i] as string;
      if (!isAssignment(word)) break;
      const equals = word.indexOf('=');
      const name = word.slice(0, equals);
      const value = word.slice(equals + 1);
      // A value made when it runs ($(...), $X, backquotes) is not known here: it stays unknown, and replaces what was.
      const literal = value.length > 0 && value.length <= MAX_VALUE_LENGTH && !value.includes('$');
      if (!literal || line.includes('`')) into.delete(name);
      else if (into.has(name) || into.size < MAX_VARIABLES) into.set(name, value);
    }
  }
}

/**
 * `text` with each $NAME and ${NAME} of a known variable replaced by its value; `budget.left` is what substitution
 * may still add (shared by a script's lines) and, once spent, the rest stays as written and `budget.cut` says so.
 * One pass over the text.
 */
export function withVariables(
  text: string,
  variables: ReadonlyMap<string, string>,
  budget: { left: number; cut?: boolean },
): string {
  if (variables.size === 0 || !text.includes('$')) return text;
  let out = '';
  let copied = 0;
  for (let i = text.indexOf('$'); i >= 0 && i < text.length; i = text.indexOf('$', i + 1)) {
    const braced = text[i + 1] === '{';
    const nameStart = i + (braced ? 2 : 1);
    let nameEnd = nameStart;
    while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd), nameEnd === nameStart)) nameEnd++;
    if (nameEnd === nameStart || (braced && text[nameEnd] !== '}')) continue;
    const value = variables.get(text.slice(nameStart, nameEnd));
    if (value === undefined) continue;
    if (value.length > budget.left) {
      budget.cut = true;
      break;
    }
    budget.left -= value.length;
    out += text.slice(copied, i) + value;
    copied = braced ? nameEnd + 1 : nameEnd;
    i = copied - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isNameChar(c: number, first: boolean): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return letter || (!first && c >= 48 && c <= 57);
}
