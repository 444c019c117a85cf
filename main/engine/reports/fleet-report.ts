// The fleet report: one self-contained HTML page (no script, nothing fetched): how many hosts, hosts by
// verdict, and each flagged item with its evidence, for a helpdesk to act on host by host.
import { isFlagged, worstVerdict, type HostResult } from '../fleet/fleet-result';
import { html, trusted } from './html';

const STYLE = `
  body { font: 13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; margin: 24px auto; max-width: 980px; padding: 0 16px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #d9d9de; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; border-bottom: 1px solid #e5e5ea; padding: 3px 6px; vertical-align: top; font-size: 12px; }
  th { background: #f4f4f6; } .mining { color: #b91c1c; font-weight: 600; } .suspicious { color: #b45309; font-weight: 600; }
  .muted { color: #6e6e73; } .mono { font-family: ui-monospace, Menlo, monospace; font-size: 11.5px; overflow-wrap: anywhere; }
  .item { border: 1px solid #d9d9de; border-radius: 10px; padding: 4px 14px 10px; margin: 12px 0; } .summary { font-size: 15px; font-weight: 600; }
  @page { size: A4; margin: 16mm 14mm; }
`;

/** Notes shown for a host that could not be cleared; the rest are counted. */
const MAX_NOTES = 30;

export function toFleetReport(hosts: HostResult[], made = new Date()): string {
  const verdicts = hosts.map((h) => ({ host: h, verdict: worstVerdict(h) }));
  const count = (v: string) => verdicts.filter((x) => x.verdict === v).length;
  const flagged = verdicts.filter((x) => isFlagged(x.verdict));
  const short = count('not enough data');
  const incomplete = verdicts.filter((x) => x.verdict === 'incomplete');
  const unjudged = [
    ...(short > 0 ? [`${short} had too few snapshots to judge`] : []),
    ...(incomplete.length > 0 ? [`${incomplete.length} could not be cleared (incomplete analysis, below)`] : []),
  ];
  const summary =
    flagged.length > 0
      ? `${flagged.length} of ${hosts.length} hosts have a launch item that mines or looks like a miner.`
      : unjudged.length > 0
        ? `No miner found on ${hosts.length - short - incomplete.length} hosts; ${unjudged.join('; ')}.`
        : `No miner found on ${hosts.length} hosts.`;
  const order = ['mining', 'suspicious', 'incomplete', 'not enough data', 'high-cpu', 'approved', 'ok'];
  const sorted = [...verdicts].sort(
    (a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict) || a.host.host.localeCompare(b.host.host),
  );
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
        <title>Launchwatch fleet report</title>
        <style>
          ${trusted(STYLE)}
        </style>
      </head>
      <body>
        <h1>Launchwatch fleet report</h1>
        <p class="muted">
          ${hosts.length} hosts from osquery results · report made ${made.toISOString().slice(0, 16).replace('T', ' ')}
          UTC
        </p>
        <p class="summary">${summary}</p>
        <p>
          Mining ${count('mining')} · suspicious ${count('suspicious')} · incomplete ${incomplete.length} · not enough
          data ${short} · high CPU ${count('high-cpu')} · clean ${count('ok') + count('approved')}
        </p>
        <h2>Hosts</h2>
        <table>
          <thead>
            <tr>
              <th>Host</th>
              <th>Verdict</th>
              <th>Snapshots</th>
              <th>Flagged items</th>
            </tr>
          </thead>
          <tbody>
            ${sorted.map(
              ({ host, verdict }) =>
                html`<tr>
                  <td>${host.host}</td>
                  <td class="${verdict === 'mining' || verdict === 'suspicious' ? verdict : ''}">${verdict}</td>
                  <td>${host.samples}</td>
                  <td>
                    ${
                      verdict === 'incomplete'
                        ? 'see below'
                        : host.result.items
                            .filter((i) => isFlagged(i.verdict))
                            .map((i) => i.item.label || i.item.plistPath)
                            .join(', ')
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${flagged.length > 0 ? html`<h2>Flagged items</h2>` : ''}
        ${flagged.flatMap(({ host }) =>
          host.result.items
            .filter((i) => isFlagged(i.verdict))
            .map(
              (i) =>
                html`<section class="item">
                  <h3>
                    <span class="${i.verdict}">${i.verdict}</span> ${i.item.label || '(no label)'} on ${host.host}
                  </h3>
                  <p class="mono">${i.item.plistPath}</p>
                  <ul>
                    ${i.reasons.map((r) => html`<li>${r.text} <span class="muted">(${r.code}${r.attack ? `, ${r.attack}` : ''})</span></li>`)}
                  </ul>
                  <p class="mono">${i.item.arguments.join(' ')}</p>
                  ${
                    i.destinations.length > 0
                      ? html`<p>
                          Destinations:
                          ${i.destinations
                            .map((d) => `${d.hostname ?? d.remoteAddress}:${d.remotePort} (${d.classification})`)
                            .join(', ')}
                        </p>`
                      : ''
                  }
                </section>`,
            ),
        )}
        ${incomplete.length > 0 ? html`<h2>Hosts that could not be cleared</h2>` : ''}
        ${incomplete.map(
          ({ host }) =>
            html`<section class="item">
              <h3><span class="suspicious">incomplete</span> ${host.host}</h3>
              <p>${host.result.incomplete ?? ''}</p>
              <ul>
                ${host.result.notes.slice(0, MAX_NOTES).map((note) => html`<li>${note}</li>`)}
                ${
                  host.result.notes.length > MAX_NOTES
                    ? html`<li class="muted">and ${host.result.notes.length - MAX_NOTES} more notes</li>`
                    : ''
                }
              </ul>
            </section>`,
        )}
      </body>
    </html>`;
  return page.value;
}
