// A shell script read as the shell reads it, one command at a time (sh(1), "Lexical Structure", "Here-Documents"): a
// line that ends in `\` goes on on the next (the two joined), one that ends in `|`, `&&` or `||` too (the command
// goes on), one that ends inside a quote or a `$(...)` too (the string holds the line end: `echo 'U2Fsd...<line
// end>...' | openssl enc -d -a ...`, as openssl -a writes 64 characters a line), and a here-document's body goes
// with the line that opens it (`openssl enc -d -a -k <key> <<EOF | sh`, the data on the lines up to `EOF`). One pass,
// each character looked at once: a script is the attacker's, and joining by copying what was held at every line (as
// this did before) took half a minute on 50,000 lines that each end in `\`. It is not a shell (a case pattern's `)`
// inside `$(...)` is taken to close it): decodedScriptLines reads the lines of a command over lines alone too.

/**
 * What is open at the end of a line, innermost last: `'`, `"` and `$` (`$'...'`) quotes, `(` a `$(...)` and a
 * backquote one; a here-document waiting for its delimiter.
 */
interface LineEnd {
  open: string;
  /** The delimiter of the first here-document the line opens (`<<EOF`, `<<-'EOF'`); `-` strips leading tabs. */
  hereDocument?: { delimiter: string; stripTabs: boolean };
  /** Ends in `\`, `|`, `&&` or `||` outside quotes: the command goes on on the next line. */
  goesOn?: 'joined' | 'spaced';
}

/** Nesting deeper than this is no script's: past it what opens is not followed (decodedScriptLines reads lines too). */
const MAX_NESTING = 64;

/** The script's commands, each as one text (the lines it spans joined as the shell joins them). */
export function* scriptCommands(text: string): Generator<string> {
  let pieces: string[] = [];
  let open = '';
  let hereDocument: LineEnd['hereDocument'];
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (hereDocument !== undefined) {
      pieces.push('\n', line);
      const body = hereDocument.stripTabs ? withoutLeadingTabs(line) : line;
      if (withoutTrailingReturn(body) === hereDocument.delimiter) {
        hereDocument = undefined;
        yield pieces.join('');
        pieces = [];
      }
      continue;
    }
    const lineEnd = scanLine(line, open);
    open = lineEnd.open;
    if (open !== '') {
      pieces.push(line, '\n');
      continue;
    }
    if (lineEnd.hereDocument !== undefined) {
      hereDocument = lineEnd.hereDocument;
      pieces.push(line);
      continue;
    }
    if (lineEnd.goesOn === 'joined') {
      pieces.push(line.slice(0, line.length - 1));
      continue;
    }
    pieces.push(line);
    if (lineEnd.goesOn === 'spaced') {
      pieces.push(' ');
      continue;
    }
    yield pieces.join('');
    pieces = [];
  }
  // A quote never closed, a here-document with no delimiter, a last line that goes on: what was held is a command
  // (without the line end held after its last line).
  if (pieces.at(-1) === '\n') pieces.pop();
  if (pieces.length > 0) yield pieces.join('');
}

/**
 * One line's quotes, substitutions, comments and here-documents, from what was open at its start: what is open at its
 * end, and whether the command goes on. Within `"..."` a `$(...)` or a backquote reads quotes of its own
 * (`"$(echo ')')"` closes); `$'...'` (bash's escapes) lets `\'` stand inside it.
 */
function scanLine(line: string, openAtStart: string): LineEnd {
  let open = openAtStart;
  let hereDocument: LineEnd['hereDocument'];
  let wordStart = true;
  const push = (context: string): void => {
    if (open.length < MAX_NESTING) open += context;
  };
  const pop = (): void => {
    open = open.slice(0, -1);
  };
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i] as string;
    const inside = open.at(-1);
    if (inside === "'") {
      if (c === "'") pop();
      continue;
    }
    if (inside === '$') {
      if (c === '\\') i++;
      else if (c === "'") pop();
      continue;
    }
    if (inside === '"') {
      if (c === '\\') i++;
      else if (c === '"') pop();
      else if (c === '$' && line[i + 1] === '(') {
        push('(');
        i++;
        wordStart = true;
      } else if (c === '`') {
        push('`');
        wordStart = true;
      }
      continue;
    }
    // Unquoted: at the top, inside $(...) or inside backquotes.
    if (c === '\\') {
      // A backslash last on the line joins the next one to it (the two removed); elsewhere it escapes one character.
      if (i === line.length - 1 && open === '')
        return { open, ...(hereDocument ? { hereDocument } : {}), goesOn: 'joined' };
      i++;
    } else if (c === "'" || c === '"') push(c);
    else if (c === '$' && line[i + 1] === "'") {
      push('$');
      i++;
    } else if (c === '$' && line[i + 1] === '(') {
      push('(');
      i++;
    } else if (c === '(' && inside === '(') push('(');
    else if (c === ')' && inside === '(') pop();
    else if (c === '`') {
      if (inside === '`') pop();
      else push('`');
    } else if (c === '#' && wordStart) break;
    else if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<' && hereDocument === undefined && open === '') {
      const opened = hereDocumentAt(line, i + 2);
      if (opened !== undefined) {
        hereDocument = opened.hereDocument;
        i = opened.end - 1;
      } else i++;
    } else if (c === '<' && line[i + 1] === '<') i += 2;
    wordStart = c === ' ' || c === '\t' || c === ';' || c === '&' || c === '|' || c === '(' || c === '`';
  }
  if (open !== '') return { open };
  // Past a comment the line ends where the comment began: `# a |` does not go on.
  const goesOn = i === line.length ? goesOnAtEnd(line) : undefined;
  return { open, ...(hereDocument ? { hereDocument } : {}), ...(goesOn ? { goesOn } : {}) };
}

/** The delimiter word after `<<` (and an optional `-`) at `from`, unquoted as the shell reads it, and where it ends. */
function hereDocumentAt(
  line: string,
  from: number,
): { hereDocument: NonNullable<LineEnd['hereDocument']>; end: number } | undefined {
  let i = from;
  const stripTabs = line[i] === '-';
  if (stripTabs) i++;
  while (line[i] === ' ' || line[i] === '\t') i++;
  let delimiter = '';
  let quote: string | undefined;
  for (; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else delimiter += c;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < line.length) delimiter += line[++i];
    else if (' \t\r;|&<>)'.includes(c)) break;
    else delimiter += c;
  }
  // `$((1<<2))` shifts, it opens nothing: a delimiter is a word, and none starts with a digit in practice.
  const first = delimiter.charCodeAt(0);
  if (delimiter.length === 0 || (first >= 48 && first <= 57)) return undefined;
  return { hereDocument: { delimiter, stripTabs }, end: i };
}

/** `spaced` for a line that ends in `|`, `&&` or `||` (spaces after them allowed). */
function goesOnAtEnd(line: string): LineEnd['goesOn'] {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t' || line[end - 1] === '\r')) end--;
  if (line[end - 1] === '|' || line.endsWith('&&', end)) return 'spaced';
  return undefined;
}

function withoutLeadingTabs(line: string): string {
  let i = 0;
  while (line[i] === '\t') i++;
  return line.slice(i);
}

function withoutTrailingReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
