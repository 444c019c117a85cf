import { isIP } from 'node:net';

/** Lower-case, without brackets or zone, IPv4-mapped IPv6 folded to IPv4, so one address has one spelling. */
export function normaliseAddress(address: string): string {
  // Fast path for the common case, a plain dotted IPv4 address (this runs for every socket of every sample).
  if (/^[\d.]+$/.test(address)) return address;
  const bare = address.replace(/^\[|\]$/g, '');
  const zone = bare.indexOf('%');
  const unbracketed = zone < 0 ? bare : bare.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(unbracketed);
  return (mapped?.[1] ?? unbracketed).toLowerCase();
}

export function isLoopback(address: string): boolean {
  const a = normaliseAddress(address);
  return a === '::1' || a.startsWith('127.') || a === 'localhost';
}

/** Splits `host:port`, `[v6]:port` or a bare host. */
export function splitHostPort(text: string): { host: string; port?: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return withPort(bracketed[1] ?? '', bracketed[2]);
  const colons = text.split(':').length - 1;
  if (colons > 1) return isIP(text) ? { host: text } : undefined;
  const [host = '', port] = text.split(':');
  return withPort(host, port);
}

function withPort(host: string, port: string | undefined): { host: string; port?: number } | undefined {
  if (host === '') return undefined;
  if (port === undefined) return { host };
  const value = Number(port);
  if (!/^\d{1,5}$/.test(port) || value < 1 || value > 65535) return undefined;
  return { host, port: value };
}
