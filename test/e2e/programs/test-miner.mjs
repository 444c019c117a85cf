// A small stand-in for XMRig: logs in to a Stratum pool (XMRig-style JSON-RPC lines), then on every
// job burns about one core hashing and submits a result. Usage: -o stratum+tcp://host:port -u wallet
import { createHash } from 'node:crypto';
import { connect } from 'node:net';

const arg = (flag) => process.argv[process.argv.indexOf(flag) + 1];
const url = new URL(arg('-o').replace(/^stratum\+tcp:/, 'http:'));
const socket = connect(Number(url.port), url.hostname);
let job;
let id = 1;
const send = (message) => socket.write(`${JSON.stringify({ id: id++, jsonrpc: '2.0', ...message })}\n`);

socket.on('connect', () =>
  send({ method: 'login', params: { login: arg('-u'), pass: 'x', agent: 'XMRig/6.21.0 (test)' } }),
);
let buffer = '';
socket.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const message = JSON.parse(buffer.slice(0, newline));
    buffer = buffer.slice(newline + 1);
    if (message.result?.job) job = message.result.job;
    if (message.method === 'job') job = message.params;
  }
});
socket.on('error', () => process.exit(1));

// Hash in slices so the socket is still served: ~95% of one core.
function work() {
  const until = Date.now() + 95;
  let nonce = 0;
  while (Date.now() < until)
    createHash('sha256')
      .update(`${job?.blob ?? ''}${nonce++}`)
      .digest();
  if (job)
    send({ method: 'submit', params: { id: job.id, job_id: job.job_id, nonce: nonce.toString(16), result: '00' } });
  setTimeout(work, 5);
}
work();
