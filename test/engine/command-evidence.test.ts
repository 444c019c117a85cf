import { describe, expect, it } from 'vitest';
import { analyseCommand, analyseFileText, minerProgramName } from '../../main/engine/command-evidence';
import { defaultIndicators, poolForHost } from '../../main/engine/indicators';
import { commandLines, filesNamedBy } from '../../main/engine/referenced-files';
import { splitShellCommands } from '../../main/engine/shell-words';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ind = defaultIndicators();

describe('what command lines and files say about mining', () => {
  it('finds Stratum URLs, pool endpoints with a login, algorithms and wallets', () => {
    const wallet = `4${'A'.repeat(94)}`;
    const f = analyseCommand(
      ['/Users/Shared/xmrig2', '-a', 'yescrypt', '-o', 'stratum+tcp://koto-pool.work:3032', '-u', wallet],
      'arguments',
      ind,
    );
    expect(f.stratumUrls).toEqual([{ host: 'koto-pool.work', port: 3032, via: 'stratum URL', where: 'arguments' }]);
    expect(f.endpoints).toEqual([
      { host: 'koto-pool.work', port: 3032, via: '-o', where: 'arguments', withLogin: true },
    ]);
    expect([...f.algorithms]).toEqual(['yescrypt']);
    expect([...f.wallets]).toEqual([wallet]);
    expect([...f.minerPrograms]).toEqual(['xmrig']);
  });

  it('reads the commands inside sh -c and bash loops', () => {
    const f = analyseCommand(
      [
        '/bin/bash',
        '-c',
        'while true; do ~/.config/.coreservice -o gulf.moneroocean.stream:10128 --tls; sleep 5; done',
      ],
      'arguments',
      ind,
    );
    expect(f.knownPools.map((k) => k.host)).toEqual(['gulf.moneroocean.stream']);
    expect(f.endpoints[0]).toMatchObject({ host: 'gulf.moneroocean.stream', port: 10128, withLogin: false });
  });

  it('does not take an ordinary server URL for a pool, even with a user', () => {
    expect(
      analyseCommand(['/opt/homebrew/bin/cloudflared', 'tunnel', '--url', 'http://localhost:8080'], 'a', ind).endpoints,
    ).toEqual([]);
    expect(
      analyseCommand(['/opt/agent', '--url', 'https://sync.example.com:8443', '--user', 'alice'], 'a', ind).endpoints,
    ).toEqual([]);
    // With a login and no web scheme, in a miner's command line or one with nothing else to be, it is one.
    expect(analyseCommand(['/x/k', '-o', '203.0.113.50:4444', '-u', 'w'], 'a', ind).endpoints[0]).toMatchObject({
      host: '203.0.113.50',
      withLogin: true,
    });
    expect(analyseCommand(['/x/k', '-o', 'https://pool.supportxmr.com:443'], 'a', ind).endpoints[0]).toMatchObject({
      host: 'pool.supportxmr.com',
      withLogin: false,
    });
  });

  it('reads JSON keys as miner options only in a miner config, and never the generic ones', () => {
    expect(
      analyseFileText('/gpu.json', '{"cuda":true,"opencl":false,"currency":"EUR","coin":"BTC"}', ind).minerOptions.size,
    ).toBe(0);
    expect(
      analyseCommand(['/opt/render', '--cuda', '--opencl', '--cpu-priority', '2'], 'a', ind).minerOptions.size,
    ).toBe(0);
    expect([
      ...analyseFileText('/x.json', '{"pools":[{"url":"p.example:3333"}],"donate-level":1,"cuda":true}', ind)
        .minerOptions,
    ]).toEqual(['--donate-level']);
  });

  it('does not take -o file or a port-less -o for a pool', () => {
    const f = analyseCommand(['/usr/bin/clang', '-o', 'out.bin', '-u', 'x', 'main.c'], 'arguments', ind);
    expect(f.endpoints).toEqual([]);
  });

  it('reads XMRig configs, including the old one with // comments', () => {
    const modern = readFileSync(join(__dirname, '../fixtures/macos/plists/xmrig-config-modern.json'), 'utf8');
    const f = analyseFileText('/c.json', modern, ind);
    expect(f.knownPools.map((k) => k.host)).toContain('gulf.moneroocean.stream');
    expect(f.minerOptions.has('--donate-level')).toBe(true);
    const legacy = readFileSync(join(__dirname, '../fixtures/macos/plists/xmrig-config-legacy-comments.json'), 'utf8');
    const g = analyseFileText('/old.json', legacy, ind);
    expect(g.stratumUrls.length + g.endpoints.length + g.knownPools.length).toBeGreaterThan(0);
  });

  it('spots scripts that look for monitoring tools', () => {
    const f = analyseFileText('/s.sh', 'if pgrep "Activity Monitor"; then launchctl unload -w x; fi\n', ind);
    expect(f.watchesMonitors).toContain('Activity Monitor');
  });

  it('spots a headless VM only with VM flags', () => {
    expect(
      analyseCommand(['/usr/local/bin/w', '-m', '3G', '-smp', 'cpus=2', 'img', '-display', 'none'], 'a', ind)
        .headlessVm,
    ).toBeDefined();
    expect(analyseCommand(['/usr/bin/tool', '-display', 'none'], 'a', ind).headlessVm).toBeUndefined();
  });

  it('matches pool hosts on any parent domain and renamed miner builds on their stem', () => {
    expect(poolForHost(ind, 'xmr-eu1.nanopool.org')).toBeDefined();
    expect(poolForHost(ind, 'nanopool.org.evil.example')).toBeUndefined();
    expect(poolForHost(ind, 'github.com')).toBeUndefined();
    expect(minerProgramName('/Users/Shared/xmrig2', ind)).toBe('xmrig');
    expect(minerProgramName('/opt/xmrig-6.21.0', ind)).toBe('xmrig');
    expect(minerProgramName('/usr/bin/xmrigger', ind)).toBeUndefined();
  });
});

describe('files that arguments name', () => {
  it('finds configs after -c, --config and --config=, and interpreter scripts, with ~ expanded', () => {
    const home = '/Users/alice';
    expect(filesNamedBy(['/x/xmrig', '-c', '~/.x/config.json'], home)).toEqual(['/Users/alice/.x/config.json']);
    expect(filesNamedBy(['/x/xmrig', '--config=/etc/x.json'], home)).toEqual(['/etc/x.json']);
    expect(filesNamedBy(['/bin/bash', '/Users/alice/.run.sh', 'arg'], home)).toEqual(['/Users/alice/.run.sh']);
    expect(filesNamedBy(['/usr/bin/osascript', '-e', 'display dialog "hi"'], home)).toEqual([]);
    expect(filesNamedBy(['sh', '-c', 'python3 ~/Library/.u/u.py --config ~/.c.json'], home).sort()).toEqual([
      '/Users/alice/.c.json',
      '/Users/alice/Library/.u/u.py',
    ]);
    expect(filesNamedBy(['/usr/bin/env', 'FOO=1', 'python3', '/opt/s.py'], home)).toEqual(['/opt/s.py']);
  });

  it('a relative name is looked for where the job may be: its WorkingDirectory, or /, and each folder it cd-s to', () => {
    const home = '/Users/alice';
    // launchd.plist(5): WorkingDirectory is chdir(2)'d to before the job runs; without it, launchd's own, /.
    expect(filesNamedBy(['/x/kworker', '-c', 'config.json'], home, '/Library/Application Support/.x')).toEqual([
      '/Library/Application Support/.x/config.json',
    ]);
    expect(filesNamedBy(['/x/kworker', '--config=./c/../pool.json'], home)).toEqual(['/pool.json']);
    expect(
      filesNamedBy(['/bin/sh', '-c', 'cd ~/.w && ./kworker -c config.json; cd -P ../v; python3 run.py'], home).sort(),
    ).toEqual(
      // A relative cd goes on from each place the job may be by then: / and ~/.w.
      ['', '/Users/alice/.w', '/Users/alice/v', '/v'].flatMap((dir) => [`${dir}/config.json`, `${dir}/run.py`]).sort(),
    );
    // The whole command after the -c that env's argv holds has spaces: no file; `y`, the config x is given, is one.
    expect(filesNamedBy(['/usr/bin/env', '/bin/sh', '-c', 'x -c y'], home)).toEqual(['/y']);
    expect(filesNamedBy(['/x/kworker', '-c', '-v'], home)).toEqual([]);
  });

  it('relative names and cd-s are bounded, whatever a plist holds', () => {
    const names = Array.from({ length: 5_000 }, (_, i) => ['-c', `c${i}.json`]).flat();
    const cds = Array.from({ length: 100 }, (_, i) => `cd /d${i}`).join('; ');
    const paths = filesNamedBy(['/bin/sh', '-c', `${cds}; /x/k ${names.join(' ')}`], '/Users/alice');
    // 8 places (/ and the first 7 cd-s) for each of the first 256 names.
    expect(paths).toHaveLength(8 * 256);
    expect(paths).toContain('/d6/c255.json');
    expect(paths.some((p) => p.startsWith('/d7/') || p.endsWith('/c256.json'))).toBe(false);
  });

  it('unwraps env run by env, 50,000 deep, and sh -c inside it, as one command: the miner and its config are found', () => {
    const argv = [...Array<string>(50_000).fill('/usr/bin/env'), 'A=1', '/bin/sh', '-c', 'xmrig -c ~/.c.json'];
    expect(filesNamedBy(argv, '/Users/alice')).toEqual(['/Users/alice/.c.json']);
    expect([...analyseCommand(argv, 'arguments', ind).minerPrograms]).toEqual(['xmrig']);
    expect(commandLines(['env', 'env', '-i', 'B=2', 'xmrig', '-o', 'x'])).toEqual([
      ['env', 'env', '-i', 'B=2', 'xmrig', '-o', 'x'],
      ['xmrig', '-o', 'x'],
    ]);
  });

  it('reads a configuration nested 100,000 deep (600 KB): the pool beside the nesting is found', () => {
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = `{"pools":[{"url":"stratum+tcp://pool.supportxmr.com:3333","user":"w"}],"x":${nested},"algo":"rx/0"}`;
    const f = analyseFileText('/Users/alice/.c.json', text, ind);
    expect(f.endpoints.map((e) => e.host)).toEqual(['pool.supportxmr.com']);
    expect([...f.algorithms]).toEqual(['rx/0']);
  });

  it('splits shell commands with quotes, escapes and operators', () => {
    expect(splitShellCommands(`a "b c" 'd e' f\\ g; h && i | j # comment\nk`)).toEqual([
      ['a', 'b c', 'd e', 'f g'],
      ['h'],
      ['i'],
      ['j'],
      ['k'],
    ]);
  });
});
