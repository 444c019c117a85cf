// A systemd unit is read as systemd reads it: the command, HOME and folder it really gets, so a unit that hides its
// program or config behind a specifier, a variable, an escape or a default folder hides nothing. Each expectation
// names the manual page section that says so.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeLinuxHome, linuxReaderAt } from '../../support/linux-home';
import { describe, expect, it } from 'vitest';
import { analyseSamples } from '../../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS } from '../../../main/engine/model';
import { itemFromUnitFile } from '../../../main/platform/linux/persistence';
import {
  environmentOf,
  parseEnvironmentFile,
  serviceExec,
  systemdWords,
  unescapeUnitName,
  type ServiceManager,
} from '../../../main/platform/linux/systemd-exec';
import { parseIni } from '../../../main/platform/linux/unit-file';
import { reasonsOf } from '../../support/capture-builder';

const SYSTEM: ServiceManager = {
  system: true,
  userName: 'alice',
  uid: 1000,
  home: '/home/alice',
  env: {},
  hostname: 'h',
};
const USER: ServiceManager = { ...SYSTEM, system: false, env: { XDG_RUNTIME_DIR: '/run/user/1000' } };
const homes = new Map([
  ['bob', '/srv/bob'],
  ['1002', '/srv/bob'],
]);

function exec(text: string, manager = SYSTEM, path = '/etc/systemd/system/x.service') {
  return serviceExec(path, parseIni(`[Service]\n${text}\n`).Service ?? {}, manager, (u) => homes.get(u));
}

describe('systemd unit text as systemd runs it', () => {
  it('resolves specifiers for the manager that runs the unit, not for User= (systemd.unit(5), Specifiers)', () => {
    expect(exec('ExecStart=%h/.cache/.x/kworker -c %h/.cache/.x/pool.json', USER)).toMatchObject({
      program: '/home/alice/.cache/.x/kworker',
      arguments: ['/home/alice/.cache/.x/kworker', '-c', '/home/alice/.cache/.x/pool.json'],
      problems: [],
    });
    // The system manager's %h is /root even with User= set.
    expect(exec('User=bob\nExecStart=%h/k %u %U', SYSTEM).arguments).toEqual(['/root/k', 'root', '0']);
    const named = exec(
      'ExecStart=/bin/x %n %N %p %i %I %f %j %y %Y %t %S %C %L %E %T %V %H %%',
      USER,
      '/home/alice/.config/systemd/user/a-b@srv-x.service',
    );
    expect(named.arguments.slice(1)).toEqual([
      'a-b@srv-x.service',
      'a-b@srv-x',
      'a-b',
      'srv-x',
      'srv/x',
      '/srv/x',
      'b',
      '/home/alice/.config/systemd/user/a-b@srv-x.service',
      '/home/alice/.config/systemd/user',
      '/run/user/1000',
      '/home/alice/.local/state',
      '/home/alice/.cache',
      '/home/alice/.local/state/log',
      '/home/alice/.config',
      '/tmp',
      '/var/tmp',
      'h',
      '%',
    ]);
    expect(exec('ExecStart=/bin/x %t %S %C %L %E').arguments.slice(1)).toEqual([
      '/run',
      '/var/lib',
      '/var/cache',
      '/var/log',
      '/etc',
    ]);
    // A template's instance is known only when it runs: kept as written, and no problem of the template's.
    expect(
      exec('ExecStart=/usr/bin/x -c /etc/x/%i.json %I %f', SYSTEM, '/etc/systemd/system/x@.service'),
    ).toMatchObject({
      arguments: ['/usr/bin/x', '-c', '/etc/x/%i.json', '%I', '%f'],
      problems: [],
    });
    // A specifier this scan cannot know is kept as written and named, never dropped in silence.
    const unknown = exec('ExecStart=/var/lib/%m/k');
    expect(unknown.program).toBe('/var/lib/%m/k');
    expect(unknown.problems).toEqual(['ExecStart= uses %m, which this scan does not resolve']);
  });

  it('substitutes Environment= into ExecStart= arguments, not into the executable (systemd.service(5), Command lines)', () => {
    const unit = exec(
      [
        'Environment="D=/home/alice/.x y" OPTS="-o pool.example:3333 -u w"',
        'Environment=GONE=1',
        'Environment=',
        'Environment=D=/home/alice/.x K=kworker',
        'ExecStart=/usr/bin/env ${D}/${K} $OPTS ${D} $$HOME $GONE "${D}/a b"',
      ].join('\n'),
    );
    expect(unit.arguments).toEqual([
      '/usr/bin/env',
      '/home/alice/.x/kworker',
      '/home/alice/.x',
      '$HOME',
      '/home/alice/.x/a b',
    ]);
    // $OPTS and $GONE were cleared by the empty Environment=: empty, as systemd makes them, and named.
    expect(unit.problems).toEqual([
      "ExecStart= uses $OPTS, $GONE, which neither the unit nor a file it reads sets (empty, unless the manager's own environment has it)",
    ]);
    const split = exec('Environment="OPTS=-o \'pool x:1\' -u w"\nExecStart=/bin/m $OPTS');
    expect(split.arguments).toEqual(['/bin/m', '-o', 'pool x:1', '-u', 'w']);
    // The `:` prefix turns substitution off; the executable is never substituted.
    expect(exec('Environment=D=/x\nExecStart=:/bin/m ${D}').arguments).toEqual(['/bin/m', '${D}']);
    expect(exec('Environment=D=/x\nExecStart=${D}/m').program).toBe('${D}/m');
    // $HOME and $USER come from User= (systemd.exec(5), Environment variables in spawned processes).
    // `$FOO` inside a word is not a variable; `${FOO}` is.
    expect(exec('User=bob\nExecStart=/bin/m ${HOME}/.x/c.json $USER $HOME/x').arguments).toEqual([
      '/bin/m',
      '/srv/bob/.x/c.json',
      'bob',
      '$HOME/x',
    ]);
  });

  it('decodes quoting and C escapes as systemd.syntax(7) does, and prefixes as systemd.service(5) does', () => {
    expect(
      exec('ExecStart=/usr/bin/python3 \\x2fhome\\x2falice/.x/run.py a\\sb \'c d\' "e\\"f" \\101\\u00e9').arguments,
    ).toEqual(['/usr/bin/python3', '/home/alice/.x/run.py', 'a b', 'c d', 'e"f', 'Aé']);
    // `@`: the second word is argv[0]; the first is still what runs.
    expect(exec('ExecStart=-@/home/alice/.x/xmrig [kworker/0:1] -o pool:1')).toMatchObject({
      program: '/home/alice/.x/xmrig',
      arguments: ['[kworker/0:1]', '-o', 'pool:1'],
    });
    expect(exec('ExecStart=!!+/bin/a b').arguments).toEqual(['/bin/a', 'b']);
    expect(exec('ExecStart=/bin/a "b c').problems).toEqual([
      'ExecStart=: a quote is not closed (systemd would not run this command)',
    ]);
    expect(exec('ExecStart=/bin/a\nExecStart=/bin/b').problems).toEqual([
      '1 more ExecStart= lines (only the first is read; systemd runs them only for Type=oneshot)',
    ]);
    expect(unescapeUnitName('home-alice-\\x2ex')).toBe('home/alice/.x');
  });

  it("gives the HOME and folder the unit's processes get (systemd.exec(5), User=, WorkingDirectory=)", () => {
    expect(exec('ExecStart=/bin/a')).toMatchObject({ home: '/root', workingDirectory: '/' });
    expect(exec('ExecStart=/bin/a', USER)).toMatchObject({ home: '/home/alice', workingDirectory: '/home/alice' });
    expect(exec('User=bob\nExecStart=/bin/a\nWorkingDirectory=~')).toMatchObject({
      home: '/srv/bob',
      workingDirectory: '/srv/bob',
    });
    expect(exec('User=1002\nExecStart=/bin/a').home).toBe('/srv/bob');
    expect(exec('User=root\nExecStart=/bin/a').home).toBe('/root');
    expect(exec('User=alice\nExecStart=/bin/a').home).toBe('/home/alice');
    // A user this scan cannot look up: unknown, not guessed.
    expect(exec('User=carol\nExecStart=/bin/a').home).toBeUndefined();
    expect(exec('Environment=HOME=/var/.h\nExecStart=/bin/a').home).toBe('/var/.h');
    expect(exec('Environment=HOME=rel\nExecStart=/bin/a').home).toBe('/root');
    expect(exec('ExecStart=/bin/a\nWorkingDirectory=-%E/.w', USER).workingDirectory).toBe('/home/alice/.config/.w');
    expect(exec('ExecStart=/bin/a\nWorkingDirectory=relative').workingDirectory).toBe('/');
  });

  it('bounds what a hostile unit costs: words, variables and expanded lengths', () => {
    const problems: string[] = [];
    expect(systemdWords('a '.repeat(100_000), problems, 'ExecStart=')).toHaveLength(4096);
    expect(problems).toEqual(['ExecStart=: more than 4096 words; the rest not read']);
    const many = Array.from({ length: 5000 }, (_, i) => `V${i}=x`).join(' ');
    expect(environmentOf([many]).size).toBe(1024);
    const long = exec(`ExecStart=/bin/a ${'%h'.repeat(50_000)}`);
    expect(long.arguments[1]?.length).toBe(64 * 1024);
    const started = performance.now();
    exec(`Environment=A=${'$'.repeat(200_000)}\nExecStart=/bin/a ${'${A}'.repeat(20_000)} ${'$'.repeat(200_000)}`);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('bounds the arguments by what execve(2) takes, and the problems of a unit by a few, named once', () => {
    const started = performance.now();
    const value = 'x'.repeat(60 * 1024);
    const spread = exec(`Environment=A=${value}\nExecStart=/bin/a ${'$A ${A} '.repeat(2000)}`);
    const total = spread.arguments.reduce((sum, a) => sum + a.length, 0);
    expect(total).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(spread.arguments.length).toBeGreaterThan(30);
    expect(spread.problems).toEqual([
      'ExecStart=: its arguments grow past what execve(2) takes (2 MiB); the rest not read',
    ]);
    const specifiers = exec(`ExecStart=/bin/a ${`${'%h'.repeat(40_000)} `.repeat(100)}`);
    expect(specifiers.arguments.reduce((sum, a) => sum + a.length, 0)).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(specifiers.problems).toContain(
      'ExecStart=: its arguments grow past what execve(2) takes (2 MiB); the rest not read',
    );
    // 50,000 broken lines and 4,000 unknown specifiers: a few problems, each once, and a count of the rest.
    const noisy = exec(
      `${'Environment="\n'.repeat(50_000)}Environment=bad words here\nExecStart=/bin/a ${Array.from({ length: 4000 }, (_, i) => `%m${i}`).join(' ')}`,
    );
    console.log(JSON.stringify(noisy.problems));
    expect(noisy.problems.length).toBeLessThanOrEqual(21);
    expect(noisy.problems).toContain('Environment=: a quote is not closed (systemd would not run this command)');
    expect(noisy.problems).toContain(
      'Environment=: "" is not an assignment (systemd ignores it), nor are 50002 more words',
    );
    expect(noisy.problems).toContain('ExecStart= uses %m, which this scan does not resolve');
    // Past 20 different problems, the rest are counted.
    const letters = 'abABdgGmMoqsvwW';
    const many = exec(
      `Environment=${[...letters].map((c, i) => `V${i}=%${c}`).join(' ')}\nExecStart=/bin/a ${[...letters].map((c) => `%${c}`).join(' ')}`,
    );
    expect(many.problems).toHaveLength(21);
    expect(many.problems.at(-1)).toBe('10 more problems with this unit');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('puts the resolved command, HOME and folder on the item', () => {
    const item = itemFromUnitFile(
      '/home/alice/.config/systemd/user/sync.service',
      Buffer.from('[Service]\nExecStart=%h/.local/bin/sync --config conf/s.json\nUser=alice\n'),
      { path: '/home/alice/.config/systemd/user', kind: 'systemd-service', scope: 'user', manager: 'user' },
      undefined,
      { user: { name: 'alice', uid: 1000, home: '/home/alice' }, env: {}, hostname: 'h', homeOf: () => undefined },
    );
    expect(item).toMatchObject({
      program: '/home/alice/.local/bin/sync',
      arguments: ['/home/alice/.local/bin/sync', '--config', 'conf/s.json'],
      home: '/home/alice',
      workingDirectory: '/home/alice',
      userName: 'alice',
      problems: [],
    });
  });
});

describe('the Linux reader reads what a hidden unit names', () => {
  it('finds the program, config and script behind specifiers, variables, escapes and the default folder', async () => {
    const { home, units } = fakeLinuxHome();
    mkdirSync(join(home, '.cache/.x'), { recursive: true });
    writeFileSync(join(home, '.cache/.x/kworker'), '#!/bin/sh\n');
    chmodSync(join(home, '.cache/.x/kworker'), 0o755);
    writeFileSync(join(home, '.cache/.x/pool.json'), '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
    mkdirSync(join(home, '.v'));
    writeFileSync(join(home, '.v/run.json'), '{"url":"stratum+tcp://xmr.nanopool.org:14444"}');
    writeFileSync(
      join(units, 'lw-spec.service'),
      '[Service]\nEnvironment="CFG=%h/.cache/.x/pool.json"\nExecStart=%h/.cache/.x/kworker --config ${CFG}\n',
    );
    // No WorkingDirectory=: a user manager's unit starts in the home folder, where `.v/run.json` is.
    writeFileSync(
      join(units, 'lw-rel.service'),
      '[Service]\nExecStart=sh -c "exec \\x2fusr/bin/true -c .v/run.json"\n',
    );
    const reader = linuxReaderAt(home);
    const inventory = await reader.readInventory();
    const spec = inventory.items.find((i) => i.label === 'lw-spec.service');
    expect(spec).toMatchObject({ program: `${home}/.cache/.x/kworker`, home, workingDirectory: home, problems: [] });
    expect(spec?.programSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(spec?.referencedSha256).toMatch(/^[0-9a-f]{64}$/);
    // A bare executable is looked up where systemd looks for it.
    const relative = inventory.items.find((i) => i.label === 'lw-rel.service');
    expect(relative?.program).toMatch(/^\/(usr\/)?(s)?bin\/sh$/);
    expect(relative?.arguments).toEqual(['sh', '-c', 'exec /usr/bin/true -c .v/run.json']);

    const result = analyseSamples(inventory, [], DEFAULT_SCAN_OPTIONS);
    expect(reasonsOf(result, 'lw-spec.service')).toContain('supportxmr');
    expect(reasonsOf(result, 'lw-spec.service')).toContain(
      `runs ${home}/.cache/.x/kworker from a hidden or temporary folder`,
    );
    expect(reasonsOf(result, 'lw-rel.service')).toContain('nanopool');
  });
});

describe('EnvironmentFile= (systemd.exec(5))', () => {
  it('parses NAME=value lines as systemd does: comments, quotes, escapes, continuations', () => {
    const env = parseEnvironmentFile(
      [
        '# comment',
        '; comment',
        'no equals sign',
        'PLAIN =  a  b  ',
        'ESC=a\\ b\\\\c\\',
        'd',
        "SINGLE='x \\n",
        "y'",
        'DOUBLE="q\\"r\\$s\\t"',
        'export EXPORTED=1',
        '1BAD=x',
        '',
      ].join('\n'),
    );
    expect(Object.fromEntries(env)).toEqual({
      PLAIN: 'a  b',
      ESC: 'a b\\cd',
      SINGLE: 'x \\n\ny',
      DOUBLE: 'q"r$s\\t',
      EXPORTED: '1',
    });
    expect(parseEnvironmentFile(Array.from({ length: 5000 }, (_, i) => `V${i}=x`).join('\n')).size).toBe(1024);
  });

  it('sets what ExecStart= uses, over Environment=; `-` may be missing; an empty one resets the list', () => {
    const files = new Map([
      ['/etc/.x/env', 'ARGS=-o pool.supportxmr.com:443 -u w\nD=/etc/.x\n'],
      ['/etc/.x/late', 'D=/late'],
    ]);
    const run = (text: string) =>
      serviceExec(
        '/etc/systemd/system/x.service',
        parseIni(`[Service]\n${text}\n`).Service ?? {},
        SYSTEM,
        () => undefined,
        (path) => files.get(path),
      );
    const unit = run(
      'Environment=D=/env\nEnvironmentFile=/gone\nEnvironmentFile=\nEnvironmentFile=-/etc/.x/env\nEnvironmentFile=/etc/.x/late\nExecStart=/usr/bin/k $ARGS ${D}/c.json',
    );
    expect(unit.arguments).toEqual(['/usr/bin/k', '-o', 'pool.supportxmr.com:443', '-u', 'w', '/late/c.json']);
    expect(unit.environmentFiles).toEqual(['/etc/.x/env', '/etc/.x/late']);
    expect(unit.problems).toEqual([]);
    // At most 1 MiB of them in all: past that, the rest are not read, and the unit says so.
    const big = new Map([
      ['/e/1', `A=1\n#${'x'.repeat(700 * 1024)}`],
      ['/e/2', `B=2\n#${'x'.repeat(700 * 1024)}`],
      ['/e/3', 'C=3'],
    ]);
    const asked: string[] = [];
    const budget = serviceExec(
      '/etc/systemd/system/x.service',
      parseIni(
        '[Service]\nEnvironmentFile=/e/1\nEnvironmentFile=/e/2\nEnvironmentFile=/e/3\nExecStart=/bin/a $A $B $C\n',
      ).Service ?? {},
      SYSTEM,
      () => undefined,
      (path) => (asked.push(path), big.get(path)),
    );
    expect(asked).toEqual(['/e/1', '/e/2']);
    expect(budget.arguments).toEqual(['/bin/a', '1', '2']);
    expect(budget.problems).toContain('EnvironmentFile=: files past 1 MiB in all not read');
    expect(run('EnvironmentFile=/etc/*.env\nEnvironmentFile=rel\nExecStart=/bin/a').problems).toEqual([
      'EnvironmentFile= /etc/*.env is a wildcard, whose files are not read',
      'EnvironmentFile= rel is not an absolute path',
    ]);
  });

  it('the Linux reader reads the file, counts it among the files the unit names, and notices when it changes', async () => {
    const { home, units } = fakeLinuxHome();
    mkdirSync(join(home, '.x'));
    writeFileSync(join(home, '.x/env'), 'ARGS="-o pool.supportxmr.com:443 -u 4abc"\n');
    writeFileSync(join(units, 'lw-env.service'), '[Service]\nEnvironmentFile=%h/.x/env\nExecStart=/opt/k $ARGS\n');
    const reader = linuxReaderAt(home);
    const inventory = await reader.readInventory();
    const item = inventory.items.find((i) => i.label === 'lw-env.service');
    expect(item).toMatchObject({
      arguments: ['/opt/k', '-o', 'pool.supportxmr.com:443', '-u', '4abc'],
      environmentFiles: [`${home}/.x/env`],
      problems: [],
    });
    expect(item?.referencedSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(reasonsOf(analyseSamples(inventory, [], DEFAULT_SCAN_OPTIONS), 'lw-env.service')).toContain('supportxmr');

    writeFileSync(join(home, '.x/env'), 'ARGS=-o gulf.moneroocean.stream:10128\n');
    const again = (await reader.readInventory()).items.find((i) => i.label === 'lw-env.service');
    expect(again?.arguments).toEqual(['/opt/k', '-o', 'gulf.moneroocean.stream:10128']);
    expect(again?.referencedSha256).not.toBe(item?.referencedSha256);
  });

  // systemd expands a wildcard with glob(3) and reads every match in order, later files winning
  // (src/core/exec-invoke.c, exec_context_load_environment); a miner's pool can be in any of them.
  it('a wildcard: every file it matches read in glob order, later winning; a file added later is read', async () => {
    const { home, units } = fakeLinuxHome();
    mkdirSync(join(home, '.x/conf.d'), { recursive: true });
    writeFileSync(join(home, '.x/conf.d/10-base.env'), 'ARGS=--version\n');
    writeFileSync(join(home, '.x/conf.d/20-pool.env'), 'ARGS="-o pool.supportxmr.com:443 -u 4abc"\n');
    // glob(3) leaves out a hidden name unless the pattern starts with a dot there.
    writeFileSync(join(home, '.x/conf.d/.30-hidden.env'), 'ARGS=hidden\n');
    writeFileSync(
      join(units, 'lw-glob.service'),
      '[Service]\nEnvironmentFile=-%h/.x/conf.?/*.env\nExecStart=/opt/k $ARGS\n',
    );
    const reader = linuxReaderAt(home);
    const inventory = await reader.readInventory();
    const item = inventory.items.find((i) => i.label === 'lw-glob.service');
    expect(item).toMatchObject({
      arguments: ['/opt/k', '-o', 'pool.supportxmr.com:443', '-u', '4abc'],
      environmentFiles: [`${home}/.x/conf.d/10-base.env`, `${home}/.x/conf.d/20-pool.env`],
      problems: [],
    });
    expect(reasonsOf(analyseSamples(inventory, [], DEFAULT_SCAN_OPTIONS), 'lw-glob.service')).toContain('supportxmr');

    // Added beside them: no file the unit read changed, yet what it runs did.
    writeFileSync(join(home, '.x/conf.d/30-other.env'), 'ARGS=-o gulf.moneroocean.stream:10128\n');
    const again = (await reader.readInventory()).items.find((i) => i.label === 'lw-glob.service');
    expect(again?.arguments).toEqual(['/opt/k', '-o', 'gulf.moneroocean.stream:10128']);
  });
});
