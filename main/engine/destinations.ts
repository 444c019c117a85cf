// What a remote endpoint is, for one launch item: a known pool, the pool its own arguments name, a
// Stratum port, a local tunnel, web traffic or something else.
import { isLoopback, normaliseAddress } from './address';
import type { PoolEndpoint } from './command-evidence';
import { poolForHost, type Indicators } from './indicators';
import type { DestinationClass } from './model';

export interface DestinationContext {
  indicators: Indicators;
  /** ip -> hostname */
  dns: Map<string, string>;
  /** Pool endpoints the item's arguments and files name. */
  configured: PoolEndpoint[];
}

export interface Classified {
  classification: DestinationClass;
  hostname?: string;
  pool?: string;
  /** The configured endpoint this connection is, when it is one. */
  configured?: PoolEndpoint;
}

const WEB_PORTS = new Set([80, 443, 8080, 8443]);

export function classifyDestination(address: string, port: number, context: DestinationContext): Classified {
  const ip = normaliseAddress(address);
  const configured = context.configured.find((endpoint) => endpointMatches(endpoint, ip, port, context.dns));
  const hostname = context.dns.get(ip) ?? (configured && !isLiteral(configured.host) ? configured.host : undefined);
  const result: Classified = { classification: 'other' };
  if (hostname) result.hostname = hostname;
  if (configured) result.configured = configured;

  const pool = hostname ? poolForHost(context.indicators, hostname) : undefined;
  if (pool) {
    result.pool = pool;
    result.classification = 'mining-pool';
  } else if (configured) {
    result.classification = 'configured-pool';
  } else if (isLoopback(ip)) {
    result.classification = context.indicators.tunnelPorts.has(port) ? 'local-tunnel' : 'loopback';
  } else if (context.indicators.stratumPorts.has(port)) {
    result.classification = 'stratum-port';
  } else if (WEB_PORTS.has(port)) {
    result.classification = 'web';
  }
  return result;
}

function endpointMatches(endpoint: PoolEndpoint, ip: string, port: number, dns: Map<string, string>): boolean {
  if (endpoint.port !== undefined && endpoint.port !== port) return false;
  const host = endpoint.host.replace(/^\[|\]$/g, '');
  if (isLiteral(host)) return normaliseAddress(host) === ip;
  if (host === 'localhost') return isLoopback(ip);
  return dns.get(ip) === host;
}

function isLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
