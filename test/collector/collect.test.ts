// assets/collect.sh run for real (POSIX sh) against PATH shims that print recorded macOS output; its
// bundle must replay through scan with the expected verdicts.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  readdirSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { build, buildBinary } from 'plist';
import { extract as extractTar } from 'tar';
import { describe, expect, it, vi } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { reasonsOf } from '../support/capture-builder';
import { makeShims, type Shim } from '../support/shims';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/macos');
const run = promisify(execFile);

/** The collector run as alice (uid 501, not root) on the fake Mac at `root`, with shims first on PATH. */
function asAlice(shimDir: string, root: string): NodeJS.ProcessEnv {
  writeFileSync(join(shimDir, 'id'), '#!/bin/sh\ncase "$1" in -un) echo alice ;; *) echo 501 ;; esac\n');
  chmodSync(join(shimDir, 'id'), 0o755);
  return {
    PATH: `${shimDir}:/usr/bin:/bin`,
    HOME: '/Users/alice',
    LW_ROOT: root,
    LW_PLISTBUDDY: join(repo, 'test/support/plistbuddy-shim.mjs'),
  };
}

/** The capture folder inside the one archive collect.sh leaves. */
async function unpacked(archive: string): Promise<string> {
  const into = mkdtempSync(join(tmpdir(), 'lw-unpacked-'));
  await extractTar({ file: archive, cwd: into });
  return join(into, readdirSync(into)[0] as string);
}

/** An empty fake Mac, and a way to write a file at a path on it. */
function emptyMac(): { root: string; write: (path: string, content: string | Buffer | Uint8Array) => void } {
  const root = mkdtempSync(join(tmpdir(), 'lw-mac-'));
  const write = (path: string, content: string | Buffer | Uint8Array) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  return { root, write };
}

function fakeMac(): string {
  const { root, write } = emptyMac();
  write(
    '/Users/alice/Library/LaunchAgents/com.apple.rig2.plist',
    build({
      Label: 'com.apple.rig2',
      ProgramArguments: ['/Users/Shared/xmrig2', '-c', '/Users/Shared/.rig/config.json'],
      RunAtLoad: true,
    } as never),
  );
  write(
    '/Users/alice/Library/LaunchAgents/homebrew.mxcl.redis.plist',
    Buffer.from(
      buildBinary({
        Label: 'homebrew.mxcl.redis',
        ProgramArguments: ['/opt/homebrew/opt/redis/bin/redis-server', '/opt/homebrew/etc/redis.conf'],
        RunAtLoad: true,
      } as never),
    ),
  );
  write(
    '/Library/LaunchDaemons/com.docker.vmnetd.plist',
    readFileSync(join(fixtures, 'plists/com.docker.vmnetd.plist')),
  );
  write(
    '/Users/Shared/.rig/config.json',
    JSON.stringify({
      pools: [{ url: 'stratum+tcp://koto-pool.work:3032', user: 'k1GqvkK7le6hQcBjJ7sUuGnX4VGBbHZN8Ms' }],
    }),
  );
  write('/Users/Shared/xmrig2', 'binary');
  write('/Users/alice/Library/LaunchAgents/not-a-plist.txt', 'ignored');
  // Commands inside sh -c and after env name files too, as the engine reads them.
  write(
    '/Users/alice/Library/LaunchAgents/com.wrapped.plist',
    build({
      Label: 'com.wrapped',
      ProgramArguments: [
        '/bin/sh',
        '-c',
        'cd /tmp; /Users/alice/.x/xmrig -c /Users/alice/.x/c.json --url=pool.supportxmr.com:443',
      ],
    } as never),
  );
  write(
    '/Users/alice/Library/LaunchAgents/com.env.plist',
    build({
      Label: 'com.env',
      ProgramArguments: ['/usr/bin/env', 'PYTHONPATH=/x', 'python3', '/Users/alice/.x/run.py'],
    } as never),
  );
  write('/Users/alice/.x/c.json', '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
  write('/Users/alice/.x/run.py', 'print(1)\n');
  // launchd follows a symbolic link in its folders: the collector keeps the link and copies its target,
  // resolved physically, so a link that climbs out of the Mac's tree is never copied.
  write(
    '/Users/alice/.config/linked.plist',
    build({
      Label: 'com.linked',
      ProgramArguments: ['/Users/alice/.x/xmrig', '-o', 'stratum+tcp://pool.supportxmr.com:3333', '-u', 'w'],
    } as never),
  );
  symlinkSync('../../.config/linked.plist', join(root, '/Users/alice/Library/LaunchAgents/com.linked.plist'));
  symlinkSync(
    '../../../../../../../../../../etc/hostname',
    join(root, '/Users/alice/Library/LaunchAgents/com.escape.plist'),
  );
  // A plist that names a file only root can read, to make a collector run under sudo copy it.
  write(
    '/Users/alice/Library/LaunchAgents/com.leak.plist',
    build({ Label: 'com.leak', ProgramArguments: ['/bin/cat', '-c', '/private/etc/sudoers'] } as never),
  );
  write('/private/etc/sudoers', 'root ALL=(ALL) ALL\n');
  // An SMAppService daemon inside an app: its program is named relative to the bundle.
  write(
    '/Applications/Tool.app/Contents/Library/LaunchDaemons/com.tool.daemon.plist',
    build({ Label: 'com.tool.daemon', BundleProgram: 'Contents/MacOS/helperd' } as never),
  );
  // `~` in a job's command line is the home launchd gives that job (the engine's job-home.ts): root's for a
  // daemon, the user's for their own daemon or agent, EnvironmentVariables.HOME when the plist sets it, and
  // unknown for a daemon run as another user. The user's own files under the same names are no job's.
  write(
    '/Library/LaunchDaemons/com.x.helper.plist',
    build({ Label: 'com.x.helper', ProgramArguments: ['/bin/sh', '-c', '~/.x/kworker -c ~/.x/config.json'] } as never),
  );
  write(
    '/Users/alice/Library/LaunchAgents/com.y.helper.plist',
    build({
      Label: 'com.y.helper',
      ProgramArguments: ['/bin/sh', '-c', '$HOME/kworker --config=${HOME}/config.json'],
      EnvironmentVariables: { HOME: '/Users/Shared/.y//' },
    } as never),
  );
  write(
    '/Library/LaunchDaemons/com.z.helper.plist',
    build({
      Label: 'com.z.helper',
      UserName: '_www',
      // A path that climbs past / is the file it names on the Mac (the kernel stops at /), and its copy must land
      // at that file's place under fs/, not climb out of the bundle.
      ProgramArguments: ['/opt/z/zd', '-c', '~/z.json', '--config', '/../../../../../../../../Users/Shared/.q/q.json'],
    } as never),
  );
  // A relative config is in the job's WorkingDirectory (launchd.plist(5)), or in a folder its commands cd to.
  // Program runs; ProgramArguments' first element is only the name it shows, so this is a shell's -c.
  write(
    '/Users/alice/Library/LaunchAgents/com.v.helper.plist',
    build({
      Label: 'com.v.helper',
      Program: '/bin/sh',
      ProgramArguments: ['com.apple.mdworker', '-c', './kworker -c w.json; cd -P ~/.v && ./kworker --config=pool.json'],
      WorkingDirectory: '/Users/Shared/.w/',
    } as never),
  );
  // A command decoded from base64 and run: the config it names is copied as if it were written out.
  write(
    '/Users/alice/Library/LaunchAgents/com.b.helper.plist',
    build({
      Label: 'com.b.helper',
      ProgramArguments: [
        '/bin/sh',
        '-c',
        // Set in a variable first (`B=<base64>`), decoded from it after.
        `B=${Buffer.from('cd ~/.b\n./kworker --config=b.json &').toString('base64')}; echo "$B" | base64 -d | sh`,
      ],
    } as never),
  );
  // The same in an interpreter's code (Empire's macOS persistence writes `python -c "...exec(base64.b64decode(...))"`),
  // which hands its decoded text to a shell.
  write(
    '/Users/alice/Library/LaunchAgents/com.p.helper.plist',
    build({
      Label: 'com.p.helper',
      ProgramArguments: [
        '/usr/bin/python3',
        '-c',
        `import os,base64;os.system(base64.b64decode('${Buffer.from('cd ~/.p && ./kworker --config p.json').toString('base64')}'))`,
      ],
    } as never),
  );
  // Hex (xxd -p wraps at 60 digits a line; xxd -r -p reads past the line ends) and escape sequences in code that runs
  // what they spell (exec("\x69\x6d...") of os.system("...")): the configs they name are copied too.
  write(
    '/Users/alice/Library/LaunchAgents/com.h.helper.plist',
    build({
      Label: 'com.h.helper',
      ProgramArguments: [
        '/bin/sh',
        '-c',
        // Over two lines, as a script handed to sh -c often is: the second is read as the script too.
        `sleep 5\nprintf '%s' '${(
          Buffer.from('cd ~/.h && ./kworker --config h.json &')
            .toString('hex')
            .match(/.{1,60}/g) ?? []
        ).join('\n')}' | xxd -r -p | sh`,
      ],
    } as never),
  );
  write(
    '/Users/alice/Library/LaunchAgents/com.e.helper.plist',
    build({
      Label: 'com.e.helper',
      ProgramArguments: [
        '/usr/bin/python3',
        '-c',
        `exec("${[...Buffer.from('import os;os.system("cd ~/.e && ./kworker --config e.json")')].map((b) => `\\x${b.toString(16)}`).join('')}")`,
      ],
    } as never),
  );
  // A program started with a list of arguments (subprocess.Popen([...])): the config the list names is copied.
  write(
    '/Users/alice/Library/LaunchAgents/com.l.helper.plist',
    build({
      Label: 'com.l.helper',
      ProgramArguments: [
        '/usr/bin/python3',
        '-c',
        'import subprocess;subprocess.Popen(["/Users/alice/.l/kworker", "--config", "/Users/alice/.l/l.json"])',
      ],
    } as never),
  );
  write('/Users/alice/.l/l.json', '{"pools":[{"url":"xmr.kryptex.network:7029"}]}');
  // A config named by the script the job runs, not by the plist: copied all the same.
  write(
    '/Users/alice/Library/LaunchAgents/com.r.helper.plist',
    build({ Label: 'com.r.helper', ProgramArguments: ['/bin/sh', '/Users/alice/.r/run.sh'] } as never),
  );
  write('/Users/alice/.r/run.sh', '#!/bin/sh\ncd ~/.r\n./kworker --config r.json &\nnohup ./direct &\n');
  write('/Users/alice/.r/r.json', '{"pools":[{"url":"eu.luckpool.net:3956"}]}');
  // A script run by its path with no #! line (the shell reads it as a script on ENOEXEC), beside a binary it does not
  // copy: what the script names is copied.
  write('/Users/alice/.r/direct', 'exec ./kworker --config d.json\n');
  write(
    '/Users/alice/.r/kworker',
    Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]),
  );
  write('/Users/alice/.r/d.json', '{"pools":[{"url":"etc.2miners.com:1010"}]}');
  // A program that is itself a script (no `sh` before it in the plist), run by its #! line's bash, that runs a second
  // script from the folder it went to, which runs itself again and names the config: both scripts and the config are
  // copied, and the script running itself ends.
  write(
    '/Users/alice/Library/LaunchAgents/com.g.helper.plist',
    build({
      Label: 'com.g.helper',
      ProgramArguments: ['/Users/alice/.g/run.sh', '-c', '/Users/alice/.g/args.json'],
    } as never),
  );
  write('/Users/alice/.g/run.sh', '#!/bin/bash -e\r\ncd ~/.g\nsh ./stage.sh &\n');
  write('/Users/alice/.g/stage.sh', 'sh ~/.g/stage.sh --again\nexec ./kworker --config g.json\n');
  write('/Users/alice/.g/g.json', '{"pools":[{"url":"zeph.2miners.com:2222"}]}');
  // Its own -c names a config to the script (a shell's -c before the script would hide it).
  write('/Users/alice/.g/args.json', '{"pools":[{"url":"rvn.2miners.com:6060"}]}');
  // Scripts that run scripts 6 deep: 4 levels are read, the fifth is copied and said, the sixth and the config not.
  write(
    '/Users/alice/Library/LaunchAgents/com.k.helper.plist',
    build({ Label: 'com.k.helper', ProgramArguments: ['/bin/sh', '/Users/alice/.k/1.sh'] } as never),
  );
  for (let level = 1; level <= 6; level++)
    write(`/Users/alice/.k/${level}.sh`, level < 6 ? `sh ~/.k/${level + 1}.sh\n` : './kworker -c ~/.k/k.json\n');
  write('/Users/alice/.k/k.json', '{"pools":[{"url":"solo-xmr.2miners.ru:2222"}]}');
  /** An agent of alice's that runs the shell script ~/.<name>/run.sh. */
  const agentRunningScript = (name: string, script: string): void => {
    write(
      `/Users/alice/Library/LaunchAgents/com.${name}.helper.plist`,
      build({ Label: `com.${name}.helper`, ProgramArguments: ['/bin/sh', `/Users/alice/.${name}/run.sh`] } as never),
    );
    write(`/Users/alice/.${name}/run.sh`, script);
  };
  /**
   * `text` encrypted by this machine's openssl with the MD5 digest macOS's LibreSSL uses by default, in base64: one
   * line (-A), or 64 characters a line as openssl writes it without -A. The collector runs this machine's openssl
   * for the Mac's, with options both take.
   */
  const encrypted = (text: string, key: string, lines: 'one line' | 'wrapped' = 'one line'): string => {
    const oneLine = lines === 'one line' ? ['-A'] : [];
    const args = ['enc', '-aes-256-cbc', '-a', ...oneLine, '-md', 'md5', '-k', key];
    return execFileSync('openssl', args, { input: text, stdio: 'pipe' }).toString().trim();
  };
  // A script that decrypts its command with openssl enc -d and a key it holds in a variable (Shlayer's way): the
  // config the decrypted command names is copied.
  agentRunningScript(
    'o',
    [
      '#!/bin/sh',
      "K='0p3n s3same'",
      `D='${encrypted('cd ~/.o && ./kworker --config o.json &', '0p3n s3same')}'`,
      'echo "$D" | openssl enc -d -aes-256-cbc -a -A -k "$K" | sh\n',
    ].join('\n'),
  );
  write('/Users/alice/.o/o.json', '{"pools":[{"url":"mine.c3pool.com:13333"}]}');
  // The same over lines: openssl's 64-character lines in a here-document, and what they decrypt to a quoted string
  // of base64 wrapped at 76 characters whose config name spans two of its lines (only the lines joined name it);
  // and openssl's lines between quotes, held in a variable (the script is read with its line ends as `;`).
  const wrappedBase64 = (
    Buffer.from('cd ~/.q && ./kworker -o x --config quite-a-long-config-file-name.json &')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\n');
  const inHereDocument = encrypted(`echo "${wrappedBase64}" | base64 -d | sh\n`, 'k3y', 'wrapped');
  const inQuotes = encrypted('cd ~/.q; ./kworker --config second-config.json\n', 'k3y', 'wrapped');
  agentRunningScript(
    'q',
    [
      '#!/bin/sh',
      `openssl enc -d -aes-256-cbc -a -k k3y <<EOF | sh\n${inHereDocument}\nEOF`,
      `D="${inQuotes}"`,
      'echo "$D" | openssl enc -d -aes-256-cbc -a -k k3y | sh',
      'exit 0\n',
    ].join('\n'),
  );
  // A script this reader and the shell part ways on: a quote inside $(...) within double quotes (the shell reads
  // `x="$(echo '"')"` as a whole line; the collector's words do not follow the $(...) and see a quote left open).
  const behindAQuote = encrypted('cd ~/.t; ./kworker --config t.json\n', 'r3ad');
  agentRunningScript(
    't',
    [
      '#!/bin/sh',
      `x="$(echo '"')"`,
      `echo ${behindAQuote} | openssl enc -d -aes-256-cbc -a -A -k r3ad | sh`,
      "z='ok'\n",
    ].join('\n'),
  );
  write('/Users/alice/.t/t.json', '{"pools":[{"url":"pool.hashvault.pro:443"}]}');
  // A script that puts decoys first: more base64 words than the collector tries before the one it decrypts, and
  // more than 64 KiB. The collector stops at its bounds and says so (partly-followed.txt).
  const decoys = Array.from({ length: 70 }, (_, i) => Buffer.from(`decoy number ${i} of seventy`).toString('base64'));
  const pastTheDecoys = encrypted('cd ~/.u; ./kworker --config u.json\n', 'u');
  agentRunningScript(
    'u',
    [
      '#!/bin/sh',
      `for d in ${decoys.join(' ')}; do printf '%s' "$d" >/dev/null; done`,
      `echo ${pastTheDecoys} | openssl enc -d -aes-256-cbc -a -A -md md5 -k u | sh`,
      `# ${'padding'.repeat(10_000)}`,
      '',
    ].join('\n'),
  );
  write('/Users/alice/.u/u.json', '{"pools":[{"url":"pool.hashvault.pro:443"}]}');
  write('/Users/alice/.q/second-config.json', '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}');
  write('/Users/alice/.q/quite-a-long-config-file-name.json', '{"pools":[{"url":"xmr.2miners.com:2222"}]}');
  write('/Users/alice/.h/h.json', '{"pools":[{"url":"auto.nicehash.com:9200"}]}');
  write('/Users/alice/.e/e.json', '{"pools":[{"url":"btc.f2pool.com:1314"}]}');
  // A program that is a named pipe (a plist may name anything): hashing it would wait for a writer forever. Its
  // inserted library (DYLD_INSERT_LIBRARIES, dyld(1)) is hashed.
  write(
    '/Users/alice/Library/LaunchAgents/com.f.helper.plist',
    build({
      Label: 'com.f.helper',
      Program: '/Users/Shared/.f/pipe',
      EnvironmentVariables: { DYLD_INSERT_LIBRARIES: '/Users/Shared/.f/libf.dylib:relative.dylib' },
    } as never),
  );
  write('/Users/Shared/.f/libf.dylib', 'library bytes');
  execFileSync('mkfifo', [join(root, '/Users/Shared/.f/pipe')]);
  // Code that spells its shell command out as a string (os.system("...")): the config it names is copied.
  write(
    '/Users/alice/Library/LaunchAgents/com.s.helper.plist',
    build({
      Label: 'com.s.helper',
      ProgramArguments: ['/usr/bin/python3', '-c', 'import os;os.system("cd ~/.s && ./kworker --config s.json &")'],
    } as never),
  );
  write('/Users/alice/.s/s.json', '{"pools":[{"url":"xmrpool.eu:9999"}]}');
  write('/Users/alice/.p/p.json', '{"pools":[{"url":"monero.herominers.com:10191"}]}');
  write('/Users/alice/.b/b.json', '{"pools":[{"url":"pool.hashvault.pro:3333"}]}');
  write('/Users/Shared/.q/q.json', '{"pools":[{"url":"mine.c3pool.com:13333"}]}');
  write('/Users/Shared/.w/w.json', '{"pools":[{"url":"xmr.2miners.com:2222"}]}');
  write('/Users/alice/.v/pool.json', '{"pools":[{"url":"rx.unmineable.com:3333"}]}');
  write('/var/root/.x/config.json', '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
  write('/Users/Shared/.y/config.json', '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}');
  for (const decoy of ['/Users/alice/.x/config.json', '/Users/alice/config.json', '/Users/alice/z.json'])
    write(decoy, '{"pools":[{"url":"xmr-eu1.nanopool.org:14433"}]}');
  // As on a Mac: root's home is closed to other users (drwxr-x--- root wheel), though a file in it may be
  // world-readable; the rest of the tree is open, as /, /Users and /Library are.
  chmodSync(root, 0o755);
  chmodSync(join(root, '/var/root'), 0o750);
  chmodSync(join(root, '/private/etc/sudoers'), 0o600);
  utimesSync(join(root, '/Users/alice/Library/LaunchAgents/com.apple.rig2.plist'), 1_700_000_000, 1_700_000_000);
  mkdirSync(join(root, 'etc'), { recursive: true });
  symlinkSync('/var/db/timezone/zoneinfo/Europe/Paris', join(root, 'etc/localtime'));
  return root;
}

/**
 * The commands the collector asks for machine facts, answering as a Mac does. Each answer is the shape
 * the manual page or a published capture gives:
 * - sysctl(8): `sysctl -n <name>` prints the value only (hw.memsize, machdep.cpu.brand_string and
 *   kern.boottime as "{ sec = 1789196391, usec = 979990 } Fri Sep 11 23:59:51 2026" in a captured sysctl
 *   of an Apple M1, index file id 68315447555; the same timeval in index file id 24281183782); an unknown
 *   name is "sysctl: unknown oid" on stderr and exit 1.
 * - sw_vers(1): -productVersion and -buildVersion print one line each.
 * - ioreg(8) -rd1 -c IOPlatformExpertDevice: `+-o` header, `{`, and `"IOPlatformSerialNumber" = "..."`
 *   lines without tree bars at depth 1 (a recorded sample, index file id 71466608616).
 * - stat(1) on macOS (BSD): `-f %m` prints the modification time in seconds since the epoch, `-f %z` the
 *   size in bytes, `-f %Su` the owner's name; GNU stat (here) reads -f as "file system", so this one is
 *   modelled on GNU's -c.
 */
/**
 * The collector run (one sample) while a node script writes to FIFOs the tests put under names it reads (`paths` are
 * its arguments), with `readSeconds` for its watchdog; the archive and its unpacked bundle. The writer always ends.
 */
async function collectBesideWriter(
  capture: { root: string; shimsDir: string; out: string; readSeconds: number; paths: string[] },
  writerScript: string,
): Promise<{ archive: string; bundle: string }> {
  const writer = spawn(process.execPath, ['-e', writerScript, ...capture.paths], { stdio: 'ignore' });
  try {
    const { stdout } = await run(
      'sh',
      [join(repo, 'assets/collect.sh'), '--duration', '1', '--interval', '1', '--output', capture.out],
      { env: { ...asAlice(capture.shimsDir, capture.root), LW_READ_SECONDS: String(capture.readSeconds) } },
    );
    const archive = stdout.trim();
    return { archive, bundle: await unpacked(archive) };
  } finally {
    writer.kill('SIGKILL');
  }
}

function macFactsShims(): Record<string, Shim> {
  return {
    sysctl: {
      script: `case "$2" in
  hw.ncpu) echo 8 ;;
  hw.model) echo MacBookPro18,3 ;;
  hw.memsize) echo 17179869184 ;;
  machdep.cpu.brand_string) echo 'Apple M1 Pro' ;;
  kern.boottime) echo '{ sec = 1764493200, usec = 0 } Sun Nov 30 09:00:00 2025' ;;
  *) echo "sysctl: unknown oid '$2'" >&2; exit 1 ;;
esac
exit 0`,
    },
    sw_vers: { script: 'case "$1" in -buildVersion) echo 23G93 ;; *) echo 14.6.1 ;; esac\nexit 0' },
    ioreg: {
      script: `printf '%s\n' '+-o J314sAP  <class IOPlatformExpertDevice, id 0x100000227, registered, matched, active, busy 0 (3 ms), retain 36>' '    {' '      "IOPlatformSerialNumber" = "C02ZK0XXMD6M"' '      "model" = <"MacBookPro18,3">' '    }'
exit 0`,
    },
    stat: {
      script: `[ "$1" = -f ] || exit 1
case "$2" in
  %m) exec /usr/bin/stat -c %Y "$3" ;;
  %z) exec /usr/bin/stat -c %s "$3" ;;
  %Su) echo alice; exit 0 ;;
  *) exit 1 ;;
esac`,
    },
  };
}

const ps = (minerCpu: string, redisCpu: string) => `    1     0     0  3-02:11:09  57:24.25 /sbin/launchd
  820     1   501       10:00 ${minerCpu.padStart(9)} /Users/Shared/xmrig2 -c /Users/Shared/.rig/config.json
  830     1   501    02:00:00 ${redisCpu.padStart(9)} /opt/homebrew/opt/redis/bin/redis-server 127.0.0.1:6379
`;

/**
 * The collector run with sudo by alice (uid 501) on the fake Mac at `root`: `id -u` is 0, SUDO_USER is
 * alice, and sudo may hand over root's HOME (the home then comes from the directory service).
 */
async function collectUnderSudo(
  root: string,
  extra: Record<string, Shim>,
): Promise<{ stdout: string; stderr: string; shims: { dir: string; log: string } }> {
  const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
  const shims = makeShims({
    launchctl: { stdout: 'PID\tStatus\tLabel\n1\t0\tcom.apple.launchd\n' },
    ps: { stdout: ps('10:00.00', '0:10.00') },
    lsof: { stdout: 'p830\ncredis-server\nu501\nf6\ntIPv4\nPTCP\nn127.0.0.1:6379\nTST=LISTEN\n' },
    ...macFactsShims(),
    // A Mac whose ioreg fails (a sandboxed or broken IOKit): the serial is left out, nothing else.
    ioreg: { stderr: 'ioreg: could not read the I/O Registry', exitCode: 1 },
    dscl: { stdout: 'NFSHomeDirectory: /Users/alice\n' },
    sfltool: { stdout: readFileSync(join(fixtures, 'btm/ventura-art-of-mac-malware-ch5.txt'), 'utf8') },
    ...extra,
  });
  writeFileSync(
    join(shims.dir, 'id'),
    '#!/bin/sh\ncase "$1 $2" in "-u alice") echo 501 ;; "-u ") echo 0 ;; "-un ") echo root ;; *) echo 0 ;; esac\n',
  );
  chmodSync(join(shims.dir, 'id'), 0o755);
  const env = {
    PATH: `${shims.dir}:/usr/bin:/bin`,
    HOME: '/var/root',
    SUDO_USER: 'alice',
    LW_ROOT: root,
    LW_PLISTBUDDY: join(repo, 'test/support/plistbuddy-shim.mjs'),
  };
  const { stdout, stderr } = await run(
    'sh',
    [join(repo, 'assets/collect.sh'), '--duration', '1', '--interval', '1', '--output', out],
    { env },
  );
  return { stdout, stderr, shims };
}

// Each run of the collector on the fake Mac gets 150 s: real sh, awk and openssl, a few thousand processes over two
// dozen items, 36-46 s on this machine alone and more while other test files run beside it.
describe('assets/collect.sh', () => {
  it('writes a bundle exactly as capture-format.md says, which replays with the right verdicts', async () => {
    const root = fakeMac();
    const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
    const shims = makeShims({
      launchctl: { stdout: 'PID\tStatus\tLabel\n820\t0\tcom.apple.rig2\n830\t0\thomebrew.mxcl.redis\n' },
      ps: { stdout: [ps('10:00.00', '0:10.00'), ps('10:02.50', '0:10.01'), ps('10:05.00', '0:10.02')] },
      lsof: {
        stdout:
          'p820\ncxmrig2\nu501\nf12\ntIPv4\nPTCP\nn192.168.1.20:50400->45.76.100.7:3032\nTST=ESTABLISHED\nTQR=0\nTQS=0\np830\ncredis-server\nu501\nf6\ntIPv4\nPTCP\nn127.0.0.1:6379\nTST=LISTEN\n',
      },
      codesign: { stderr: `${root}/Users/Shared/xmrig2: code object is not signed at all`, exitCode: 1 },
      ...macFactsShims(),
      dscacheutil: { stdout: 'name: koto-pool.work\nip_address: 45.76.100.7\n\n' },
    });
    const env = asAlice(shims.dir, root);

    const { stdout, stderr } = await run(
      'sh',
      [join(repo, 'assets/collect.sh'), '--duration', '2', '--interval', '1', '--output', out],
      { env },
    );
    const archive = stdout.trim();
    expect(archive).toMatch(/launchwatch-capture-.*\.tar\.gz$/);
    expect(existsSync(archive)).toBe(true);
    expect(stderr).toContain('Collected 26 launch item property lists, 3 samples');
    expect(stderr).toContain('Not run with sudo');

    // One archive is what it leaves: the working folder is gone, and the archive holds it all.
    expect(existsSync(archive.replace(/\.tar\.gz$/, ''))).toBe(false);
    expect(readdirSync(out)).toEqual([archive.slice(out.length + 1)]);
    expect(stderr).toMatch(
      /about 2 s \(3 samples, one every 1 s\)[\s\S]*every process's command line[\s\S]*It changes nothing, and writes one file/,
    );
    const bundle = await unpacked(archive);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'launchwatch-capture',
      version: 1,
      host: { os: 'macOS', osVersion: '14.6.1', cpuCount: 8 },
      user: { name: 'alice', uid: 501, home: '/Users/alice' },
      privileged: false,
    });
    expect(manifest.host.machine).toEqual({
      model: 'MacBookPro18,3',
      osBuild: '23G93',
      cpuModel: 'Apple M1 Pro',
      memoryBytes: 17179869184,
      bootedAt: 1764493200,
      loggedInUser: 'alice',
      serial: 'C02ZK0XXMD6M',
      timeZone: 'Europe/Paris',
      utcOffset: expect.stringMatching(/^[+-]\d{4}$/),
    });
    // The Mac's own file dates, kept apart from the copies' (which a later copy may reset).
    expect(readFileSync(join(bundle, 'file-dates.txt'), 'utf8')).toContain(
      '1700000000\t/Users/alice/Library/LaunchAgents/com.apple.rig2.plist',
    );
    expect(manifest.samples.map((s: { dir: string }) => s.dir)).toEqual([
      'samples/0000',
      'samples/0001',
      'samples/0002',
    ]);
    // Byte for byte, binary plists stay binary; named config files come along; nothing else does.
    expect(
      readFileSync(join(bundle, 'fs/Users/alice/Library/LaunchAgents/homebrew.mxcl.redis.plist'))
        .subarray(0, 8)
        .toString(),
    ).toBe('bplist00');
    expect(readFileSync(join(bundle, 'fs/Library/LaunchDaemons/com.docker.vmnetd.plist'))).toEqual(
      readFileSync(join(fixtures, 'plists/com.docker.vmnetd.plist')),
    );
    expect(readFileSync(join(bundle, 'fs/Users/Shared/.rig/config.json'), 'utf8')).toContain('koto-pool.work');
    expect(existsSync(join(bundle, 'fs/Users/alice/Library/LaunchAgents/not-a-plist.txt'))).toBe(false);
    expect(existsSync(join(bundle, 'fs/Users/Shared/xmrig2'))).toBe(false);
    expect(readFileSync(join(bundle, 'codesign.txt'), 'utf8')).toContain(
      '### /Users/Shared/xmrig2\n/Users/Shared/xmrig2: code object is not signed at all',
    );
    expect(readFileSync(join(bundle, 'dns.txt'), 'utf8')).toContain('45.76.100.7\tkoto-pool.work');
    // Each program and inserted library that is a regular file, hashed; the named pipe is not waited on.
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(readFileSync(join(bundle, 'hashes.txt'), 'utf8').split('\n').sort()).toEqual(
      [
        '',
        `${sha256('binary')}\t/Users/Shared/xmrig2`,
        `${sha256('library bytes')}\t/Users/Shared/.f/libf.dylib`,
        // A program that is a script is hashed as any program is (and copied, as the script it is).
        `${sha256('#!/bin/bash -e\r\ncd ~/.g\nsh ./stage.sh &\n')}\t/Users/alice/.g/run.sh`,
      ].sort(),
    );
    expect(readFileSync(join(bundle, 'fs/Users/alice/.x/c.json'), 'utf8')).toContain('supportxmr');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.x/run.py'), 'utf8')).toBe('print(1)\n');
    expect(
      existsSync(join(bundle, 'fs/Applications/Tool.app/Contents/Library/LaunchDaemons/com.tool.daemon.plist')),
    ).toBe(true);
    expect(readFileSync(join(bundle, 'codesign.txt'), 'utf8')).toContain(
      '### /Applications/Tool.app/Contents/MacOS/helperd',
    );
    expect(lstatSync(join(bundle, 'fs/Users/alice/Library/LaunchAgents/com.linked.plist')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(bundle, 'fs/Users/alice/Library/LaunchAgents/com.linked.plist'))).toBe(
      '../../.config/linked.plist',
    );
    expect(readFileSync(join(bundle, 'fs/Users/alice/.config/linked.plist'), 'utf8')).toContain('com.linked');
    expect(existsSync(join(bundle, 'fs/Users/alice/Library/LaunchAgents/com.escape.plist'))).toBe(false);
    expect(existsSync(join(bundle, 'fs/etc/hostname'))).toBe(false);
    // Each job's ~ is its own home: root's for the daemon, the folder the agent's HOME names.
    expect(readFileSync(join(bundle, 'fs/var/root/.x/config.json'), 'utf8')).toContain('supportxmr');
    expect(readFileSync(join(bundle, 'fs/Users/Shared/.y/config.json'), 'utf8')).toContain('moneroocean');
    expect(readFileSync(join(bundle, 'fs/Users/Shared/.w/w.json'), 'utf8')).toContain('2miners');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.v/pool.json'), 'utf8')).toContain('unmineable');
    expect(readFileSync(join(bundle, 'fs/Users/Shared/.q/q.json'), 'utf8')).toContain('c3pool');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.b/b.json'), 'utf8')).toContain('hashvault');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.h/h.json'), 'utf8')).toContain('nicehash');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.e/e.json'), 'utf8')).toContain('f2pool');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.l/l.json'), 'utf8')).toContain('kryptex');
    expect(readFileSync(join(bundle, 'fs/Users/alice/.r/r.json'), 'utf8')).toContain('luckpool');
    expect(readdirSync(bundle).sort()).toEqual(
      [
        'codesign.txt',
        'dns.txt',
        'file-dates.txt',
        'fs',
        'hashes.txt',
        'launchctl-list.txt',
        'launchctl-print-disabled.txt',
        'manifest.json',
        'partly-followed.txt',
        'samples',
      ].sort(),
    );
    for (const decoy of ['.x/config.json', 'config.json', 'z.json'])
      expect(existsSync(join(bundle, 'fs/Users/alice', decoy))).toBe(false);

    const calls = readFileSync(shims.log, 'utf8');
    expect(calls).toContain('ps\t-axww\t-o\tpid=,ppid=,uid=,etime=,time=,args=');
    expect(calls).toContain('lsof\t-nP\t-iTCP\t-iUDP\t-F\tpcuftPnT');
    expect(calls).toContain('launchctl\tprint-disabled\tgui/501');
    expect(calls).toContain('dscacheutil\t-q\thost\t-a\tname\tpool.supportxmr.com');
    expect(calls).not.toContain('dscacheutil\t-q\thost\t-a\tname\tc.json');

    const result = await replay(archive, { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 2 }); // the capture spans 2 s;
    const verdict = (label: string) => result.items.find((i) => i.item.label === label)?.verdict;
    expect(verdict('com.apple.rig2')).toBe('mining');
    expect(result.host.machine).toMatchObject({ model: 'MacBookPro18,3', bootedAt: 1764493200_000 });
    expect(result.items.find((i) => i.item.label === 'com.apple.rig2')?.item.mtime).toBe('2023-11-14T22:13:20.000Z');
    const reasons = (label: string) => reasonsOf(result, label);
    expect(reasons('com.x.helper')).toContain('pool.supportxmr.com (SupportXMR, file /var/root/.x/config.json)');
    expect(reasons('com.y.helper')).toContain(
      'gulf.moneroocean.stream (MoneroOcean, file /Users/Shared/.y/config.json)',
    );
    expect(reasons('com.x.helper') + reasons('com.y.helper') + reasons('com.z.helper')).not.toContain('nanopool');
    expect(reasons('com.v.helper')).toContain('xmr.2miners.com (2Miners, file /Users/Shared/.w/w.json)');
    expect(reasons('com.v.helper')).toContain('rx.unmineable.com (unMineable, file /Users/alice/.v/pool.json)');
    expect(reasons('com.b.helper')).toContain('pool.hashvault.pro (HashVault, file /Users/alice/.b/b.json)');
    expect(reasons('com.b.helper')).toContain('runs a command it decodes');
    expect(reasons('com.p.helper')).toContain('monero.herominers.com (HeroMiners, file /Users/alice/.p/p.json)');
    expect(reasons('com.p.helper')).toContain('runs a command it decodes');
    expect(reasons('com.s.helper')).toContain('xmrpool.eu (xmrpool.eu, file /Users/alice/.s/s.json)');
    expect(reasons('com.h.helper')).toContain('auto.nicehash.com');
    expect(reasons('com.h.helper')).toContain('file /Users/alice/.h/h.json');
    expect(reasons('com.h.helper')).toContain('runs a command it decodes');
    expect(reasons('com.e.helper')).toContain('btc.f2pool.com');
    expect(reasons('com.e.helper')).toContain('file /Users/alice/.e/e.json');
    expect(reasons('com.e.helper')).toContain('runs a command it decodes');
    expect(reasons('com.l.helper')).toContain('xmr.kryptex.network');
    expect(reasons('com.l.helper')).toContain('file /Users/alice/.l/l.json');
    expect(reasons('com.r.helper')).toContain('eu.luckpool.net');
    expect(reasons('com.r.helper')).toContain('file /Users/alice/.r/r.json');
    expect(reasons('com.r.helper')).toContain('etc.2miners.com (2Miners, file /Users/alice/.r/d.json)');
    expect(existsSync(join(bundle, 'fs/Users/alice/.r/direct'))).toBe(true);
    expect(existsSync(join(bundle, 'fs/Users/alice/.r/kworker'))).toBe(false);
    expect(reasons('com.o.helper')).toContain('mine.c3pool.com');
    expect(reasons('com.o.helper')).toContain('file /Users/alice/.o/o.json');
    expect(reasons('com.o.helper')).toContain('runs a command it decodes');
    expect(reasons('com.q.helper')).toContain('file /Users/alice/.q/quite-a-long-config-file-name.json');
    expect(reasons('com.q.helper')).toContain('file /Users/alice/.q/second-config.json');
    expect(reasons('com.t.helper')).toContain('file /Users/alice/.t/t.json');
    expect(reasons('com.g.helper')).toContain('zeph.2miners.com (2Miners, file /Users/alice/.g/g.json)');
    expect(reasons('com.g.helper')).toContain('rvn.2miners.com (2Miners, file /Users/alice/.g/args.json)');
    expect(existsSync(join(bundle, 'fs/Users/alice/.g/run.sh'))).toBe(true);
    expect(existsSync(join(bundle, 'fs/Users/alice/.k/5.sh'))).toBe(true);
    expect(existsSync(join(bundle, 'fs/Users/alice/.k/6.sh'))).toBe(false);
    expect(existsSync(join(bundle, 'fs/Users/alice/.k/k.json'))).toBe(false);
    expect(reasons('com.k.helper')).toContain(
      'could not be analysed (/Users/alice/.k/5.sh: the files it names (5 scripts deep, past 4), not read)',
    );
    expect(result.items.find((i) => i.item.label === 'com.k.helper')?.item.problems).toEqual([
      'partly followed: /Users/alice/.k/5.sh: the collector did not look for the files it names (it is run more ' +
        'than 4 scripts deep); a file it names past that may be missing from this capture',
    ]);
    expect(readFileSync(join(bundle, 'partly-followed.txt'), 'utf8')).toBe(
      'decryptions\t/Users/alice/.u/run.sh\nfirst-64-kib\t/Users/alice/.u/run.sh\nnested-scripts\t/Users/alice/.k/5.sh\n',
    );
    expect(existsSync(join(bundle, 'fs/Users/alice/.u/u.json'))).toBe(false);
    expect(result.items.find((i) => i.item.label === 'com.u.helper')?.item.problems).toEqual([
      'partly followed: /Users/alice/.u/run.sh: the collector made the first 128 openssl decryption tries (of 64 ' +
        'base64 words) only; a file it names past that may be missing from this capture',
      'partly followed: /Users/alice/.u/run.sh: the collector looked for the files its commands name in its first ' +
        '64 KiB only; a file it names past that may be missing from this capture',
    ]);
    expect(verdict('homebrew.mxcl.redis')).toBe('ok');
    expect(verdict('com.docker.vmnetd')).toBe('ok');
    expect(result.items.find((i) => i.item.label === 'com.linked')?.item.problems).toContain(
      'a symbolic link to /Users/alice/.config/linked.plist',
    );
    expect(result.notes).toContain('connections of root processes not visible (capture was not privileged)');
  }, 150_000);

  it('under sudo: privileged, and still about the user who ran sudo', async () => {
    const root = fakeMac();
    // A sudo that cannot answer (sudo(8) refuses to run when its sudoers file is unsafe, exit 1): nothing a
    // plist names is copied, since whether alice could read it is not known; the plists still are.
    const { stdout, stderr, shims } = await collectUnderSudo(root, {
      sudo: { stderr: 'sudo: /etc/sudoers is world writable\n', exitCode: 1 },
    });
    expect(stderr).not.toContain('Not run with sudo');
    const sudoBundle = await unpacked(stdout.trim());
    const manifest = JSON.parse(readFileSync(join(sudoBundle, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ privileged: true, user: { name: 'alice', uid: 501, home: '/Users/alice' } });
    expect(manifest.host.machine).toMatchObject({ serial: '', model: 'MacBookPro18,3' });
    expect(readFileSync(shims.log, 'utf8')).toContain('launchctl\tprint-disabled\tgui/501');
    // The user's own domain, not the system's: run in their session, as them.
    expect(readFileSync(shims.log, 'utf8')).toContain('launchctl\tasuser\t501\tsudo\t-u\talice\tlaunchctl\tlist');
    expect(readFileSync(shims.log, 'utf8')).toContain('dscl\t.\t-read\t/Users/alice\tNFSHomeDirectory');
    // Root's own list (the daemons' pids) and the system overrides come along under sudo.
    expect(existsSync(join(sudoBundle, 'launchctl-list-system.txt'))).toBe(true);
    expect(readFileSync(join(sudoBundle, 'btm.txt'), 'utf8')).toContain('org.wireshark.ChmodBPF');
    expect(readFileSync(shims.log, 'utf8')).toContain('sfltool\tdumpbtm');
    expect(readFileSync(shims.log, 'utf8')).toContain('launchctl\tprint-disabled\tsystem');
    // A file only root can read is never copied into the user's capture because a plist names it.
    expect(existsSync(join(sudoBundle, 'fs/private/etc/sudoers'))).toBe(false);
    expect(existsSync(join(sudoBundle, 'fs/Users/alice/.x/c.json'))).toBe(false);
    expect(existsSync(join(sudoBundle, 'fs/Users/alice/Library/LaunchAgents/com.wrapped.plist'))).toBe(true);
    const result = await replay(stdout.trim(), DEFAULT_SCAN_OPTIONS);
    expect(result.privileged).toBe(true);
    expect(result.host.machine?.serial).toBeUndefined();
    expect(result.host.machine?.model).toBe('MacBookPro18,3');
    expect(result.notes.some((n) => n.includes('not visible'))).toBe(false);
  }, 150_000);

  // setpriv (util-linux) gives a process alice's uid, which only root may do: run as anyone else, the
  // kernel cannot be asked as alice here, so this test is skipped.
  it.skipIf(process.getuid?.() !== 0)(
    'under sudo, a named file is copied only if alice could read it, folders on the way included',
    async () => {
      const root = fakeMac();
      const { stdout, shims } = await collectUnderSudo(root, {
        // sudo(8): invoked by root it asks no password, and runs the command with the target user's uid, gid and
        // groups (alice: uid 501, primary group staff, gid 20); -n never prompts. The kernel then answers.
        sudo: {
          script: `[ "$1" = -n ] && shift
[ "$1" = -u ] || { echo 'usage: sudo -n -u user command' >&2; exit 1; }
uid=\${2#\\#}
shift 2
exec setpriv --reuid="$uid" --regid=20 --clear-groups "$@"`,
        },
      });
      const bundle = await unpacked(stdout.trim());
      expect(readFileSync(join(bundle, 'fs/Users/alice/.x/c.json'), 'utf8')).toContain('supportxmr');
      expect(readFileSync(join(bundle, 'fs/Users/Shared/.y/config.json'), 'utf8')).toContain('moneroocean');
      // World-readable, but in root's home, which alice cannot enter; and a file only root may read.
      expect(existsSync(join(bundle, 'fs/var/root/.x/config.json'))).toBe(false);
      expect(existsSync(join(bundle, 'fs/private/etc/sudoers'))).toBe(false);
      expect(readFileSync(shims.log, 'utf8')).toContain(
        `sudo\t-n\t-u\t#501\t/bin/test\t-r\t${root}/var/root/.x/config.json\n`,
      );
      // What was left out is named, and each item naming it says so.
      expect(readFileSync(join(bundle, 'not-copied.txt'), 'utf8')).toBe(
        'unreadable\t/var/root/.x/config.json\nunreadable\t/private/etc/sudoers\n',
      );
      const result = await replay(stdout.trim(), DEFAULT_SCAN_OPTIONS);
      const problems = (label: string) => result.items.find((i) => i.item.label === label)?.item.problems;
      expect(problems('com.x.helper')).toContainEqual(
        expect.stringMatching(/^not read: \/var\/root\/\.x\/config\.json: the collector did not copy it/),
      );
      expect(problems('com.wrapped')).toEqual([]);
    },
    150_000,
  );

  it('Ctrl-C leaves nothing behind, and an output folder it cannot write is named', async () => {
    // A Mac with no launch items: what is stopped here is the sampling, which need not wait for plists.
    const root = mkdtempSync(join(tmpdir(), 'lw-mac-'));
    const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
    const shims = makeShims({
      launchctl: { stdout: 'PID\tStatus\tLabel\n' },
      ps: { stdout: ps('1:00.00', '0:01.00') },
      lsof: { stdout: '' },
      sw_vers: { stdout: '14.6.1\n' },
    });
    const env = asAlice(shims.dir, root);
    const child = spawn(
      'sh',
      [join(repo, 'assets/collect.sh'), '--duration', '60', '--interval', '1', '--output', out],
      { env },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await vi.waitFor(() => expect(stderr).toContain('sample 2 of 61'), { timeout: 30_000 });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain('stopped; nothing was left behind');
    expect(readdirSync(out)).toEqual([]);

    const readOnly = mkdtempSync(join(tmpdir(), 'lw-ro-'));
    chmodSync(readOnly, 0o555);
    // As root every folder is writable: the check is shown with a folder that does not exist instead.
    const target = process.getuid?.() === 0 ? join(readOnly, 'missing') : readOnly;
    await expect(run('sh', [join(repo, 'assets/collect.sh'), '--output', target], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--output folder '.*' (does not exist|cannot write)/),
    });
  }, 150_000);

  // Whoever owns a folder can swap a name for a FIFO between the collector's look ([ -f ]) and its read, and sh cannot
  // open a file without waiting for a FIFO's writer. Here the swap comes right after the look, by a hook in mkdir
  // (which copy_file runs between the look and cp) and in stat (which the hashing runs between the look and shasum);
  // both then do what the real ones do (this stat answers `-f %z` with the size in bytes, as stat(1) on macOS does:
  // macFactsShims' stat, whose sources are cited there). A writer opens the FIFOs after 8 s, so that a collector that
  // waited gets an empty read instead of hanging this test; the collector's own watchdog is set to 2 s.
  it('a named file and a program swapped for a FIFO after the look: not waited on, left out and named', async () => {
    const { root, write } = emptyMac();
    const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
    write(
      '/Users/alice/Library/LaunchAgents/com.x.rig.plist',
      build({
        Label: 'com.x.rig',
        ProgramArguments: ['/Users/Shared/rig', '-c', '/Users/Shared/.rig/config.json'],
      } as never),
    );
    write('/Users/Shared/.rig/config.json', '{"url":"stratum+tcp://pool.example:3333"}');
    write('/Users/Shared/rig', 'a program');
    const config = join(root, 'Users/Shared/.rig/config.json');
    const program = join(root, 'Users/Shared/rig');
    const swap = (path: string) => `rm -f '${path}'; mkfifo '${path}'`;
    const facts = macFactsShims();
    const shims = makeShims({
      launchctl: { stdout: 'PID\tStatus\tLabel\n' },
      ps: { stdout: ps('1:00.00', '0:01.00') },
      lsof: { stdout: '' },
      ...facts,
      mkdir: {
        script: `case "$*" in *'/fs/Users/Shared/.rig') [ -p '${config}' ] || { ${swap(config)}; } ;; esac
exec /bin/mkdir "$@"`,
      },
      stat: {
        script: `if [ "$2" = %z ] && [ "$3" = '${program}' ] && [ ! -p '${program}' ]; then
  /usr/bin/stat -c %s "$3"; ${swap(program)}; exit 0
fi
${facts.stat?.script ?? ''}`,
      },
    });
    const { bundle } = await collectBesideWriter(
      { root, shimsDir: shims.dir, out, readSeconds: 2, paths: [config, program] },
      `const fs = require('fs');
        setTimeout(() => setInterval(() => {
          for (const path of process.argv.slice(1)) {
            try {
              if (!fs.lstatSync(path).isFIFO()) continue;
              fs.closeSync(fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
            } catch {}
          }
        }, 100), 8000);`,
    );
    expect(readFileSync(join(bundle, 'not-copied.txt'), 'utf8').split('\n').sort()).toEqual([
      '',
      'no-answer\t/Users/Shared/.rig/config.json',
      'no-answer\t/Users/Shared/rig',
    ]);
    expect(existsSync(join(bundle, 'fs/Users/Shared/.rig/config.json'))).toBe(false);
    expect(existsSync(join(bundle, 'hashes.txt'))).toBe(false);
    const item = (await replay(bundle, DEFAULT_SCAN_OPTIONS)).items.find((i) => i.item.label === 'com.x.rig');
    expect(item?.item.problems.join('\n')).toContain(
      'not read: /Users/Shared/.rig/config.json: it did not answer a read within the collector',
    );
  }, 150_000);

  // Many names swapped so would cost 20 s each: once three reads have not answered, each later one gets 1 s. Five
  // configs become FIFOs right after the look (the mkdir hook, as above); the first three never get a writer, the last
  // two get one 3 s after they appear (a writer that opens them with O_NONBLOCK, as fifo(7) lets it once a reader is
  // there). With 6 s for every read, as before, those two were read, late; now each is ended after 1 s and named.
  it('after three reads that did not answer, each later read gets a second: many FIFOs cost minutes, not hours', async () => {
    const { root, write } = emptyMac();
    const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
    const folders = ['n1', 'n2', 'n3', 'l4', 'l5'];
    write(
      '/Users/alice/Library/LaunchAgents/com.x.rig.plist',
      build({
        Label: 'com.x.rig',
        ProgramArguments: ['/Users/Shared/rig', ...folders.flatMap((f) => ['-c', `/Users/Shared/${f}/c.json`])],
      } as never),
    );
    write('/Users/Shared/rig', 'a program');
    for (const f of folders) write(`/Users/Shared/${f}/c.json`, '{"url":"stratum+tcp://pool.example:3333"}');
    const config = (f: string): string => join(root, `Users/Shared/${f}/c.json`);
    const shims = makeShims({
      launchctl: { stdout: 'PID\tStatus\tLabel\n' },
      ps: { stdout: ps('1:00.00', '0:01.00') },
      lsof: { stdout: '' },
      ...macFactsShims(),
      mkdir: {
        script: `for last; do :; done
case "$last" in *'/fs/Users/Shared/'??) f="${root}/Users/Shared/\${last##*/}/c.json"
  [ -p "$f" ] || { rm -f "$f"; mkfifo "$f"; } ;; esac
exec /bin/mkdir "$@"`,
      },
    });
    const { bundle, archive } = await collectBesideWriter(
      { root, shimsDir: shims.dir, out, readSeconds: 6, paths: [config('l4'), config('l5')] },
      `const fs = require('fs');
        const seen = new Map();
        setInterval(() => {
          for (const path of process.argv.slice(1)) {
            try {
              if (!fs.lstatSync(path).isFIFO()) continue;
              if (!seen.has(path)) seen.set(path, Date.now());
              if (Date.now() - seen.get(path) < 3000) continue;
              const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
              fs.writeSync(fd, 'late');
              fs.closeSync(fd);
              fs.unlinkSync(path);
            } catch {}
          }
        }, 50);`,
    );
    expect(readFileSync(join(bundle, 'not-copied.txt'), 'utf8').split('\n').sort()).toEqual([
      '',
      ...folders.map((f) => `no-answer\t/Users/Shared/${f}/c.json`).sort(),
    ]);
    expect(readdirSync(out)).toEqual([basename(archive)]);
  }, 150_000);

  it('--redact: no host name, user name, home folder or serial number in the archive, and it still replays', async () => {
    const root = fakeMac();
    const out = mkdtempSync(join(tmpdir(), 'lw-out-'));
    const shims = makeShims({
      launchctl: { stdout: 'PID\tStatus\tLabel\n820\t0\tcom.apple.rig2\n' },
      ps: {
        stdout: [ps('10:00.00', '0:10.00'), ps('10:02.50', '0:10.01')].map(
          (t) => `${t}  840     1   501       01:00   0:00.10 /Users/alice/bin/sync --host alices-mbp.example.com\n`,
        ),
      },
      lsof: { stdout: '' },
      hostname: { stdout: 'alices-mbp.example.com\n' },
      ...macFactsShims(),
    });
    const env = asAlice(shims.dir, root);
    const { stdout, stderr } = await run(
      'sh',
      [join(repo, 'assets/collect.sh'), '--duration', '1', '--interval', '1', '--output', out, '--redact'],
      { env },
    );
    const archive = stdout.trim();
    expect(archive).toMatch(/launchwatch-capture-redacted-\d{8}T\d{6}Z\.tar\.gz$/);
    // One binary plist (redis) is kept byte for byte, and the collector says it may still name the user.
    expect(stderr).toContain('--redact: 1 binary property lists are kept as they are');
    const bundle = await unpacked(archive);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      redacted: true,
      host: { hostname: 'redacted-host' },
      user: { name: 'user', uid: 501, home: '/Users/user' },
    });
    expect(manifest.host.machine.serial).toBe('');
    expect(manifest.host.machine.loggedInUser).toBe('');
    const everyText = (dir: string): string =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(join(e.parentPath, e.name)))
        .filter((bytes) => bytes.subarray(0, 8).toString() !== 'bplist00')
        .map((bytes) => bytes.toString('utf8'))
        .join('\n');
    const text = everyText(bundle);
    for (const secret of ['/Users/alice', 'alices-mbp', 'C02ZK0XXMD6M']) expect(text).not.toContain(secret);
    expect(text).toContain('/Users/user/bin/sync --host redacted-host\n');
    // The user's files moved with the names that point at them: the miner is still found.
    expect(existsSync(join(bundle, 'fs/Users/user/Library/LaunchAgents/com.apple.rig2.plist'))).toBe(true);
    const result = await replay(archive, { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 1 });
    expect(result.items.find((i) => i.item.label === 'com.apple.rig2')?.verdict).toBe('mining');
    expect(result.notes).toContain('this capture was redacted by the collector (--redact): names are placeholders');
  }, 150_000);

  it('refuses bad flags with a message naming them', async () => {
    await expect(run('sh', [join(repo, 'assets/collect.sh'), '--interval', 'often'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--interval must be a whole number of seconds, got 'often'"),
    });
    await expect(run('sh', [join(repo, 'assets/collect.sh'), '--frobnicate'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown argument: --frobnicate'),
    });
  });
});
