// /proc/net/{tcp,tcp6,udp,udp6}: one socket a line, addresses as hex in the kernel's byte order,
// joined to processes through the socket inode their fds link to (`socket:[inode]`).
import type { Protocol } from '../../engine/model';

export interface ProcSocket {
  inode: number;
  protocol: Protocol;
  family: 'IPv4' | 'IPv6';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

export function parseProcNet(text: string, protocol: Protocol, family: 'IPv4' | 'IPv6'): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, local = '', remote = '', st = ''] = fields;
    const inode = Number(fields[9]);
    const l = parseHexEndpoint(local, family);
    const r = parseHexEndpoint(remote, family);
    if (!l || !r || !Number.isSafeInteger(inode) || inode < 0) continue;
    sockets.push({
      inode,
      protocol,
      family,
      localAddress: l.address,
      localPort: l.port,
      remoteAddress: r.address,
      remotePort: r.port,
      state: protocol === 'TCP' ? (TCP_STATES[st.toUpperCase()] ?? st) : '',
    });
  }
  return sockets;
}

/** The kernel prints an endpoint as `%08X:%04X` (IPv4) or `%08X%08X%08X%08X:%04X` (IPv6). */
const HEX = /^[0-9A-Fa-f]+$/;

function parseHexEndpoint(text: string, family: 'IPv4' | 'IPv6'): { address: string; port: number } | undefined {
  const [hex = '', port = ''] = text.split(':');
  if (port.length !== 4 || !HEX.test(port) || !HEX.test(hex)) return undefined;
  const value = Number.parseInt(port, 16);
  if (family === 'IPv4' && hex.length === 8) return { address: ipv4FromHex(hex), port: value };
  if (family === 'IPv6' && hex.length === 32) return { address: ipv6FromHex(hex), port: value };
  return undefined;
}

/** Each 32-bit word is in host (little-endian) byte order. */
function ipv4FromHex(hex: string): string {
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6FromHex(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    const chunk = hex.slice(word * 8, word * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(Number.parseInt(chunk.slice(i, i + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

export function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}
