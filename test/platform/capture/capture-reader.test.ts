import { mkdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../../main/platform/capture/capture-reader';
import { writeCapture, writeCaptureArchive, type CaptureSpec } from '../../support/capture-builder';

const spec: CaptureSpec = {
  samples: 3,
  items: [
    {
      path: '/Users/alice/Library/LaunchAgents/com.example.a.plist',
      listedPid: 700,
      plist: { Label: 'com.example.a', ProgramArguments: ['/opt/a', '-c', '/Users/alice/.a/config.json'] },
    },
  ],
  processes: [{ pid: 700, ppid: 1, args: '/opt/a -c /Users/alice/.a/config.json', cpu: 50 }],
  connections: [{ pid: 700, local: '10.0.0.5:50123', remote: '51.68.1.2:3333' }],
  files: { '/Users/alice/.a/config.json': '{"pools":[{"url":"pool.example:3333"}]}' },
  dns: [['51.68.1.2', 'pool.example']],
};

describe('capture bundles', () => {
  it('reads a folder: manifest, items, referenced files, dns and samples in time order', async () => {
    const capture = await readCapture(writeCapture(spec));
    expect(capture.manifest.host.hostname).toBe('alices-mbp');
    expect(capture.inventory.items.map((i) => i.label)).toEqual(['com.example.a']);
    expect(capture.inventory.files.get('/Users/alice/.a/config.json')).toContain('pool.example');
    expect(capture.inventory.dns.get('51.68.1.2')).toBe('pool.example');
    expect(capture.samples.map((s) => s.takenAt)).toEqual(
      [0, 10_000, 20_000].map((d) => Date.parse('2026-11-30T09:15:00Z') + d),
    );
    expect(capture.samples[0]?.connections?.[0]).toMatchObject({ pid: 700, remotePort: 3333 });
    expect(capture.notes).toEqual(
      expect.arrayContaining([
        'launchctl-print-disabled.txt not in the capture',
        'codesign.txt not in the capture',
        'connections of root processes not visible (capture was not privileged)',
      ]),
    );
  });

  it('reads the same capture from a .tar.gz of its folder', async () => {
    const capture = await readCapture(await writeCaptureArchive(spec));
    expect(capture.inventory.items.map((i) => i.label)).toEqual(['com.example.a']);
    expect(capture.samples).toHaveLength(3);
  });

  it('refuses an unknown format or version, naming the file and the field', async () => {
    const dir = writeCapture(spec);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'launchwatch-capture', version: 7 }));
    await expect(readCapture(dir)).rejects.toThrow(/manifest\.json: field "version" 7/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'other', version: 1 }));
    await expect(readCapture(dir)).rejects.toThrow(/manifest\.json: field "format"/);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        format: 'launchwatch-capture',
        version: 1,
        host: { hostname: 'h' },
        privileged: 'yes',
        samples: [],
      }),
    );
    await expect(readCapture(dir)).rejects.toThrow(/manifest\.json: field "privileged"/);
    writeFileSync(join(dir, 'manifest.json'), '{not json');
    await expect(readCapture(dir)).rejects.toThrow(/manifest\.json is not JSON/);
  });

  it('is a clear error without manifest.json, launchctl-list.txt or samples/', async () => {
    for (const missing of ['manifest.json', 'launchctl-list.txt', 'samples']) {
      const dir = writeCapture(spec);
      rmSync(join(dir, missing), { recursive: true });
      await expect(readCapture(dir)).rejects.toThrow(new RegExp(`${missing.replace('.', '\\.')}.* is missing`));
    }
  });

  it('skips a sample without ps.txt with a note, and never follows links out of the capture', async () => {
    const dir = writeCapture(spec);
    rmSync(join(dir, 'samples/0001/ps.txt'));
    mkdirSync(join(dir, 'fs/Library/LaunchAgents'), { recursive: true });
    symlinkSync('/etc/passwd', join(dir, 'fs/Library/LaunchAgents/evil.plist'));
    writeFileSync(
      join(dir, 'fs/Library/LaunchAgents/._com.apple.updater.plist'),
      Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]),
    );
    const capture = await readCapture(dir);
    expect(capture.samples).toHaveLength(2);
    expect(capture.notes).toContain('samples/0001/ps.txt missing: sample 1 skipped');
    // A link that leads out of the capture is never followed, but the file is named, not hidden.
    const evil = capture.inventory.items.find((i) => i.plistPath.includes('evil'));
    expect(evil?.unreadable).toMatch(/symbolic link to "\/etc\/passwd", which is not a file in the capture/);
    expect(evil?.content).toBeUndefined();
    expect(capture.inventory.items.some((i) => i.plistPath.includes('._'))).toBe(false);
  });

  it('a file an item names that the collector left out, or that is too large, is named on each item naming it', async () => {
    const named = (path: string, label: string) => ({
      path: `/Library/LaunchDaemons/${label}.plist`,
      plist: { Label: label, ProgramArguments: ['/bin/sh', '-c', `/opt/x/kworker -c ${path}`] },
    });
    const capture = await readCapture(
      writeCapture({
        ...spec,
        privileged: true,
        items: [
          named('~/.x/config.json', 'com.x.one'),
          named('/var/root//.x/config.json', 'com.x.two'),
          named('/Users/Shared/big.json', 'com.x.big'),
          named('/Users/Shared/huge.json', 'com.x.huge'),
          named('/Users/Shared/gone.json', 'com.x.gone'),
          named('/Users/Shared/fifo.json', 'com.x.fifo'),
        ],
        files: { '/Users/Shared/huge.json': `{"pad":"${'x'.repeat(1024 * 1024)}"}` },
        notCopied: [
          'unreadable\t/var/root/.x/config.json',
          'too-large\t/Users/Shared/big.json',
          'no-answer\t/Users/Shared/fifo.json',
          'unreadable\trelative/path',
          'lost\t/Users/Shared/gone.json',
          '',
        ].join('\n'),
      }),
    );
    const problems = (label: string) => capture.inventory.items.find((i) => i.label === label)?.problems;
    const unreadable =
      'not read: /var/root/.x/config.json: the collector did not copy it: the capturing user may not read it, or sudo could not say (as root on the Mac, it can be read)';
    // A daemon's ~ is root's home; the same file spelled with // is the same file.
    expect(problems('com.x.one')).toContain(unreadable);
    expect(problems('com.x.two')).toContain(unreadable.replace('/var/root/', '/var/root//'));
    expect(problems('com.x.big')).toContain(
      'not read: /Users/Shared/big.json: larger than 1 MiB, so the collector did not copy it',
    );
    expect(problems('com.x.huge')).toContain('not read: /Users/Shared/huge.json: larger than 1 MiB');
    expect(problems('com.x.fifo')).toContain(
      "not read: /Users/Shared/fifo.json: it did not answer a read within the collector's time (a FIFO put under its name after the collector looked waits for a writer), so the collector left it out",
    );
    // A file the collector did not say it left out is simply not there: no problem to name.
    expect(problems('com.x.gone')).toEqual([]);
    expect(capture.notes).toEqual(
      expect.arrayContaining([
        'not-copied.txt: not "<why>\\t<path>": "unreadable\\trelative/path"',
        'not-copied.txt: not "<why>\\t<path>": "lost\\t/Users/Shared/gone.json"',
      ]),
    );
  });

  it('a plist or script the collector followed only up to a bound is named on each item it is of', async () => {
    const capture = await readCapture(
      writeCapture({
        ...spec,
        items: [
          {
            path: '/Users/alice/Library/LaunchAgents/com.x.script.plist',
            plist: { Label: 'com.x.script', ProgramArguments: ['/bin/sh', '/Users/alice/.x/run.sh'] },
          },
          {
            path: '/Users/alice/Library/LaunchAgents/com.x.inline.plist',
            plist: { Label: 'com.x.inline', ProgramArguments: ['/bin/sh', '-c', 'echo x'] },
          },
          {
            path: '/Users/alice/Library/LaunchAgents/com.x.other.plist',
            plist: { Label: 'com.x.other', ProgramArguments: ['/bin/sh', '/Users/alice/.y/run.sh'] },
          },
        ],
        files: { '/Users/alice/.x/run.sh': 'echo hi\n' },
        partlyFollowed: [
          'decryptions\t/Users/alice/.x/run.sh',
          'first-64-kib\t/Users/alice/.x//run.sh',
          'decryptions\t/Users/alice/.x/run.sh',
          'decoded-texts\t/Users/alice/Library/LaunchAgents/com.x.inline.plist',
          'tired\t/Users/alice/.y/run.sh',
          '',
        ].join('\n'),
      }),
    );
    const problems = (label: string) => capture.inventory.items.find((i) => i.label === label)?.problems;
    const past = '; a file it names past that may be missing from this capture';
    expect(problems('com.x.script')).toEqual([
      `partly followed: /Users/alice/.x/run.sh: the collector made the first 128 openssl decryption tries (of 64 base64 words) only${past}`,
      `partly followed: /Users/alice/.x/run.sh: the collector looked for the files its commands name in its first 64 KiB only${past}`,
    ]);
    expect(problems('com.x.inline')).toEqual([
      `partly followed: /Users/alice/Library/LaunchAgents/com.x.inline.plist: the collector read the first 256 texts its commands decode only${past}`,
    ]);
    expect(problems('com.x.other')).toEqual([]);
    expect(capture.notes).toContain('partly-followed.txt: not "<why>\\t<path>": "tired\\t/Users/alice/.y/run.sh"');
  });

  it('says when the path is neither a folder nor an archive', async () => {
    await expect(readCapture('/nonexistent/capture')).rejects.toThrow(/no such capture/);
  });
});

describe('hostile archives', () => {
  it('never reads entries that climb out, are absolute, or are links', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync: mk } = await import('node:fs');
    const { tmpdir: tmp } = await import('node:os');
    const folder = writeCapture(spec);
    const archive = join(mk(join(tmp(), 'lw-evil-')), 'evil.tar.gz');
    // Python's tarfile writes what a hostile tool would: ../ names, absolute names, links.
    execFileSync('python3', [
      '-c',
      `
import tarfile, io, os, sys
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, 'w:gz') as t:
    for root, dirs, files in os.walk(src):
        for f in files:
            p = os.path.join(root, f)
            t.add(p, arcname='cap/' + os.path.relpath(p, src))
    def add(name, data=b'x', kind=tarfile.REGTYPE, link=''):
        info = tarfile.TarInfo(name); info.type = kind; info.linkname = link; info.size = len(data) if kind == tarfile.REGTYPE else 0
        t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    add('../escape.plist', b'<plist/>')
    add('/etc/absolute.plist', b'<plist/>')
    add('cap/fs/Library/LaunchAgents/link.plist', kind=tarfile.SYMTYPE, link='/etc/passwd')
    add('cap/fs/Library/LaunchAgents/hard.plist', kind=tarfile.LNKTYPE, link='cap/manifest.json')
`,
      folder,
      archive,
    ]);
    const capture = await readCapture(archive);
    // Entries that climb out or are absolute are never read; links are named as unreadable items, never followed out.
    const items = capture.inventory.items.map((i) => [i.plistPath, i.unreadable ?? 'read']);
    expect(items).toEqual([
      ['/Library/LaunchAgents/hard.plist', 'not a regular file (tar entry type Link): not read'],
      [
        '/Library/LaunchAgents/link.plist',
        'a symbolic link to "/etc/passwd", which is not a file in the capture: not read',
      ],
      ['/Users/alice/Library/LaunchAgents/com.example.a.plist', 'read'],
    ]);
    expect(capture.samples).toHaveLength(3);
  });
});
