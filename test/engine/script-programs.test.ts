// A job whose program is a script (`ProgramArguments = (~/.p/run.sh)`, no `sh` before it) runs it through the
// interpreter its `#!` line names (execve(2), "Interpreter scripts"), and a launcher script often runs a second that
// starts the miner with its config. Both are read as a script handed to a shell is, scripts run by scripts to the
// bounds of script-chain.ts; what a bound leaves unread is said.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { approvalFor, type Approval } from '../../main/engine/approvals';
import { commandAsRun, filesNamedByJob, followFilesNamedByJob } from '../../main/engine/job-home';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { shebangWords } from '../../main/engine/referenced-files';
import {
  followScripts,
  MAX_NESTED_SCRIPT_BYTES,
  MAX_SCRIPT_DEPTH,
  MAX_SCRIPTS_FOLLOWED,
} from '../../main/engine/script-chain';
import { programsStartedBy } from '../../main/engine/started-programs';
import { isScriptStart } from '../../main/platform/not-read';
import { ALICE, reasonsOf, writeCapture, type CaptureSpec } from '../support/capture-builder';
import { launchAgent } from '../support/launch-items';

const HOME = '/Users/alice';
const POOL = '{"pools":[{"url":"pool.supportxmr.com:443"}]}';

describe('a program that is a script', () => {
  it('runs as its #! line says: the interpreter and its options, then the script, then its arguments', () => {
    const item = launchAgent('/x.plist', 'x', { arguments: [`${HOME}/.p/run.sh`, '--now'] });
    expect(commandAsRun(item)).toEqual([`${HOME}/.p/run.sh`, '--now']);
    const as = (text: string) => commandAsRun(item, new Map([[`${HOME}/.p/run.sh`, text]]));
    expect(as('#!/bin/bash -e\nx\n')).toEqual(['/bin/bash', '-e', `${HOME}/.p/run.sh`, '--now']);
    expect(as('#! /usr/bin/env  python3\r\nx\n')).toEqual(['/usr/bin/env', 'python3', `${HOME}/.p/run.sh`, '--now']);
    // No #!: the kernel does not run it as a script (launchd's spawn fails with ENOEXEC); a binary is not one either.
    expect(as('echo hi\n')).toEqual([`${HOME}/.p/run.sh`, '--now']);
    expect(as('#!')).toEqual([`${HOME}/.p/run.sh`, '--now']);
    // Program set apart from argv[0]: the program is what runs.
    const apart = launchAgent('/y.plist', 'y', { program: '/opt/y/go', arguments: ['shown', '-v'] });
    expect(commandAsRun(apart, new Map([['/opt/y/go', '#!/bin/sh\n']]))).toEqual(['/bin/sh', '/opt/y/go', '-v']);
    // The kernel reads a bounded first line; a #! line of a megabyte costs no more than that.
    expect(shebangWords(`#!/bin/sh ${'x'.repeat(1_000_000)}\n`)?.join(' ').length).toBeLessThan(600);
  });

  it('names the files its commands name, and those of the scripts it runs in turn', () => {
    // Its own `-c` gives the script a config, as written; read as `/bin/sh run.sh -c ...` alone, a shell's -c hides it.
    const withConfig = launchAgent('/c.plist', 'c', { arguments: [`${HOME}/.p/run.sh`, '-c', `${HOME}/.p/a.json`] });
    const script = new Map([[`${HOME}/.p/run.sh`, '#!/bin/sh\n']]);
    expect(filesNamedByJob(withConfig, ALICE, script)).toEqual([`${HOME}/.p/a.json`, `${HOME}/.p/run.sh`]);
    const item = launchAgent('/x.plist', 'x', { arguments: [`${HOME}/.p/run.sh`] });
    const files = new Map([
      [`${HOME}/.p/run.sh`, '#!/bin/sh\ncd ~/.p\nsh ./stage.sh &\n'],
      [`${HOME}/.p/stage.sh`, 'exec ./kworker -c p.json\n'],
    ]);
    expect(filesNamedByJob(item, ALICE)).toEqual([]);
    expect(filesNamedByJob(item, ALICE, files)).toEqual([
      `${HOME}/.p/run.sh`,
      // stage.sh was run after `cd ~/.p`; the reader does not know which folder each line is in, so tries each.
      '/stage.sh',
      `${HOME}/.p/stage.sh`,
      '/p.json',
      `${HOME}/.p/p.json`,
    ]);
  });

  it('is where a detached miner it starts, directly or through a second script, is tied back to it', () => {
    const item = launchAgent('/x.plist', 'x', { arguments: [`${HOME}/.p/run.sh`] });
    const files = new Map([
      [`${HOME}/.p/run.sh`, '#!/bin/sh\n/bin/bash ~/.p/stage.sh\n'],
      [`${HOME}/.p/stage.sh`, 'nohup ~/.p/kworker --background &\n'],
    ]);
    expect(programsStartedBy(item, files, HOME)).toEqual([`${HOME}/.p/run.sh`, `${HOME}/.p/kworker`]);
    // Without its #! line, run.sh is no script the kernel runs, and nothing it names is read.
    files.set(`${HOME}/.p/run.sh`, '/bin/bash ~/.p/stage.sh\n');
    expect(programsStartedBy(item, files, HOME)).toEqual([`${HOME}/.p/run.sh`]);
  });
});

describe('a script run by its path', () => {
  const item = launchAgent('/x.plist', 'x', { arguments: ['/bin/sh', '-c', 'cd ~/.r && nohup ./start.sh &'] });

  it('is among the programs to tell; once read as a script, it is followed, from the folder it was run in', () => {
    const unread = followFilesNamedByJob(item, ALICE, new Map());
    // Its own program (/bin/sh) is launchd's to run, and a script only by its #! line: not among them.
    expect(unread.programs).toEqual(['/start.sh', `${HOME}/.r/start.sh`]);
    const files = new Map([[`${HOME}/.r/start.sh`, 'exec ./kworker -c r.json\n']]);
    const read = followFilesNamedByJob(item, ALICE, files);
    expect(read.reached).toEqual([`${HOME}/.r/start.sh`, '/r.json', `${HOME}/.r/r.json`]);
    expect(read.programs).toContain(`${HOME}/.r/kworker`);
    // A detached miner it starts is tied back to the item through it (by the word ps shows for it).
    expect(programsStartedBy(item, files, HOME)).toEqual(['./start.sh', './kworker']);
    expect(programsStartedBy(item, new Map(), HOME)).toEqual(['./start.sh']);
  });

  it('is a script to a shell when it has a #! line or no NUL in its first line; to launchd only with #!', () => {
    expect(isScriptStart('#!/bin/sh\n', 'launchd')).toBe(true);
    expect(isScriptStart('./kworker -c r.json\n', 'shell')).toBe(true);
    expect(isScriptStart('./kworker -c r.json\n', 'launchd')).toBe(false);
    // Mach-O 64-bit and ELF headers hold a NUL before any line end: the kernel runs them, no shell reads them.
    expect(isScriptStart(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 1]).toString('latin1'), 'shell')).toBe(false);
    expect(isScriptStart('\u007fELF\u0002\u0001\u0001\u0000', 'shell')).toBe(false);
    // bash looks at the first line only: a NUL after it does not make a script binary.
    expect(isScriptStart('echo hi\n\u0000', 'shell')).toBe(true);
    expect(isScriptStart('', 'shell')).toBe(false);
  });
});

describe('scripts run by scripts', () => {
  const chain = (levels: number): Map<string, string> =>
    new Map(
      Array.from({ length: levels }, (_, i) => [
        `/s/${i + 1}.sh`,
        i + 1 < levels ? `sh /s/${i + 2}.sh\n` : '/s/kworker -c /s/pool.json\n',
      ]),
    );
  const item = launchAgent('/x.plist', 'x', { arguments: ['/bin/sh', '/s/1.sh'] });

  it(`are read ${MAX_SCRIPT_DEPTH} levels deep; past that, what a script names is said to be unread`, () => {
    const four = followFilesNamedByJob(item, ALICE, chain(MAX_SCRIPT_DEPTH));
    expect(four.reached).toEqual(['/s/1.sh', '/s/2.sh', '/s/3.sh', '/s/4.sh', '/s/pool.json']);
    expect(four.unread).toBeUndefined();
    const five = followFilesNamedByJob(item, ALICE, chain(MAX_SCRIPT_DEPTH + 1));
    expect(five.reached).toEqual(['/s/1.sh', '/s/2.sh', '/s/3.sh', '/s/4.sh', '/s/5.sh']);
    expect(five.unread).toBe(`/s/5.sh: the files it names (5 scripts deep, past ${MAX_SCRIPT_DEPTH})`);
    // A config at the last level names nothing: nothing was left unread.
    const config = chain(MAX_SCRIPT_DEPTH);
    config.set('/s/pool.json', POOL);
    expect(followFilesNamedByJob(item, ALICE, config).unread).toBeUndefined();
  });

  it('end: a script that runs itself is read once, and a fan of scripts stops at the bound with a word', () => {
    const loop = new Map([
      ['/s/1.sh', 'sh /s/1.sh\nsh /s/2.sh\n'],
      ['/s/2.sh', 'sh /s/1.sh\n'],
    ]);
    const read: string[] = [];
    const looped = followScripts(['/s/1.sh'], loop, (path, text) => {
      read.push(path);
      return filesNamedByJob(launchAgent('/l.plist', 'l', { arguments: ['/bin/sh', '-c', text] }), ALICE);
    });
    expect(read).toEqual(['/s/1.sh', '/s/2.sh']);
    expect(looped).toEqual({ reached: ['/s/1.sh', '/s/2.sh'] });

    const fan = new Map<string, string>([['/f/0.sh', '']]);
    const names = Array.from({ length: 200 }, (_, i) => `/f/${i + 1}.sh`);
    fan.set('/f/0.sh', names.map((name) => `sh ${name}\n`).join(''));
    for (const name of names) fan.set(name, `sh ${name}.next\n`);
    const fanned = followFilesNamedByJob(
      launchAgent('/f.plist', 'f', { arguments: ['/bin/sh', '/f/0.sh'] }),
      ALICE,
      fan,
    );
    expect(fanned.unread).toBe(
      `/f/${MAX_SCRIPTS_FOLLOWED}.sh: the files it names (past the ${MAX_SCRIPTS_FOLLOWED} scripts read for one item)`,
    );
    expect(fanned.reached.filter((path) => path.endsWith('.next'))).toHaveLength(MAX_SCRIPTS_FOLLOWED - 1);
  });
});

describe('scripts run by scripts, hostile', () => {
  it(`read past the first level up to ${MAX_NESTED_SCRIPT_BYTES / 1024} KiB of text for an item, then said unread`, () => {
    const item = launchAgent('/x.plist', 'x', { arguments: ['/bin/sh', '/h/top.sh'] });
    const padding = `: ${'x'.repeat(MAX_NESTED_SCRIPT_BYTES / 2 - 100)}\n`;
    const files = new Map([
      ['/h/top.sh', 'sh /h/a.sh\nsh /h/b.sh\nsh /h/c.sh\n'],
      ['/h/a.sh', `${padding}/h/kworker -c /h/a.json\n`],
      ['/h/b.sh', `/h/kworker -c /h/b.json\n${padding}`],
      ['/h/c.sh', `/h/kworker -c /h/c.json\n: ${'y'.repeat(300)}\n`],
    ]);
    const followed = followFilesNamedByJob(item, ALICE, files);
    // a.sh and b.sh are read (about half the budget each); c.sh's 300 bytes more would go past it.
    expect(followed.reached).toEqual(['/h/top.sh', '/h/a.sh', '/h/b.sh', '/h/c.sh', '/h/a.json', '/h/b.json']);
    expect(followed.unread).toBe(
      `/h/c.sh: the files it names (past the ${MAX_NESTED_SCRIPT_BYTES / 1024} KiB of scripts run by scripts read for one item)`,
    );
  });

  it('files past the depth are read a few times to tell whether they name anything, not a hundred times', () => {
    const files = new Map<string, string>();
    for (let level = 1; level < MAX_SCRIPT_DEPTH; level++) files.set(`/h/${level}.sh`, `sh /h/${level + 1}.sh\n`);
    const configs = Array.from({ length: 100 }, (_, i) => `/h/c${i}.json`);
    files.set(`/h/${MAX_SCRIPT_DEPTH}.sh`, configs.map((config) => `/h/kworker -c ${config}\n`).join(''));
    for (const config of configs) files.set(config, '{"pools":[]}');
    const read: string[] = [];
    const named = (path: string, text: string): string[] => {
      read.push(path);
      return filesNamedByJob(launchAgent('/l.plist', 'l', { arguments: ['/bin/sh', '-c', text] }), ALICE);
    };
    const chain = followScripts(['/h/1.sh'], files, named);
    expect(chain.reached).toHaveLength(MAX_SCRIPT_DEPTH + configs.length);
    // The scripts, then 8 configs found to name nothing; past those, a file is said unread rather than read to tell.
    expect(read).toHaveLength(MAX_SCRIPT_DEPTH + 8);
    expect(chain.unread).toBe(
      `/h/c8.json: the files it names (${MAX_SCRIPT_DEPTH + 1} scripts deep, past ${MAX_SCRIPT_DEPTH})`,
    );
  });
});

describe('a capture of such jobs', () => {
  it("gives each its pools from the configs its scripts' scripts name, and says what it could not follow", async () => {
    const deep = Array.from({ length: MAX_SCRIPT_DEPTH + 1 }, (_, i) => i + 1);
    const result = await replay(
      writeCapture({
        items: [
          {
            path: `${HOME}/Library/LaunchAgents/com.p.helper.plist`,
            plist: { Label: 'com.p.helper', ProgramArguments: [`${HOME}/.p/run.sh`], RunAtLoad: true },
          },
          {
            path: `${HOME}/Library/LaunchAgents/com.n.helper.plist`,
            plist: { Label: 'com.n.helper', ProgramArguments: ['/bin/sh', `${HOME}/.n/a.sh`] },
          },
          {
            path: `${HOME}/Library/LaunchAgents/com.d.helper.plist`,
            plist: { Label: 'com.d.helper', ProgramArguments: ['/bin/sh', `${HOME}/.d/1.sh`] },
          },
        ],
        processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 }],
        files: {
          [`${HOME}/.p/run.sh`]: '#!/usr/bin/env bash\ncd ~/.p\n./kworker -c p.json &\n',
          [`${HOME}/.p/p.json`]: POOL,
          [`${HOME}/.n/a.sh`]: 'sh ~/.n/b.sh\n',
          [`${HOME}/.n/b.sh`]: 'bash ~/.n/c.sh\n',
          [`${HOME}/.n/c.sh`]: '~/.n/kworker --config ~/.n/n.json\n',
          [`${HOME}/.n/n.json`]: '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}',
          ...Object.fromEntries(
            deep.map((i) => [
              `${HOME}/.d/${i}.sh`,
              i < deep.length ? `sh ~/.d/${i + 1}.sh\n` : '~/.d/kworker -c ~/.d/d.json\n',
            ]),
          ),
          [`${HOME}/.d/d.json`]: POOL,
        },
      }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(reasonsOf(result, 'com.p.helper')).toContain(`pool.supportxmr.com (SupportXMR, file ${HOME}/.p/p.json)`);
    expect(reasonsOf(result, 'com.n.helper')).toContain(
      `gulf.moneroocean.stream (MoneroOcean, file ${HOME}/.n/n.json)`,
    );
    const d = reasonsOf(result, 'com.d.helper');
    expect(d).not.toContain('supportxmr');
    expect(d).toContain(
      `part of what this item runs could not be analysed (${HOME}/.d/${deep.length}.sh: the files it names ` +
        `(${deep.length} scripts deep, past ${MAX_SCRIPT_DEPTH}), not read)`,
    );
  });
});

describe('what scripts run by scripts name, in the approved inventory', () => {
  const LABEL = 'local.alice.miner';
  /** The owner's miner: its plist runs a.sh, which runs b.sh, which names the config. */
  const ownMiner = (config: string, b = 'exec ~/.m/xmrig --config ~/.m/m.json\n'): CaptureSpec => ({
    items: [
      {
        path: `${HOME}/Library/LaunchAgents/${LABEL}.plist`,
        plist: { Label: LABEL, ProgramArguments: ['/bin/sh', `${HOME}/.m/a.sh`], RunAtLoad: true },
      },
    ],
    processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 }],
    files: { [`${HOME}/.m/a.sh`]: 'sh ~/.m/b.sh\n', [`${HOME}/.m/b.sh`]: b, [`${HOME}/.m/m.json`]: config },
  });
  const judged = async (spec: CaptureSpec, approvals: Approval[] = []) => {
    const result = await replay(writeCapture(spec), { ...DEFAULT_SCAN_OPTIONS, approvals });
    return result.items.find((i) => i.item.label === LABEL)!;
  };
  const THIEF = '{"pools":[{"url":"pool.supportxmr.com:443","user":"someone else"}]}';

  it('covers a config two scripts down: approved while it is as it was, judged afresh when it is edited', async () => {
    const approval = approvalFor((await judged(ownMiner(POOL))).item, 'mine', 'alice', new Date('2026-12-01'));
    expect(approval.scriptChainFilesSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(approval.scriptChainFilesSha256).not.toBe(approval.scriptFilesSha256);
    const same = await judged(ownMiner(POOL), [approval]);
    expect(same.verdict).toBe('approved');
    expect(same.reasons[0]?.text).not.toContain('not covered');
    const edited = await judged(ownMiner(THIEF), [approval]);
    expect(edited.reasons[0]).toMatchObject({
      code: 'approval.changed',
      text: 'changed since approval on 2026-12-01: a file a script it runs names',
    });
  });

  it('an approval made before they were followed still holds on the one level, and says what it does not cover', async () => {
    const { scriptChainFilesSha256, ...older } = approvalFor((await judged(ownMiner(POOL))).item, 'mine', 'alice');
    expect(scriptChainFilesSha256).toBeDefined();
    // Not flipped to "changed" by a Launchwatch that now reads further, nor blind to what lies further.
    const config = await judged(ownMiner(THIEF), [older]);
    expect(config.verdict).toBe('approved');
    expect(config.reasons[0]?.text).toContain(
      'the files the scripts its scripts run name are not covered: it was approved before Launchwatch followed them',
    );
    // What it did cover, b.sh itself, is checked as before.
    const script = await judged(ownMiner(POOL, 'exec ~/.m/xmrig --config ~/.m/other.json\n'), [older]);
    expect(script.reasons[0]?.text).toBe(
      `changed since approval on ${older.approvedAt.slice(0, 10)}: a file a script it runs names`,
    );
  });
});
