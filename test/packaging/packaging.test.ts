// electron-builder.yml against electron-builder's own schema, and a real packaging run (Linux `dir`
// target with a stub Electron, since no Electron binary can be downloaded here) whose app archive
// must hold the built app and nothing else.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges. */
const ELECTRON_DEFAULT_FUSES = '10110001';
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  mac: Record<string, unknown>;
};

describe('electron-builder.yml', () => {
  it('is valid against node_modules/app-builder-lib/scheme.json', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // And a broken config is caught, so the check above means something.
    expect(validate({ ...config, mac: { ...config.mac, hardenedRuntime: 'yes' } })).toBe(false);
  });

  it('builds dmg and zip for arm64 and x64 with the hardened runtime, entitlements and no Dock icon', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      category: 'public.app-category.utilities',
      extendInfo: { LSUIElement: true },
    });
    expect(existsSync(join(root, config.mac.entitlements as string))).toBe(true);
  });
});

describe('packaging smoke test', () => {
  it('packs the built main, preload, renderer and assets, and no tests, sources, fixtures or node_modules', async () => {
    for (const built of ['dist/main/app.js', 'dist/main/preload.cjs', 'dist/renderer/index.html']) {
      expect(existsSync(join(root, built)), `${built} (npm test builds it)`).toBe(true);
    }
    const stub = mkdtempSync(join(tmpdir(), 'lw-electron-stub-'));
    // A stub with a fuse wire laid out as in a real Electron binary (@electron/fuses: sentinel, version 1,
    // length, one '0'/'1' per fuse), set to Electron's own defaults, so the packager really flips them.
    writeFileSync(
      join(stub, 'electron'),
      Buffer.concat([
        Buffer.from(`#!/bin/sh\necho stub electron\nexit 0\n# ${FUSE_SENTINEL}`),
        Buffer.from([1, 8]),
        Buffer.from(ELECTRON_DEFAULT_FUSES),
      ]),
    );
    chmodSync(join(stub, 'electron'), 0o755);
    const out = mkdtempSync(join(tmpdir(), 'lw-release-'));
    mkdirSync(out, { recursive: true });
    await promisify(execFile)(
      join(root, 'node_modules/.bin/electron-builder'),
      ['--linux', 'dir', '--config', 'electron-builder.yml', `-c.electronDist=${stub}`, `-c.directories.output=${out}`],
      { cwd: root, env: { ...process.env, CI: 'true' } },
    );
    const files = listPackage(join(out, 'linux-unpacked/resources/app.asar'), { isPack: false }).map((f) =>
      f.replace(/\\/g, '/'),
    );
    // The collector ships outside the archive, as a file a helpdesk can save and send.
    expect(readFileSync(join(out, 'linux-unpacked/resources/collect.sh'))).toEqual(
      readFileSync(join(root, 'assets/collect.sh')),
    );
    expect(files).not.toContain('/assets/collect.sh');
    // The headless scanner for MDM scripts, executable, beside the app's resources.
    expect(statSync(join(out, 'linux-unpacked/resources/launchwatch')).mode & 0o111).toBe(0o111);
    // The helper is run by /bin/sh, which cannot read inside app.asar: it is unpacked beside it.
    expect(existsSync(join(out, 'linux-unpacked/resources/app.asar.unpacked/assets/launchwatch-helper.sh'))).toBe(true);
    expect(files).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist/main/app.js',
        '/dist/main/preload.cjs',
        '/dist/renderer/index.html',
        '/assets/tray/trayTemplate.png',
        '/assets/tray/trayTemplate@2x.png',
      ]),
    );
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
    const unwanted = files.filter((f) => /^\/(test|main|renderer|node_modules)\b|\.ts$|\.tsx$|fixtures|\.map$/.test(f));
    expect(unwanted).toEqual([]);

    // The fuses electron-builder.yml asks for are set in the packaged binary.
    const packed = readFileSync(join(out, 'linux-unpacked/launchwatch'));
    const at = packed.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const wire = packed.subarray(at + 2, at + 2 + 8).toString('latin1');
    const fuse = (index: number): string => wire[index] as string;
    expect({
      runAsNode: fuse(0),
      cookieEncryption: fuse(1),
      nodeOptions: fuse(2),
      inspect: fuse(3),
      asarIntegrity: fuse(4),
      onlyAsar: fuse(5),
    }).toEqual({
      runAsNode: '0',
      cookieEncryption: '1',
      nodeOptions: '0',
      inspect: '0',
      asarIntegrity: '1',
      onlyAsar: '1',
    });
  }, 120_000);
});

describe('npm run dist', () => {
  it('signs ad hoc without credentials, with the Developer ID and notarization when they are given', async () => {
    const { distArgs } = (await import('../../assets/build/dist.mjs')) as {
      distArgs: (env: Record<string, string>, extra?: string[]) => string[];
    };
    expect(distArgs({}, ['--dir'])).toEqual([
      '--mac',
      '--dir',
      '-c.mac.identity=-',
      '-c.mac.hardenedRuntime=false',
      '-c.mac.notarize=false',
    ]);
    expect(distArgs({ CSC_LINK: 'cert.p12' })).toEqual(['--mac', '-c.mac.notarize=false']);
    expect(
      distArgs({ CSC_LINK: 'cert.p12', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'ID', APPLE_API_ISSUER: 'iss' }),
    ).toEqual(['--mac', '-c.mac.notarize=true']);
  });
});

describe('the macOS CI workflow', () => {
  it('is a valid GitHub Actions workflow, by GitHub own parser and schema', async () => {
    const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
    const check = (content: string) => {
      const parsed = parseWorkflow({ name: 'macos.yml', content }, new NoOperationTraceWriter());
      return parsed.context.errors.getErrors().map((e) => e.message);
    };
    const content = readFileSync(join(root, '.github/workflows/macos.yml'), 'utf8');
    expect(check(content)).toEqual([]);
    expect(content).toMatch(/macos-14, macos-15/);
    expect(content).toContain('--smoke-test');
    expect(content).toContain('codesign --verify');
    // A broken workflow is caught, so the check above means something.
    expect(check(content.replace('runs-on:', 'runs_on:')).length).toBeGreaterThan(0);
  });
});

describe('the app icon', () => {
  it('is an .icns of PNG entries up to 1024 pixels, drawn by assets/build/icon.mjs exactly as committed', async () => {
    const { icns, icon, ICNS_ENTRIES } = (await import('../../assets/build/icon.mjs')) as {
      icns: (render: (size: number) => Buffer) => Buffer;
      icon: (x: number, y: number) => number[];
      ICNS_ENTRIES: [string, number][];
    };
    const { png } = (await import('../../assets/png.mjs')) as { png: (size: number, pixel: typeof icon) => Buffer };
    const committed = readFileSync(join(root, 'assets/build/icon.icns'));
    expect(committed.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(committed.readUInt32BE(4)).toBe(committed.length);
    const entries = new Map<string, Buffer>();
    for (let at = 8; at < committed.length;) {
      const length = committed.readUInt32BE(at + 4);
      entries.set(committed.subarray(at, at + 4).toString('latin1'), committed.subarray(at + 8, at + length));
      at += length;
    }
    expect([...entries.keys()]).toEqual(ICNS_ENTRIES.map(([type]) => type));
    const largest = entries.get('ic10') as Buffer;
    expect(largest.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([largest.readUInt32BE(16), largest.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(icns((size) => png(size, icon)).equals(committed)).toBe(true);
    expect(readFileSync(join(root, 'assets/build/icon.png')).equals(png(1024, icon))).toBe(true);
    expect(config.mac.icon).toBe('assets/build/icon.icns');
  });
});
