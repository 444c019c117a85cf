// A job whose shell command decodes base64 and runs it (`echo <base64> | base64 -d | sh`, base64(1)) shows nothing of
// what it does on its command line (ATT&CK T1140). The text is decoded and read as the shell reads it, so its pool,
// configs and programs count, and the decoding itself is a hiding reason.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import {
  decodedInterpreterCode,
  decodedShellText,
  readInterpreterCode,
  shellStringsOf,
} from '../../main/engine/encoded-commands';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import {
  commandLines,
  decodedScriptLines,
  filesNamedBy,
  filesNamedByScript,
  scriptInterpreter,
  type ReadingBounds,
} from '../../main/engine/referenced-files';
import { analyseFileText } from '../../main/engine/command-evidence';
import { defaultIndicators } from '../../main/engine/indicators';
import { writeCapture } from '../support/capture-builder';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/**
 * One user agent replayed from a capture beside launchd: its processes are alice's and launchd's children unless they
 * say otherwise. The item as the scan judged it.
 */
async function replayAgent(agent: {
  label: string;
  programArguments: string[];
  processes: { pid: number; ppid?: number; args: string; cpu: number }[];
  listedPid?: number;
  files?: Record<string, string>;
}) {
  const result = await replay(
    writeCapture({
      items: [
        {
          path: `/Users/alice/Library/LaunchAgents/${agent.label}.plist`,
          plist: { Label: agent.label, ProgramArguments: agent.programArguments, RunAtLoad: true },
          ...(agent.listedPid !== undefined ? { listedPid: agent.listedPid } : {}),
        },
      ],
      processes: [
        { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
        ...agent.processes.map((p) => ({ ppid: 1, uid: 501, ...p })),
      ],
      ...(agent.files ? { files: agent.files } : {}),
    }),
    DEFAULT_SCAN_OPTIONS,
  );
  return result.items.find((i) => i.item.label === agent.label);
}

describe('a shell command that decodes base64 and runs it', () => {
  it('is decoded however it is written: a pipe, eval "$(...)", macOS -D, openssl', () => {
    const payload = 'exec ~/.k/kworker --config ~/.k/c.json';
    expect(decodedShellText(`echo ${b64(payload)} | base64 -d | sh`)).toEqual({ texts: [payload], runs: true });
    expect(decodedShellText(`eval "$(echo '${b64(payload)}' | base64 --decode)"`)).toEqual({
      texts: [payload],
      runs: true,
    });
    expect(decodedShellText(`printf %s ${b64(payload)} | /usr/bin/base64 -D | /bin/bash`).runs).toBe(true);
    expect(decodedShellText(`openssl base64 -d <<< ${b64(payload)} | zsh`).texts).toEqual([payload]);
    // Set in a variable first, decoded from it after.
    expect(decodedShellText(`P=${b64(payload)}; echo "$P" | base64 -d | sh`).texts).toEqual([payload]);
    // Decoding to a file is decoding, not running.
    expect(decodedShellText(`echo ${b64(payload)} | base64 -d > /tmp/x`)).toEqual({ texts: [payload], runs: false });
    // No decoding, or bytes that are not text: nothing.
    expect(decodedShellText(`echo ${b64(payload)} | base64 | sh`)).toEqual({ texts: [], runs: false });
    expect(
      decodedShellText(`echo ${Buffer.from([0, 1, 2, 255, 254, 3, 4, 5, 6]).toString('base64')} | base64 -d | sh`)
        .texts,
    ).toEqual([]);
    // Its commands are the item's commands, nested decoding too.
    const nested = `echo ${b64(`echo ${b64('/opt/.m/miner -o pool.supportxmr.com:443')} | base64 -d | sh`)} | base64 -d | sh`;
    expect(commandLines(['/bin/sh', '-c', nested])).toContainEqual(['/opt/.m/miner', '-o', 'pool.supportxmr.com:443']);
  });

  it('is not hidden behind words that decode to harmless text put first', () => {
    const decoys = Array.from({ length: 40 }, (_, i) => b64(`harmless text number ${i}`)).join(' ');
    const payload = '/opt/.m/miner -o pool.supportxmr.com:443';
    expect(commandLines(['/bin/sh', '-c', `echo ${decoys} ${b64(payload)} | base64 -d | sh`])).toContainEqual([
      '/opt/.m/miner',
      '-o',
      'pool.supportxmr.com:443',
    ]);
  });

  it('costs a bounded, linear amount on a hostile command', () => {
    const started = performance.now();
    const hostile = `base64 -d | sh ${`${'QUFB'.repeat(70_000)} `.repeat(20)}${'x '.repeat(200_000)}`;
    const { texts } = decodedShellText(hostile);
    expect(texts.length).toBeLessThanOrEqual(256);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("gives the item the decoded command's config, its detached miner, and the hiding reason", async () => {
    const item = await replayAgent({
      label: 'com.apple.updater',
      programArguments: [
        '/bin/sh',
        '-c',
        `echo ${b64('nohup ~/.cache/.k/kworker --config ~/.cache/.k/c.json >/dev/null 2>&1 &')} | base64 -d | sh`,
      ],
      processes: [
        {
          pid: 930,
          args: '/Users/alice/.cache/.k/kworker --config /Users/alice/.cache/.k/c.json',
          cpu: 95,
        },
      ],
      files: { '/Users/alice/.cache/.k/c.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}' },
    });
    expect(item?.attribution).toBe('detached-program');
    expect(item?.processes.map((p) => p.pid)).toEqual([930]);
    expect(item?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['hide.encoded-command', 'args.pool-host']),
    );
    expect(item?.verdict).toBe('mining');
  });
});

// The same done in an interpreter's own code: Empire's macOS launch agent and daemon persistence writes
// `python -c "import sys,base64,warnings;...;exec(base64.b64decode('...'))"` into the plist (and Elastic's "Empire
// Stager Execution" rule looks for it); Perl, Ruby, Node, PHP and osascript have their own spellings.
describe("an interpreter's code that decodes base64 and runs it", () => {
  const payload = 'import subprocess;subprocess.Popen(["/Users/alice/.k/kworker","-o","pool.supportxmr.com:443"])';
  const empire = `import sys,base64,warnings;warnings.filterwarnings('ignore');exec(base64.b64decode('${b64(payload)}'));`;

  it('is decoded in each language, and runs only when the code runs what it decodes', () => {
    expect(decodedInterpreterCode(empire)).toEqual({ texts: [payload], runs: true, shell: false });
    expect(decodedInterpreterCode(`from base64 import b64decode as d;exec(d("${b64(payload)}"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`use MIME::Base64;eval(decode_base64("${b64(payload)}"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`require "base64";eval(Base64.decode64("${b64(payload)}"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`eval("${b64(payload)}".unpack1("m"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`eval(Buffer.from('${b64(payload)}','base64').toString())`).texts).toEqual([payload]);
    expect(decodedInterpreterCode(`eval(base64_decode('${b64(payload)}'));`).runs).toBe(true);
    // Handed to a shell: the text is a shell command too.
    const shellPayload = '~/.k/kworker --config ~/.k/c.json';
    expect(decodedInterpreterCode(`import os,base64;os.system(base64.b64decode("${b64(shellPayload)}"))`)).toEqual({
      texts: [shellPayload],
      runs: true,
      shell: true,
    });
    expect(decodedInterpreterCode(`do shell script "echo ${b64(shellPayload)} | base64 -D | sh"`).shell).toBe(true);
    expect(decodedInterpreterCode(`require('child_process').execSync(atob('${b64(shellPayload)}'))`).shell).toBe(true);
    // Decoding to print it is not running it; no decoder, nothing decoded.
    expect(decodedInterpreterCode(`import base64;print(base64.b64decode('${b64(payload)}'))`)).toEqual({
      texts: [payload],
      runs: false,
      shell: false,
    });
    expect(decodedInterpreterCode(`exec('${b64(payload)}')`)).toEqual({ texts: [], runs: false, shell: false });
  });

  it("reads what it decodes as the interpreter's code, nested too, and as a shell command when a shell gets it", () => {
    const python = '/usr/bin/python3';
    expect(commandLines([python, '-c', empire])).toContainEqual([python, '-c', payload]);
    const nested = `import base64;exec(base64.b64decode('${b64(empire)}'))`;
    expect(commandLines([python, '-W', 'ignore', '-c', nested])).toContainEqual([python, '-c', payload]);
    const system = `import os,base64;os.system(base64.b64decode('${b64('cd ~/.k && ./kworker --config c.json')}'))`;
    expect(commandLines([python, '-c', system])).toContainEqual(['./kworker', '--config', 'c.json']);
    expect(
      commandLines(['/usr/bin/perl', '-MMIME::Base64', '-e', `eval(decode_base64("${b64(payload)}"))`]),
    ).toContainEqual(['/usr/bin/perl', '-e', payload]);
    // Code that hands what it decodes to a shell is read both as code and as a shell command, and each reading
    // decodes the next level: read once each, 20 levels are a few lines each (over 1,000 lines without that).
    let deep = `${python} -o pool.supportxmr.com:443`;
    for (let level = 0; level < 20; level++) deep = `import os;os.system("echo ${b64(deep)} | base64 -d | python3")`;
    const lines = commandLines([python, '-c', deep]);
    expect(lines).toContainEqual([python, '-o', 'pool.supportxmr.com:443']);
    expect(lines.length).toBeLessThan(10 * 20);
    // A PHP code string is code, not the script to run.
    expect(filesNamedBy(['/usr/bin/php', '-r', 'eval(x);'], '/Users/alice')).toEqual([]);
  });

  it('gives an Empire-style launch agent its pool, its wallet and the hiding reason', async () => {
    const wallet = `4${'8'.repeat(94)}`;
    const code = `import subprocess;subprocess.Popen(["/Users/alice/.k/kworker","-o","pool.supportxmr.com:443","-u","${wallet}"])`;
    const item = await replayAgent({
      label: 'com.apple.softwareupdated',
      programArguments: [
        '/usr/bin/python3',
        '-c',
        `import sys,base64,warnings;warnings.filterwarnings('ignore');exec(base64.b64decode('${b64(code)}'));`,
      ],
      listedPid: 700,
      processes: [
        {
          pid: 700,
          args: `/usr/bin/python3 -c import sys,base64,warnings;exec(base64.b64decode('${b64(code)}'));`,
          cpu: 0.1,
        },
        { pid: 701, ppid: 700, args: '/Users/alice/.k/kworker', cpu: 97 },
      ],
    });
    expect(item?.processes.map((p) => p.pid).sort()).toEqual([700, 701]);
    const codes = item?.reasons.map((r) => r.code) ?? [];
    expect(codes).toEqual(expect.arrayContaining(['hide.encoded-command', 'args.pool-host', 'args.wallet']));
    expect(item?.verdict).toBe('mining');
  });
});

// Not encoded, only spelled out as a string in other code: `python3 -c 'import os;os.system("~/.k/kworker -c
// ~/.k/c.json")'`, osascript's `do shell script "..."`, Perl's and Ruby's `system "..."`.
describe("the shell commands an interpreter's code spells out as strings", () => {
  it('are the strings of code that hands text to a shell, however many come first', () => {
    expect(shellStringsOf('import os;os.system("~/.k/kworker -c ~/.k/c.json")')).toEqual([
      '~/.k/kworker -c ~/.k/c.json',
    ]);
    expect(shellStringsOf(`do shell script "cd ~/.k && ./kworker &"`)).toEqual(['cd ~/.k && ./kworker &']);
    expect(shellStringsOf(`system 'nohup ~/.k/kworker >/dev/null 2>&1 &'`)).toEqual([
      'nohup ~/.k/kworker >/dev/null 2>&1 &',
    ]);
    // An escaped quote stays inside its string, read as the language reads it (so the shell gets `"a b"`); an
    // unterminated one runs to the end.
    expect(shellStringsOf(`os.system("echo \\"a b\\" && ~/.k/x")`)).toEqual(['echo "a b" && ~/.k/x']);
    expect(shellStringsOf(`os.system("printf '\\\\x2f' \\x7c sh")`)).toEqual(["printf '\\x2f' | sh"]);
    // Code that hands nothing to a shell: its strings are data.
    expect(shellStringsOf('print("~/.k/kworker -c ~/.k/c.json")')).toEqual([]);
    // Strings put first do not hide the command.
    const decoys = Array.from({ length: 40 }, (_, i) => `"decoy number ${i}"`).join(',');
    expect(shellStringsOf(`x=[${decoys}];os.system("~/.k/kworker")`)).toContain('~/.k/kworker');
  });

  it('costs a bounded, linear amount on hostile code', () => {
    const started = performance.now();
    const code = `os.system(${'"abc",'.repeat(500_000)}"x${'\\'.repeat(1_000_000)}`;
    expect(shellStringsOf(code).length).toBeLessThanOrEqual(256);
    const lists = readInterpreterCode(`${code};${'["a", "b"] + '.repeat(100_000)}`).argvLists;
    expect(lists.flat().length).toBeLessThanOrEqual(4096);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('include the argument lists code gives the programs it starts, which are command lines of their own', () => {
    const lines = (code: string): string[][] => commandLines(['/usr/bin/python3', '-c', code]).slice(1);
    expect(
      lines('import subprocess;subprocess.Popen(["/x/kworker", "--config", "/x/c.json"], start_new_session=True)'),
    ).toContainEqual(['/x/kworker', '--config', '/x/c.json']);
    expect(
      commandLines([
        '/usr/local/bin/node',
        '-e',
        `require("child_process").spawn("/x/k", ["-c", "/x/c.json"], {detached: true})`,
      ]),
    ).toContainEqual(['/x/k', '-c', '/x/c.json']);
    expect(commandLines(['/usr/bin/perl', '-e', `system("/x/k", "-c", "/x/c.json")`])).toContainEqual([
      '/x/k',
      '-c',
      '/x/c.json',
    ]);
    // Strings as the language reads them; lists apart are apart; code that starts nothing gives no command line.
    expect(lines(`import os;os.execv("/x/k", ["k", "--url=\\x70ool.x:3333"]);print(["a", "b"])`)).toEqual(
      expect.arrayContaining([
        ['/x/k', 'k', '--url=pool.x:3333'],
        ['a', 'b'],
      ]),
    );
    expect(lines('print(["/x/kworker", "--config", "/x/c.json"])')).toEqual([]);
  });

  it('give the item the config a list of arguments names', async () => {
    const item = await replayAgent({
      label: 'com.apple.cloudd.helper',
      programArguments: [
        '/usr/bin/python3',
        '-c',
        'import subprocess;subprocess.Popen(["/Users/alice/.k/kworker", "--config", "/Users/alice/.k/c.json"], start_new_session=True)',
      ],
      processes: [{ pid: 950, args: '/Users/alice/.k/kworker', cpu: 95 }],
      files: { '/Users/alice/.k/c.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}' },
    });
    expect(item?.processes.map((p) => p.pid)).toEqual([950]);
    expect(item?.reasons.map((r) => r.code)).toContain('args.pool-host');
    expect(item?.verdict).toBe('mining');
  });

  it('give the item the config its shell command names, and tie its detached miner back', async () => {
    const item = await replayAgent({
      label: 'com.apple.metadata.helper',
      programArguments: [
        '/usr/bin/python3',
        '-c',
        'import os;os.system("cd ~/.k && nohup ./kworker --config c.json >/dev/null 2>&1 &")',
      ],
      processes: [{ pid: 940, args: './kworker --config c.json', cpu: 95 }],
      files: { '/Users/alice/.k/c.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}' },
    });
    expect(item?.attribution).toBe('detached-program');
    expect(item?.processes.map((p) => p.pid)).toEqual([940]);
    expect(item?.reasons.map((r) => r.code)).toContain('args.pool-host');
    expect(item?.verdict).toBe('mining');
  });
});

// Hex and escape sequences hide a command as well as base64 does (scanners of launchd plists name "a long base64 or
// hex blob in arguments" as a hiding place): `echo <hex> | xxd -r -p | sh` (xxd(1): -r reverts a dump, -p plain
// hex), `printf '\x2f...' | sh` (printf(1) reads \NNN, bash's and zsh's also \xHH), bash's $'\x..', and in code
// bytes.fromhex, binascii.unhexlify, pack('H*', ...), hex2bin, Buffer.from(s, 'hex') or an escaped string literal.
describe('a command hidden as hex or escape sequences', () => {
  const hex = (text: string): string => Buffer.from(text).toString('hex');
  const escaped = (text: string, form: 'x' | 'octal' = 'x'): string =>
    [...Buffer.from(text)].map((b) => (form === 'x' ? `\\x${b.toString(16)}` : `\\${b.toString(8)}`)).join('');
  const payload = 'cd ~/.k && nohup ./kworker -o pool.supportxmr.com:443 &';

  it('is decoded from hex however xxd is asked, a dump wrapped over lines too', () => {
    expect(decodedShellText(`echo ${hex(payload)} | xxd -r -p | sh`)).toEqual({ texts: [payload], runs: true });
    expect(decodedShellText(`echo "${hex(payload)}" | /usr/bin/xxd -p -r | /bin/bash`).runs).toBe(true);
    expect(decodedShellText(`eval "$(xxd -rp <<< ${hex(payload).toUpperCase()})"`).texts).toEqual([payload]);
    // xxd -p writes 60 digits a line; xxd -r -p reads past the line ends.
    const lines =
      hex(payload)
        .match(/.{1,60}/g)
        ?.join('\n') ?? '';
    expect(decodedShellText(`printf '%s' '${lines}' | xxd -r -p | sh`).texts).toContain(payload);
    // Making a dump is not decoding one; hex that is not text is nothing.
    expect(decodedShellText(`echo ${hex(payload)} | xxd -p | sh`)).toEqual({ texts: [], runs: false });
    expect(decodedShellText(`echo 00ff01fe02fd03fc | xxd -r -p | sh`).texts).toEqual([]);
  });

  it("is decoded from escape sequences: printf, echo and $'...', but not a format or a colour", () => {
    expect(decodedShellText(`printf '${escaped(payload)}' | sh`)).toEqual({ texts: [payload], runs: true });
    expect(decodedShellText(`printf "${escaped(payload, 'octal')}" | /bin/zsh`).texts).toEqual([payload]);
    expect(decodedShellText(`eval $'${escaped(payload)}'`).runs).toBe(true);
    expect(decodedShellText(`echo -e '${escaped(payload)}' > /tmp/x`)).toEqual({ texts: [payload], runs: false });
    expect(decodedShellText(`printf '%s\\n' done; printf '\\033[1mbold\\033[0m\\n' | sh`)).toEqual({
      texts: [],
      runs: false,
    });
  });

  it("is decoded in an interpreter's code, and runs only when the code runs it", () => {
    const code = 'import os;os.system("~/.k/kworker --config ~/.k/c.json")';
    expect(decodedInterpreterCode(`exec(bytes.fromhex('${hex(code)}').decode())`)).toEqual({
      texts: [code],
      runs: true,
      shell: false,
    });
    expect(decodedInterpreterCode(`import binascii;exec(binascii.unhexlify("${hex(code)}"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`eval pack("H*", "${hex(code)}")`).texts).toEqual([code]);
    expect(decodedInterpreterCode(`eval(["${hex(code)}"].pack("H*"))`).runs).toBe(true);
    expect(decodedInterpreterCode(`eval(Buffer.from('${hex(code)}','hex').toString())`).texts).toEqual([code]);
    expect(decodedInterpreterCode(`eval(hex2bin('${hex(code)}'));`).runs).toBe(true);
    expect(decodedInterpreterCode(`exec("${escaped(code)}")`)).toEqual({ texts: [code], runs: true, shell: false });
    // Printed, not run; a literal with a colour escape, or letters past ASCII, is not an encoding.
    expect(decodedInterpreterCode(`exec(open("x").read());print("\\u00e9\\u00e8\\u00ea\\u00eb\\u00e0")`).runs).toBe(
      false,
    );
    expect(decodedInterpreterCode(`print(bytes.fromhex('${hex(code)}'))`).runs).toBe(false);
    expect(decodedInterpreterCode(`exec("print('\\x1b[31mred\\x1b[0m')")`)).toEqual({
      texts: [],
      runs: false,
      shell: false,
    });
  });

  it("gives up nothing it hides: the commands inside are the item's, nested ones too", () => {
    const inner = `/bin/sh -c "printf '${escaped('/opt/.m/miner -o pool.supportxmr.com:443')}' | sh"`;
    const code = `import os;os.system(${JSON.stringify(inner)})`;
    const lines = commandLines(['/usr/bin/python3', '-c', `exec(bytes.fromhex('${hex(code)}'))`]);
    expect(lines).toContainEqual(['/opt/.m/miner', '-o', 'pool.supportxmr.com:443']);
  });

  it('costs a bounded, linear amount on hostile input', () => {
    const started = performance.now();
    const hostile = `xxd -r -p | printf ${`${'41'.repeat(70_000)} `.repeat(20)}'${'\\x41'.repeat(60_000)}' ${'ab '.repeat(100_000)}`;
    expect(decodedShellText(hostile).texts.length).toBeLessThanOrEqual(256);
    expect(decodedInterpreterCode(`exec("${'\\'.repeat(200_000)}")`).texts.length).toBeLessThanOrEqual(256);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('gives the item its pool, its detached miner and the hiding reason', async () => {
    const item = await replayAgent({
      label: 'com.apple.systemstats',
      programArguments: ['/bin/sh', '-c', `echo ${hex(payload)} | xxd -r -p | sh`],
      processes: [{ pid: 930, args: './kworker -o pool.supportxmr.com:443', cpu: 96 }],
    });
    expect(item?.processes.map((p) => p.pid)).toEqual([930]);
    expect(item?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['hide.encoded-command', 'args.pool-host']),
    );
    expect(item?.verdict).toBe('mining');
  });
});

// The same hidden in the script a plist runs (`sh ~/.k/run.sh`, `python3 ~/.k/run.py`): the script is copied and
// read, and what its lines decode is read as they would be on the command line.
describe('a script an item runs that decodes its commands', () => {
  it('knows which interpreter reads a script by its #! line or its name', () => {
    expect(scriptInterpreter('/x/run', '#!/usr/bin/env -S python3 -u\nimport os')).toBe('python3');
    expect(scriptInterpreter('/x/run', '#!/usr/bin/perl -w\n')).toBe('/usr/bin/perl');
    expect(scriptInterpreter('/x/run.py', '#!/bin/bash\necho hi')).toBeUndefined();
    expect(scriptInterpreter('/x/run.py', 'import os')).toBe('python3');
    expect(scriptInterpreter('/x.d/run', 'import os')).toBeUndefined();
  });

  it('names the files its own commands name, as what runs it reads them, what its lines decode too', () => {
    const home = '/Users/alice';
    // A relative name is looked for where launchd starts the job (`/`) and where the script cd-s to.
    expect(filesNamedByScript('/x/run.sh', '#!/bin/sh\ncd ~/.k\n./kworker --config c.json &\n', home)).toEqual([
      '/c.json',
      '/Users/alice/.k/c.json',
    ]);
    expect(
      filesNamedByScript('/x/run.py', 'import subprocess\nsubprocess.Popen(["/x/k", "--config", "/x/c.json"])\n', home),
    ).toEqual(['/x/c.json']);
    expect(filesNamedByScript('/x/run.sh', `true\necho ${b64('/x/k -c /x/d.json')} | base64 -d | sh\n`, home)).toEqual([
      '/x/d.json',
    ]);
  });

  it('gives the item the config its script names: a config moved from the plist into the script', async () => {
    const item = await replayAgent({
      label: 'com.apple.notes.helper',
      programArguments: ['/bin/sh', '/Users/alice/.k/run.sh'],
      processes: [{ pid: 980, args: './kworker --config c.json', cpu: 95 }],
      files: {
        '/Users/alice/.k/run.sh': '#!/bin/sh\ncd ~/.k\nnohup ./kworker --config c.json >/dev/null 2>&1 &\n',
        '/Users/alice/.k/c.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}',
      },
    });
    expect(item?.processes.map((p) => p.pid)).toEqual([980]);
    expect(item?.reasons.find((r) => r.code === 'args.pool-host')?.text).toContain('file /Users/alice/.k/c.json');
    expect(item?.verdict).toBe('mining');
  });

  it('reads a decoding pipeline the script goes on with over lines, as the shell joins them', () => {
    const payload = '/x/k -o pool.supportxmr.com:443';
    expect(decodedScriptLines(`#!/bin/sh\necho ${b64(payload)} |\n  base64 -d \\\n  | sh\n`)).toEqual({
      lines: [['/bin/sh', '-c', payload]],
      runs: true,
    });
    expect(decodedScriptLines(`X=${b64(payload)} &&\n  echo $X | base64 -D | bash`).lines).toEqual([
      ['/bin/sh', '-c', payload],
    ]);
    // A line that ends in `&` or `;` ends its command there.
    expect(decodedScriptLines(`echo ${b64(payload)} &\nbase64 -d | sh`).lines).toEqual([]);
  });

  it('costs a bounded, linear amount on a hostile script', () => {
    const started = performance.now();
    const lines = Array.from({ length: 30_000 }, (_, i) => `echo ${b64(`step ${i} of many`)} | base64 -d | sh`);
    const decoded = decodedScriptLines(lines.join('\n'));
    expect(decoded.runs).toBe(true);
    expect(decoded.lines.length).toBe(10_000);
    expect(decodedScriptLines(`echo ${b64('the same')} | base64 -d\n`.repeat(1000)).lines).toEqual([
      ['/bin/sh', '-c', 'the same'],
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("ties the detached miner a shell script's decoded line starts to the item, with its pool and the reason", async () => {
    const decoys = Array.from({ length: 300 }, (_, i) => `echo ${b64(`step ${i} of the update`)} | base64 -d`);
    const script = [
      '#!/bin/sh',
      ...decoys,
      `echo ${b64('cd ~/.k && nohup ./kworker -o pool.supportxmr.com:443 &')} | base64 -d | sh`,
    ].join('\n');
    const item = await replayAgent({
      label: 'com.apple.spotlight.helper',
      programArguments: ['/bin/sh', '/Users/alice/.k/run.sh'],
      processes: [{ pid: 960, args: './kworker -o pool.supportxmr.com:443', cpu: 95 }],
      files: { '/Users/alice/.k/run.sh': script },
    });
    expect(item?.processes.map((p) => p.pid)).toEqual([960]);
    expect(item?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['hide.encoded-command', 'args.pool-host']),
    );
    expect(item?.verdict).toBe('mining');
  });

  it("reads a Python script's decoded code: the hiding reason and the wallet it gives its miner", async () => {
    const wallet = `4${'7'.repeat(94)}`;
    const code = `import subprocess;subprocess.Popen(["/Users/alice/.k/kworker", "-o", "pool.supportxmr.com:443", "-u", "${wallet}"])`;
    const item = await replayAgent({
      label: 'com.apple.photos.helper',
      programArguments: ['/usr/bin/python3', '/Users/alice/.k/run.py'],
      listedPid: 710,
      processes: [
        { pid: 710, args: '/usr/bin/python3 /Users/alice/.k/run.py', cpu: 0.1 },
        { pid: 711, ppid: 710, args: '/Users/alice/.k/kworker', cpu: 97 },
      ],
      files: { '/Users/alice/.k/run.py': `import base64\nexec(base64.b64decode('${b64(code)}'))\n` },
    });
    expect(item?.processes.map((p) => p.pid).sort()).toEqual([710, 711]);
    expect(item?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['hide.encoded-command', 'args.pool-host', 'args.wallet']),
    );
    expect(item?.verdict).toBe('mining');
  });
});

// Every reader stops at a bound, so an attacker can put more decoys first than it reads: what is past a bound is
// named, and the item is looked at harder (analysis.incomplete: with any other sign, suspicious), never passed.
describe('a command past the bounds of what is read', () => {
  const decoys = (n: number): string => Array.from({ length: n }, (_, i) => b64(`harmless text number ${i}`)).join(' ');

  it('says what it did not read', () => {
    expect(decodedShellText(`echo ${decoys(300)} | base64 -d | sh`).unread).toBe('more than 256 encoded words');
    expect(decodedShellText(`echo ${decoys(3)} | base64 -d | sh`).unread).toBeUndefined();
    // Hex runs whose words are too short to be read alone: one left out is named, whatever comes after it.
    const run = (text: string): string =>
      (
        Buffer.from(text)
          .toString('hex')
          .match(/.{1,10}/g) ?? []
      ).join(' ');
    const runs = Array.from({ length: 257 }, (_, i) => run(`harmless text ${i}`)).join(' x ');
    expect(decodedShellText(`echo ${runs} x ${run('harmless text 0')} | xxd -r -p | sh`).unread).toBe(
      'more than 256 encoded words',
    );
    expect(decodedInterpreterCode(`exec(b64decode("${decoys(300).split(' ').join('"), b64decode("')}"))`).unread).toBe(
      'more than 256 encoded words',
    );
    const bounds: ReadingBounds = {};
    commandLines(['/bin/sh', '-c', 'true;'.repeat(20_000)], bounds);
    expect(bounds.unread).toBe('more than 10,000 command lines');
    const none: ReadingBounds = {};
    commandLines(['/bin/sh', '-c', `echo ${decoys(3)} | base64 -d | sh; true`], none);
    expect(none.unread).toBeUndefined();
  });

  it('flags a script only when it runs what it decodes, not for being long', () => {
    const strings = Array.from({ length: 400 }, (_, i) => `"string number ${i}"`).join(', ');
    const long = `import subprocess\nsubprocess.run(["/usr/bin/true"])\nitems = [${strings}]\n`;
    expect(analyseFileText('/x/run.py', long, defaultIndicators()).unread).toBeUndefined();
    const hiding = `import base64\n${decoys(300)
      .split(' ')
      .map((d) => `exec(base64.b64decode("${d}"))`)
      .join('\n')}\n`;
    expect(analyseFileText('/x/run.py', hiding, defaultIndicators()).unread).toBe(
      'file /x/run.py: python3 code with more than 256 encoded words',
    );
  });

  it('makes an item whose command hides its payload past them suspicious, with the reason', async () => {
    const payload = b64('nohup /Users/alice/.k/kworker >/dev/null 2>&1 &');
    const item = await replayAgent({
      label: 'com.apple.siri.helper',
      programArguments: ['/bin/sh', '-c', `echo ${decoys(300)} ${payload} | base64 -d | sh`],
      processes: [{ pid: 970, args: '/Users/alice/.k/kworker', cpu: 95 }],
    });
    const incomplete = item?.reasons.find((r) => r.code === 'analysis.incomplete');
    expect(incomplete?.text).toContain('arguments: a shell command with more than 256 encoded words, not read');
    expect(item?.verdict).toBe('suspicious');
  });
});
