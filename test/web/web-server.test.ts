// The web bridge's defences, without a browser: token, Host, Origin, content type, path traversal, size.
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotUpdate } from '../../main/api/contract';
import { AppService } from '../../main/app-service';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { startWebServer, type WebServer } from '../../main/web/web-server';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

function raw(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe('the web bridge', () => {
  let server: WebServer;
  let host: string;
  beforeAll(async () => {
    const renderer = mkdtempSync(join(tmpdir(), 'lw-renderer-'));
    mkdirSync(join(renderer, 'assets'));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(renderer, 'assets', 'a.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'lw-secret.txt'), 'secret');
    const service = await AppService.fromCapture(writeCapture(scenarios[0]!.spec), DEFAULT_SCAN_OPTIONS);
    server = await startWebServer(service, { rendererDir: renderer });
    host = `127.0.0.1:${server.port}`;
  });
  afterAll(() => server?.close());
  const auth = () => ({ host, 'x-launchwatch-token': server.token, 'content-type': 'application/json' });

  it('serves the API to the token in its header, and the page to the token in its URL', async () => {
    expect((await raw(server.port, '/api/snapshot', { headers: auth() })).status).toBe(200);
    expect((await raw(server.port, `/?token=${server.token}`, { headers: { host } })).status).toBe(200);
    expect((await raw(server.port, '/', { headers: { host } })).status).toBe(403);
  });

  it('refuses the API to the cookie alone, which another local page could make the browser send', async () => {
    const cookie = `lw_token=${server.token}`;
    expect((await raw(server.port, '/assets/a.js', { headers: { host, cookie } })).status).toBe(200);
    expect(
      (
        await raw(server.port, '/api/undo', {
          method: 'POST',
          headers: { host, cookie, 'content-type': 'application/json' },
          body: '"last"',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(server.port, `/api/undo?token=${server.token}`, {
          method: 'POST',
          headers: { host, 'content-type': 'application/json' },
          body: '"last"',
        })
      ).status,
    ).toBe(403);
  });

  it('refuses other Hosts (DNS rebinding), other Origins, and bodies that are not JSON', async () => {
    expect(
      (await raw(server.port, '/api/snapshot', { headers: { ...auth(), host: `evil.example:${server.port}` } })).status,
    ).toBe(421);
    expect(
      (await raw(server.port, '/api/snapshot', { headers: { ...auth(), origin: 'http://127.0.0.1:3000' } })).status,
    ).toBe(403);
    expect(
      (
        await raw(server.port, '/api/paused', {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'text/plain' },
          body: 'true',
        })
      ).status,
    ).toBe(415);
  });

  it('validates every body, and never serves files outside the renderer', async () => {
    const bad = await raw(server.port, '/api/options', {
      method: 'POST',
      headers: auth(),
      body: '{"windowSeconds":"x","cpuThresholdPercent":25}',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('windowSeconds');
    expect((await raw(server.port, '/api/undo', { method: 'POST', headers: auth(), body: '"../../etc"' })).status).toBe(
      400,
    );
    for (const path of ['/../lw-secret.txt', '/%2e%2e/lw-secret.txt', '/assets/..%2f..%2flw-secret.txt']) {
      const response = await raw(server.port, `${path}?token=${server.token}`, { headers: { host } });
      expect(response.body, path).not.toContain('secret');
    }
    const large = await raw(server.port, '/api/options', {
      method: 'POST',
      headers: auth(),
      body: `{"x":"${'a'.repeat(70_000)}"}`,
    });
    expect(large.status).toBe(409);
    expect(large.body).toContain('too large');
  });

  it('answers actions on a capture with a message, not a crash', async () => {
    const response = await raw(server.port, '/api/plan-disable', {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify('/Users/alice/Library/LaunchAgents/MacOS.plist'),
    });
    expect(response.status).toBe(409);
    expect(response.body).toContain('A capture is another Mac');
  });
});

describe('what the web bridge builds and sends', () => {
  it('builds no snapshot while no page listens, and pushes the watched item with each one', async () => {
    const renderer = mkdtempSync(join(tmpdir(), 'lw-renderer-'));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    const service = await AppService.fromCapture(writeCapture(scenarios[0]!.spec), DEFAULT_SCAN_OPTIONS);
    let built = 0;
    const snapshot = service.snapshot.bind(service);
    service.snapshot = () => {
      built++;
      return snapshot();
    };
    const server = await startWebServer(service, { rendererDir: renderer });
    const host = `127.0.0.1:${server.port}`;
    const auth = { host, 'x-launchwatch-token': server.token, 'content-type': 'application/json' };
    try {
      // setPaused publishes: with no page listening, it builds only the answer to the request itself.
      built = 0;
      await raw(server.port, '/api/paused', { method: 'POST', headers: auth, body: 'true' });
      expect(built).toBe(1);

      const id = service.snapshot().items[0]!.id;
      expect((await raw(server.port, '/api/watch-item', { method: 'POST', headers: auth, body: '42' })).status).toBe(
        400,
      );
      await raw(server.port, '/api/watch-item', { method: 'POST', headers: auth, body: JSON.stringify(id) });
      expect(service.snapshot().detail?.id).toBe(id);
      await raw(server.port, '/api/watch-item', { method: 'POST', headers: auth, body: 'null' });
      expect(service.snapshot().detail).toBeUndefined();

      // A page listening (server-sent events): each publish builds one snapshot and sends it.
      const events: string[] = [];
      const stream = request(
        { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { host } },
        (res) => res.on('data', (c: Buffer) => events.push(c.toString())),
      );
      stream.end();
      await new Promise((r) => setTimeout(r, 200));
      const received = events.length;
      built = 0;
      await raw(server.port, '/api/paused', { method: 'POST', headers: auth, body: 'false' });
      await new Promise((r) => setTimeout(r, 100));
      expect(built).toBe(2);
      expect(events.length).toBeGreaterThan(received);
      // The stream carries updates: the whole snapshot first, then what changed (pausing changes no item).
      const updates = (): SnapshotUpdate[] =>
        events
          .join('')
          .split('\n\n')
          .filter((e) => e.startsWith('event: snapshot\ndata: '))
          .map((e) => JSON.parse(e.slice('event: snapshot\ndata: '.length)) as SnapshotUpdate);
      const [whole, ...rest] = updates();
      expect(whole && 'snapshot' in whole && whole.snapshot.items.length).toBe(service.snapshot().items.length);
      expect(rest.at(-1)).toMatchObject({ base: (whole?.seq ?? 0) + rest.length - 1, changed: [] });
      expect(rest.at(-1)).toMatchObject({ rest: { paused: false } });
      // A page that lost track asks, and the next update is whole again; the request takes JSON null only.
      expect(
        (await raw(server.port, '/api/resend-snapshot', { method: 'POST', headers: auth, body: '{}' })).status,
      ).toBe(400);
      expect(
        (await raw(server.port, '/api/resend-snapshot', { method: 'POST', headers: auth, body: 'null' })).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect('snapshot' in updates().at(-1)!).toBe(true);
      // The rows on screen: item ids (or null), nothing else.
      for (const body of ['"x"', '[42]', JSON.stringify(Array.from({ length: 1001 }, () => id))])
        expect((await raw(server.port, '/api/watch-rows', { method: 'POST', headers: auth, body })).status).toBe(400);
      expect(
        (await raw(server.port, '/api/watch-rows', { method: 'POST', headers: auth, body: JSON.stringify([id]) }))
          .status,
      ).toBe(200);
      stream.destroy();
      await new Promise((r) => setTimeout(r, 100));
      built = 0;
      await raw(server.port, '/api/paused', { method: 'POST', headers: auth, body: 'true' });
      expect(built).toBe(1);
    } finally {
      await server.close();
    }
  });
});
