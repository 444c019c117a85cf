// `lsof -nP -iTCP -iUDP -F pcuftPnT`: one field a line, the first character names it. `p` starts a
// process, `f` starts a file; unknown letters are skipped. An empty output is valid (nothing matched).
import { normaliseAddress } from '../../engine/address';
import type { ConnectionRecord, Protocol } from '../../engine/model';
import type { ParseOutcome } from './ps';

interface OpenFile {
  pid: number;
  fd?: string;
  type?: string;
  protocol?: string;
  name?: string;
  state?: string;
}

export function parseLsof(text: string): ParseOutcome<ConnectionRecord> {
  const records: ConnectionRecord[] = [];
  const problems: string[] = [];
  let pid: number | undefined;
  let file: OpenFile | undefined;

  const finish = (): void => {
    if (!file) return;
    const record = toConnection(file);
    if (record) records.push(record);
    else if (file.name !== undefined) problems.push(`pid ${file.pid} fd ${file.fd ?? '?'}: cannot read address ${JSON.stringify(file.name)}`);
    file = undefined;
  };

  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line === '') return;
    const tag = line[0];
    const value = line.slice(1);
    switch (tag) {
      case 'p': {
        finish();
        const parsed = Number(value);
        pid = Number.isInteger(parsed) ? parsed : undefined;
        if (pid === undefined) problems.push(`line ${index + 1}: bad pid ${JSON.stringify(value)}`);
        break;
      }
      case 'f':
        finish();
        if (pid !== undefined) file = { pid, fd: value };
        break;
      case 't':
        if (file) file.type = value;
        break;
      case 'P':
        if (file) file.protocol = value;
        break;
      case 'n':
        if (file) file.name = value;
        break;
      case 'T':
        if (file && value.startsWith('ST=')) file.state = value.slice(3);
        break;
      default:
        // c (command), u (uid), g, R, L, ... carry nothing the engine needs.
        break;
    }
  });
  finish();
  return { records, problems };
}

function toConnection(file: OpenFile): ConnectionRecord | undefined {
  const protocol = file.protocol === 'TCP' || file.protocol === 'UDP' ? (file.protocol as Protocol) : undefined;
  if (!protocol || file.name === undefined) return undefined;
  const [localPart = '', remotePart] = file.name.split('->');
  const local = parseEndpoint(localPart);
  if (!local) return undefined;
  const remote = remotePart === undefined ? undefined : parseEndpoint(remotePart);
  if (remotePart !== undefined && !remote) return undefined;
  const family = file.type === 'IPv6' || local.address.includes(':') ? 'IPv6' : 'IPv4';
  const record: ConnectionRecord = { pid: file.pid, protocol, family, localAddress: local.address };
  if (local.port !== undefined) record.localPort = local.port;
  if (remote) {
    record.remoteAddress = remote.address;
    if (remote.port !== undefined) record.remotePort = remote.port;
  }
  if (protocol === 'TCP' && file.state) record.state = file.state;
  return record;
}

/** `10.0.0.5:50123`, `*:5432`, `[::1]:631`, `[fe80::1%lo0]:123`, `*:*`. */
function parseEndpoint(text: string): { address: string; port?: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+|\*)$/.exec(text.trim());
  if (!match) return undefined;
  const [, host = '', port = ''] = match;
  const address = host === '*' ? '*' : normaliseAddress(host);
  return port === '*' ? { address } : { address, port: Number(port) };
}
