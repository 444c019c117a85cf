// `lsof -nP -iTCP -iUDP -F pcuftPnT`: one field a line, the first character names it. `p` starts a
// process, `f` starts a file; unknown letters are skipped. An empty output is valid (nothing matched).
import { normaliseAddress } from '../../engine/address';
import type { ConnectionRecord, Protocol } from '../../engine/model';
import type { ParseOutcome } from './ps';

export function parseLsof(text: string): ParseOutcome<ConnectionRecord> {
  const records: ConnectionRecord[] = [];
  const problems: string[] = [];
  let pid: number | undefined;
  // The file being read: plain variables rather than an object, as this runs for every socket.
  let inFile = false;
  let fd = '';
  let type = '';
  let protocol = '';
  let name: string | undefined;
  let state = '';

  const finish = (): void => {
    if (!inFile || pid === undefined) return;
    inFile = false;
    if (protocol !== 'TCP' && protocol !== 'UDP') return;
    if (name === undefined) return;
    const record = toConnection(pid, protocol, type, name, state);
    if (record) records.push(record);
    else problems.push(`pid ${pid} fd ${fd}: cannot read address ${JSON.stringify(name)}`);
  };

  // Walked by index rather than split: lsof output runs to tens of thousands of lines a sample, and
  // most fields are skipped without being copied.
  let lineNumber = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const tag = text[start];
    const from = start + 1;
    start = end + 1;
    if (stop < from) continue;
    switch (tag) {
      case 'p': {
        finish();
        const value = text.slice(from, stop);
        const parsed = Number(value);
        pid = value !== '' && Number.isInteger(parsed) ? parsed : undefined;
        if (pid === undefined) problems.push(`line ${lineNumber}: bad pid ${JSON.stringify(value)}`);
        break;
      }
      case 'f':
        finish();
        inFile = pid !== undefined;
        fd = text.slice(from, stop);
        type = '';
        protocol = '';
        name = undefined;
        state = '';
        break;
      case 't':
        if (inFile) type = text.slice(from, stop);
        break;
      case 'P':
        if (inFile) protocol = text.slice(from, stop);
        break;
      case 'n':
        if (inFile) name = text.slice(from, stop);
        break;
      case 'T':
        if (inFile && text.startsWith('ST=', from)) state = text.slice(from + 3, stop);
        break;
      default:
        // c (command), u (uid), g, R, L, ... carry nothing the engine needs.
        break;
    }
  }
  finish();
  return { records, problems };
}

function toConnection(
  pid: number,
  protocol: Protocol,
  type: string,
  name: string,
  state: string,
): ConnectionRecord | undefined {
  const arrow = name.indexOf('->');
  const local = parseEndpoint(arrow < 0 ? name : name.slice(0, arrow));
  if (!local) return undefined;
  const remote = arrow < 0 ? undefined : parseEndpoint(name.slice(arrow + 2));
  if (arrow >= 0 && !remote) return undefined;
  const family = type === 'IPv6' || local.address.includes(':') ? 'IPv6' : 'IPv4';
  const record: ConnectionRecord = { pid, protocol, family, localAddress: local.address };
  if (local.port !== undefined) record.localPort = local.port;
  if (remote) {
    record.remoteAddress = remote.address;
    if (remote.port !== undefined) record.remotePort = remote.port;
  }
  if (protocol === 'TCP' && state) record.state = state;
  return record;
}

/** `10.0.0.5:50123`, `*:5432`, `[::1]:631`, `[fe80::1%lo0]:123`, `*:*`. */
function parseEndpoint(text: string): { address: string; port?: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  // A bare IPv6 address without brackets would split inside itself: lsof always brackets them.
  if (host.includes(':') && !(host.startsWith('[') && host.endsWith(']'))) return undefined;
  if (port !== '*' && !/^\d{1,5}$/.test(port)) return undefined;
  const address = host === '*' ? '*' : normaliseAddress(host);
  return port === '*' ? { address } : { address, port: Number(port) };
}
