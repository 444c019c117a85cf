// Web mode: the built renderer and the real engine on 127.0.0.1, through a bridge (HTTP + server-sent
// events) that implements the same API contract as the Electron preload. Every request needs the
// random token; the Host header must be the loopback address (no DNS rebinding).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { REPORT_FORMATS, type ReportFormat } from '../api/contract';
import {
  actionIdSchema,
  approveItemSchema,
  importApprovalsSchema,
  itemIdSchema,
  watchItemSchema,
  watchRowsSchema,
  MAX_APPROVALS_TEXT,
  optionsSchema,
  pausedSchema,
  planIdSchema,
  resendSchema,
  reviewDaysSchema,
} from '../api/schemas';
import type { AppService } from '../app-service';
import { reportBytes } from '../cli/report-files';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
const MAX_BODY = 64 * 1024;

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebServer(
  service: AppService,
  options: { port?: number; rendererDir: string; token?: string },
): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const clients = new Set<ServerResponse>();
  // Snapshots are built only while a page listens: the first client subscribes, the last one leaves.
  let unsubscribe: (() => void) | undefined;
  const listen = (): void => {
    // A page that joins gets the whole snapshot: the first subscription sends one, and after that every
    // page gets one (pages that were there already just start again from it).
    if (unsubscribe) {
      // Pages share one stream: with two, neither may hold back the figures of rows the other shows.
      service.watchRows(null);
      service.resendSnapshot();
    } else
      unsubscribe = service.onSnapshot((update) => {
        const data = `event: snapshot\ndata: ${JSON.stringify(update)}\n\n`;
        for (const client of clients) client.write(data);
      });
  };
  const leave = (client: ServerResponse): void => {
    clients.delete(client);
    if (clients.size > 0) return;
    unsubscribe?.();
    unsubscribe = undefined;
  };
  let port = options.port ?? 0;
  // Every command the renderer can send: the body is validated before anything runs.
  const posts: Record<string, PostRoute> = {
    '/api/options': route('options', optionsSchema, (o) => service.setOptions(o)),
    '/api/paused': route('paused', pausedSchema, (p) => service.setPaused(p)),
    '/api/plan-disable': route('item id', itemIdSchema, (id) => service.planDisable(id)),
    '/api/approve-plan': route('plan id', planIdSchema, (id) => service.approvePlan(id)),
    '/api/cancel-plan': route('plan id', planIdSchema, (id) => service.cancelPlan(id)),
    '/api/undo': route('action id', actionIdSchema, (id) => service.undo(id)),
    '/api/approve-item': route('approval', approveItemSchema, (a) =>
      service.approveItem(a.itemId, a.note, a.cpuLimitPercent),
    ),
    '/api/unapprove-item': route('item id', itemIdSchema, (id) => service.unapproveItem(id)),
    '/api/resend-snapshot': route('null', resendSchema, () => {
      service.resendSnapshot();
      return {};
    }),
    '/api/watch-rows': route('item ids or null', watchRowsSchema, (ids) => {
      service.watchRows(clients.size > 1 ? null : ids);
      return {};
    }),
    '/api/watch-item': route('item id or null', watchItemSchema, (id) => {
      service.watchItem(id);
      return {};
    }),
    '/api/import-approvals': route(
      'approvals file',
      importApprovalsSchema,
      (file) => service.importApprovalsOutcome(file.text, file.name),
      // The JSON of an approvals file's text, escaped.
      MAX_APPROVALS_TEXT * 2 + 1024,
    ),
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 409, { error: (error as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`)
      return send(res, 421, { error: 'unexpected Host header' });
    const api = url.pathname.startsWith('/api/');
    // Another page on this machine (any other port on 127.0.0.1 is the same "site") could send the
    // cookie along: the API takes the token only from a header a page cannot set cross-origin, except
    // the event stream, which EventSource can only authenticate in its URL.
    const events = req.method === 'GET' && url.pathname === '/api/events';
    if (!hasToken(req, url, token, api ? (events ? 'query' : 'header') : 'any'))
      return send(res, 403, { error: 'missing or wrong token' });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
      return send(res, 403, { error: 'requests from other origins are refused' });
    if (api && req.method === 'POST' && !/^application\/json\b/.test(req.headers['content-type'] ?? ''))
      return send(res, 415, { error: 'POST bodies must be application/json' });

    if (api) {
      const post = req.method === 'POST' ? posts[url.pathname] : undefined;
      if (post) {
        const body = post.schema.safeParse(await readJson(req, post.limit ?? MAX_BODY));
        if (!body.success)
          return send(res, 400, {
            error: `${post.name}: ${body.error.issues[0]?.path.join('.') || 'value'}: ${body.error.issues[0]?.message ?? 'invalid'}`,
          });
        return send(res, 200, (await post.run(body.data)) ?? {});
      }
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /api/snapshot':
          return send(res, 200, service.snapshot());
        case 'GET /api/item': {
          const id = itemIdSchema.safeParse(url.searchParams.get('id'));
          if (!id.success) return send(res, 400, { error: 'id: a launch item id is required' });
          const item = service.item(id.data);
          return item ? send(res, 200, item) : send(res, 404, { error: `no item ${JSON.stringify(id.data)}` });
        }
        case 'GET /api/review': {
          const days = reviewDaysSchema.safeParse(Number(url.searchParams.get('days') ?? '7'));
          if (!days.success) return send(res, 400, { error: 'days: a whole number from 1 to 365' });
          return send(res, 200, service.review(days.data) ?? null);
        }
        case 'GET /api/item-history': {
          const id = itemIdSchema.safeParse(url.searchParams.get('id'));
          if (!id.success) return send(res, 400, { error: 'id: a launch item id is required' });
          return send(res, 200, service.itemHistory(id.data) ?? null);
        }
        case 'GET /api/report': {
          const format = url.searchParams.get('format') as ReportFormat;
          if (!REPORT_FORMATS.includes(format))
            return send(res, 400, { error: `format: one of ${REPORT_FORMATS.join(', ')}` });
          const redacted = url.searchParams.get('redact') === '1';
          let bytes: Buffer | string;
          try {
            bytes = await reportBytes(format, service.reportResult(redacted));
          } catch (error) {
            return send(res, 409, { error: (error as Error).message });
          }
          return download(res, bytes, service.reportFileName(format, redacted), REPORT_TYPES[format]);
        }
        case 'GET /api/approvals': {
          if (!service.snapshot().actionsAvailable) return send(res, 409, { error: APPROVALS_ON_THIS_MAC });
          return download(res, service.exportApprovals(), 'launchwatch-approvals.json', 'application/json');
        }
        case 'GET /api/events': {
          res.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-store',
            connection: 'keep-alive',
          });
          clients.add(res);
          listen();
          req.on('close', () => leave(res));
          return;
        }
        default:
          return send(res, 404, { error: 'no such endpoint' });
      }
    }
    if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
    if (url.pathname === '/') res.setHeader('set-cookie', `lw_token=${token}; HttpOnly; SameSite=Strict; Path=/`);
    return serveFile(res, options.rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise((resolve) => {
        unsubscribe?.();
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

const REPORT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

const APPROVALS_ON_THIS_MAC =
  'Approvals belong to the Mac being watched: they can be imported or exported live, not while a capture is shown.';

/** A file the page saves: never rendered by the browser (attachment, nosniff, a sandboxing CSP). */
function download(res: ServerResponse, body: Buffer | string, fileName: string, type: string): void {
  res.writeHead(200, {
    'content-type': type,
    'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'content-security-policy': "default-src 'none'; sandbox",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

interface PostRoute {
  name: string;
  /** Largest body this route takes (default MAX_BODY). */
  limit?: number;
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: unknown }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  };
  run: (value: unknown) => unknown;
}

function route<T>(
  name: string,
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  run: (value: T) => unknown,
  limit?: number,
): PostRoute {
  return { name, schema, run: run as (value: unknown) => unknown, ...(limit ? { limit } : {}) };
}

function hasToken(req: IncomingMessage, url: URL, token: string, from: 'header' | 'query' | 'any'): boolean {
  // The page's own URL carries the token; the scripts and styles it loads carry it back as a cookie.
  const cookie = /(?:^|;\s*)lw_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const header = req.headers['x-launchwatch-token'] as string | undefined;
  const query = url.searchParams.get('token') ?? undefined;
  const given = (from === 'header' ? header : from === 'query' ? query : (query ?? header ?? cookie)) ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveFile(res: ServerResponse, root: string, path: string): Promise<void> {
  const full = normalize(join(root, decodeURIComponent(path)));
  if (!full.startsWith(normalize(root) + sep) && full !== normalize(root))
    return send(res, 404, { error: 'not found' });
  try {
    const body = await readFile(full);
    res.writeHead(200, {
      'content-type': TYPES[extname(full)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    send(res, 404, { error: 'not found' });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
