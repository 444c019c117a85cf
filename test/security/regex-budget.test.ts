// Every regular expression in the app's code, found by reading the source (so a new one cannot slip in),
// is checked two ways: recheck's ReDoS analysis must call it safe, and it must finish on 100 KB
// adversarial strings (recheck's own attack, pumped, and strings made of the pattern's own characters)
// within a time budget. Attacker text (plist values, file names, command lines) reaches most of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const SOURCES = ['main', 'renderer/src'];
const LENGTH = 100 * 1024;
const BUDGET_MS = 250;

interface Found {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Regex literals, and `new RegExp` / `RegExp` calls whose pattern is a literal or a template (its holes escaped text). */
function findPatterns(): Found[] {
  const found: Found[] = [];
  for (const file of SOURCES.flatMap((s) => sourceFiles(join(ROOT, s)))) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const where = (node: ts.Node): string =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const literal = node.text;
        const slash = literal.lastIndexOf('/');
        found.push({ where: where(node), source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [pattern, flags] = node.arguments ?? [];
        const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : '';
        if (pattern && ts.isStringLiteralLike(pattern))
          found.push({ where: where(node), source: pattern.text, flags: flagText });
        else if (pattern && ts.isTemplateExpression(pattern)) {
          // A hole is escaped literal text: a word stands in for it.
          const joined = pattern.head.text + pattern.templateSpans.map((span) => `word${span.literal.text}`).join('');
          found.push({ where: where(node), source: joined, flags: flagText });
        } else
          throw new Error(
            `${where(node)}: a RegExp built from something other than a literal; make it a literal so this test can check it`,
          );
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** Strings of the pattern's own characters, repeated to 100 KB and ended by one that does not fit. */
function adversarialStrings(pattern: string): string[] {
  const chars = new Set<string>(['a', 'A', '1', ' ', '.', '-', '/', '=', '@', ':', '_', '\t', '\n', 'x']);
  for (const c of pattern.replace(/\\[dDwWsSbB]/g, '')) if (c.charCodeAt(0) > 31 && c.charCodeAt(0) < 127) chars.add(c);
  const list = [...chars];
  const out: string[] = [];
  for (const c of list) out.push(`${c.repeat(LENGTH)}\u0000!`);
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as string;
    const b = list[(i + 1) % list.length] as string;
    out.push(`${(a + b).repeat(LENGTH / 2)}\u0000`);
  }
  return out;
}

function timeOn(regex: RegExp, input: string): number {
  const started = performance.now();
  regex.lastIndex = 0;
  if (regex.global) for (const _ of input.matchAll(regex)) void _;
  else regex.exec(input);
  return performance.now() - started;
}

const patterns = findPatterns();
const verdicts = new Map(
  patterns.map((p) => [p, checkSync(p.source, p.flags.replace(/[^gimsuy]/g, ''), { timeout: 10_000 })]),
);

describe('regular expressions cannot be made to backtrack badly', () => {
  it('finds the patterns in the source (the test would be empty otherwise)', () => {
    expect(patterns.length).toBeGreaterThan(50);
    expect(patterns.some((p) => p.where.startsWith('main/engine/command-evidence.ts'))).toBe(true);
  });

  it('recheck calls every pattern safe (no exponential or polynomial backtracking)', () => {
    const unsafe: string[] = [];
    for (const [p, result] of verdicts) {
      if (result.status === 'vulnerable')
        unsafe.push(`${p.where} /${p.source}/${p.flags}: ${result.complexity.type}, attack ${result.attack.pattern}`);
      else if (result.status === 'unknown')
        unsafe.push(`${p.where} /${p.source}/${p.flags}: recheck could not decide (${result.error.kind})`);
    }
    expect(unsafe).toEqual([]);
  });

  it(`every pattern finishes on ${LENGTH / 1024} KB adversarial strings within ${BUDGET_MS} ms`, () => {
    const slow: string[] = [];
    for (const [p, result] of verdicts) {
      // A pattern recheck found vulnerable would hang this test: the test above names it instead.
      if (result.status !== 'safe') continue;
      const regex = new RegExp(p.source, p.flags);
      for (const input of adversarialStrings(p.source)) {
        const ms = timeOn(regex, input);
        if (ms > BUDGET_MS) {
          slow.push(
            `${p.where} /${p.source}/${p.flags}: ${Math.round(ms)} ms on ${JSON.stringify(input.slice(0, 12))}...`,
          );
          break;
        }
      }
    }
    expect(slow).toEqual([]);
  }, 300_000);
});
