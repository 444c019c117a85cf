// electron-builder.yml against electron-builder's own schema, and a real packaging run (Linux `dir`
// target with a stub Electron, since no Electron binary can be downloaded here) whose app archive
// must hold the built app and nothing else.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
        '/assets/collect.sh',
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
