// `launchwatch web`: the renderer and the engine in a browser on 127.0.0.1, for development and tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { actionServiceForThisMachine } from '../actions/machine-actions';
import { AppService } from '../app-service';
import { CaptureError } from '../platform/capture/capture-reader';
import { watchFolders } from '../platform/watch-folders';
import { startWebServer } from '../web/web-server';
import { liveReaderForThisMachine } from './live-scan';
import { openHistory, type CommandIO } from './scan-command';
import { parseFlags, positiveNumber, UsageError, sustainedOptions } from './usage-error';

export const WEB_USAGE =
  'usage: launchwatch web [--replay <capture>] [--port <n>] [--interval <s>] [--window <s>] [--cpu-threshold <percent>] [--no-history]';

export async function webCommand(argv: string[], io: CommandIO, signal?: AbortSignal): Promise<number> {
  const values = parseFlags(
    argv,
    {
      replay: { type: 'string' },
      port: { type: 'string' },
      interval: { type: 'string' },
      window: { type: 'string' },
      'cpu-threshold': { type: 'string' },
      'no-history': { type: 'boolean' },
    },
    WEB_USAGE,
  );
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
  const options = sustainedOptions(values);
  const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
  if (!existsSync(`${rendererDir}/index.html`))
    throw new UsageError(`the renderer is not built (${rendererDir}): run "npm run build:renderer" first`);

  let service: AppService;
  if (values.replay !== undefined) {
    try {
      service = await AppService.fromCapture(values.replay, options);
    } catch (error) {
      if (error instanceof CaptureError) throw new UsageError(error.message);
      throw error;
    }
  } else {
    const intervalMs = positiveNumber('--interval', values.interval, 5) * 1000;
    service = AppService.live(
      await liveReaderForThisMachine(),
      { ...options, intervalMs, watch: watchFolders },
      actionServiceForThisMachine(),
      values['no-history'] ? undefined : openHistory(io),
    );
    await service.recover();
  }
  service.start();
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer(service, { port, rendererDir });
  } catch (error) {
    service.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`--port ${port}: the port is in use (choose another, or leave --port out for a free one)`);
    if (code === 'EACCES') throw new UsageError(`--port ${port}: not allowed to listen on that port`);
    throw error;
  }
  io.stdout(`Launchwatch web UI: ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop);
  });
  service.stop();
  await server.close();
  return 0;
}
