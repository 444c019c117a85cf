// codesign.txt: `### <absolute path>` then the stderr of `codesign -dv --verbose=2 <path>`.
import type { SigningInfo } from '../../engine/model';

export function parseCodesignBundle(text: string): Map<string, SigningInfo> {
  const result = new Map<string, SigningInfo>();
  let path: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (path !== undefined) result.set(path, parseCodesignOutput(path, lines.join('\n')));
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) {
      flush();
      path = line.slice(4).trim();
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return result;
}

/** One program's `codesign -dv --verbose=2` stderr. */
export function parseCodesignOutput(path: string, text: string): SigningInfo {
  const authorities: string[] = [];
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z][A-Za-z ]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key = '', value = ''] = match;
    if (key === 'Authority') authorities.push(value);
    else if (!fields.has(key)) fields.set(key, value);
  }
  const info: SigningInfo = { path, status: 'unknown', authorities };
  const identifier = fields.get('Identifier');
  if (identifier) info.identifier = identifier;
  const team = fields.get('TeamIdentifier');
  if (team && team !== 'not set') info.teamId = team;

  if (/code object is not signed at all/.test(text)) info.status = 'unsigned';
  else if (fields.get('Signature') === 'adhoc' || codeDirectoryFlags(fields.get('CodeDirectory v')).includes('adhoc'))
    info.status = 'adhoc';
  // Apple's own binaries: `Authority=Software Signing`, or at verbosity 1 (no Authority lines) a platform identifier.
  else if (
    authorities[0] === 'Software Signing' ||
    authorities[0] === 'macOS Software Signing' ||
    fields.has('Platform identifier')
  )
    info.status = 'apple';
  else if (authorities.some((a) => /^Apple Mac OS Application Signing$/.test(a))) info.status = 'app-store';
  else if (authorities.some((a) => a.startsWith('Developer ID Application:'))) info.status = 'developer-id';
  else if (authorities.length > 0) info.status = 'other';
  else {
    const problem = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '');
    if (problem) info.note = problem;
  }
  return info;
}

/** The names in `CodeDirectory v=20400 ... flags=0x20002(adhoc,linker-signed) ...`, found by position. */
function codeDirectoryFlags(line: string | undefined): string[] {
  if (line === undefined) return [];
  const at = line.indexOf('flags=0x');
  const open = at < 0 ? -1 : line.indexOf('(', at);
  const close = open < 0 ? -1 : line.indexOf(')', open);
  return close < 0 ? [] : line.slice(open + 1, close).split(',');
}
