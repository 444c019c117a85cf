// A test Stratum pool on 127.0.0.1: answers XMRig's login with a job, pushes a new job every second,
// accepts submits, and counts what it saw so tests can check the miner really spoke Stratum.
import { createServer, type Server, type Socket } from 'node:net';

export interface TestPool {
  port: number;
  logins: number;
  submits: number;
  close(): Promise<void>;
}

export async function startStratumPool(): Promise<TestPool> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let jobId = 0;
  const job = () => ({
    blob: `0707${(jobId++).toString(16).padStart(8, '0')}`,
    job_id: String(jobId),
    target: 'b88d0600',
    id: 'worker-1',
    algo: 'rx/0',
  });
  const pool: TestPool = { port: 0, logins: 0, submits: 0, close: async () => undefined };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let buffer = '';
    const reply = (message: object) =>
      socket.writable && socket.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let message: { id?: number; method?: string };
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if (message.method === 'login') {
          pool.logins++;
          reply({ id: message.id, error: null, result: { id: 'worker-1', job: job(), status: 'OK' } });
          const timer = setInterval(() => reply({ method: 'job', params: job() }), 1000);
          timers.add(timer);
          socket.on('close', () => clearInterval(timer));
        } else if (message.method === 'submit') {
          pool.submits++;
          reply({ id: message.id, error: null, result: { status: 'OK' } });
        } else if (message.method === 'keepalived')
          reply({ id: message.id, error: null, result: { status: 'KEEPALIVED' } });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pool.port = (server.address() as { port: number }).port;
  pool.close = () =>
    new Promise((resolve) => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return pool;
}
