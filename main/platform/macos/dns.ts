// dns.txt: `<ip>\t<hostname>` a line; `#` starts a comment.
import { isIP } from 'node:net';
import { normaliseAddress } from '../../engine/address';
import { ProblemList } from '../problem-list';
import type { ParseOutcome } from './ps';

export interface DnsEntry {
  address: string;
  hostname: string;
}

export function parseDns(text: string): ParseOutcome<DnsEntry> {
  const records: DnsEntry[] = [];
  const problems = new ProblemList();
  text.split('\n').forEach((rawLine, index) => {
    const hash = rawLine.indexOf('#');
    const line = (hash < 0 ? rawLine : rawLine.slice(0, hash)).trim();
    if (line === '') return;
    const [address = '', hostname = ''] = line.split(/\s+/);
    if (!isIP(address) || hostname === '') {
      problems.add(() => `line ${index + 1}: expected "<ip>\\t<hostname>"`);
      return;
    }
    records.push({ address: normaliseAddress(address), hostname: hostname.toLowerCase().replace(/\.$/, '') });
  });
  return { records, problems: problems.messages() };
}
