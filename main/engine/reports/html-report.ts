// The helpdesk report: one self-contained HTML file (inline CSS, inline SVG, no scripts, nothing
// fetched), readable printed. The answer first, then each flagged item in full, then the rest, then
// how the data was taken and what that method cannot see.
import type { CpuPoint, ItemResult, MachineFacts, ScanResult } from '../model';
import { sortItems } from '../scan-document';
import { escapeHtml, html, trusted, type SafeHtml } from './html';
import { chartDescription, elapsedTicks, niceTicks, thresholdLabelPlace } from '../chart-scale';
import { cpuInWords, machineFactsInWords, managerSummary, signatureInWords, verdictSentence } from '../plain-words';
import { formatTime, zoneName } from '../time-format';

const STYLE = `
  :root { color-scheme: light; }
  body { font: 13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; margin: 24px auto; max-width: 900px; padding: 0 16px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d9d9de; padding-bottom: 4px; }
  h3 { font-size: 15px; margin: 20px 0 6px; overflow-wrap: anywhere; } .answer { font-size: 16px; font-weight: 600; margin: 12px 0; padding: 10px 12px; border-radius: 8px; background: #f4f4f6; }
  .answer.bad { background: #fdecec; color: #8f1414; } .muted { color: #6e6e73; } code, .mono { font-family: ui-monospace, Menlo, monospace; font-size: 11.5px; overflow-wrap: anywhere; }
  .badge { display: inline-block; padding: 1px 7px; border-radius: 10px; border: 1px solid currentColor; font-size: 11px; font-weight: 600; }
  .mining { color: #b91c1c; } .suspicious { color: #b45309; } .high-cpu { color: #1d4ed8; } .ok { color: #4b5563; } .approved { color: #15803d; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { text-align: left; border-bottom: 1px solid #e5e5ea; padding: 3px 6px; vertical-align: top; font-size: 12px; }
  th { background: #f4f4f6; } .item { border: 1px solid #d9d9de; border-radius: 10px; padding: 4px 14px 12px; margin: 14px 0; }
  ul.reasons li { margin-bottom: 3px; } .strong { font-weight: 600; } dl { display: grid; grid-template-columns: 150px 1fr; gap: 2px 10px; margin: 0; } dt { color: #6e6e73; } dd { margin: 0; overflow-wrap: anywhere; }
  svg { max-width: 100%; height: auto; } ol.next li { margin-bottom: 3px; }
  .summary { font-size: 15px; margin: 8px 0 4px; } .summary.bad { color: #8f1414; font-weight: 600; } figcaption { font-size: 11.5px; }
  @media print { body { margin: 0; max-width: none; } figure, tr, h3, dl { break-inside: avoid; } h2, h3 { break-after: avoid; } a { color: inherit; text-decoration: none; } }
`;

/**
 * Printed (PDF from the CLI or the app, or a browser's Print): A4 everywhere, and every page says whose
 * Mac it is about and which page of how many it is, in CSS page-margin boxes (Chromium 131 and later).
 */
function pageStyle(hostname: string): string {
  return `@page { size: A4; margin: 18mm 14mm 16mm; @top-left { content: "Launchwatch report: ${cssString(hostname)}"; font: 9px sans-serif; color: #6e6e73; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9px sans-serif; color: #6e6e73; } }`;
}

/**
 * Text for a CSS string inside a <style> element: everything but letters, digits, space, dot and hyphen
 * as a hex escape, so no quote, backslash, newline or "</style>" in a host name can end the string or
 * the element.
 */
export function cssString(text: string): string {
  let out = '';
  for (const char of text.slice(0, 200)) {
    if (/^[A-Za-z0-9 .-]$/.test(char)) out += char;
    else out += `\\${(char.codePointAt(0) ?? 0x3f).toString(16)} `;
  }
  return out;
}

const VERDICT_TEXT = {
  mining: 'Mining',
  suspicious: 'Suspicious',
  'high-cpu': 'High CPU',
  ok: 'OK',
  approved: 'Approved',
} as const;

export function toHtmlReport(result: ScanResult, generatedAt = new Date()): string {
  const items = sortItems(result.items);
  const flagged = items.filter((i) => i.verdict === 'mining' || i.verdict === 'suspicious');
  const busy = items.filter((i) => i.verdict === 'high-cpu');
  const detailed = [...flagged, ...busy];
  const rest = items.filter((i) => !detailed.includes(i));
  const mining = flagged.filter((i) => i.verdict === 'mining');
  const suspicious = flagged.filter((i) => i.verdict === 'suspicious');
  const answer =
    flagged.length === 0 && result.incomplete
      ? `The scan is incomplete, so this is not an all-clear: ${result.incomplete}.`
      : flagged.length === 0
        ? `No launch item is mining${busy.length > 0 ? `; ${busy.length} ${busy.length === 1 ? 'uses' : 'use'} a lot of CPU with no sign of mining` : ''}.`
        : [
            mining.length > 0
              ? `${mining.length} launch ${mining.length === 1 ? 'item is' : 'items are'} mining: ${mining.map(name).join(', ')}`
              : '',
            suspicious.length > 0
              ? `${suspicious.length} ${suspicious.length === 1 ? 'looks' : 'look'} like ${suspicious.length === 1 ? 'a miner' : 'miners'}: ${suspicious.map(name).join(', ')}`
              : '',
          ]
            .filter(Boolean)
            .join('. ') + '.';
  const span =
    result.startedAt !== undefined && result.endedAt !== undefined
      ? Math.round((result.endedAt - result.startedAt) / 1000)
      : 0;

  const zone = result.host.machine;
  const time = (ms: number) => formatTime(ms, zone);

  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Launchwatch report: ${result.host.hostname}</title>
        <style>
          ${trusted(STYLE)}
          ${trusted(pageStyle(result.host.hostname))}
        </style>
      </head>
      <body>
        <h1>Launchwatch report</h1>
        <p class="summary${flagged.length > 0 ? ' bad' : ''}">${managerSummary(result)}</p>
        <p class="muted">
          ${result.host.hostname} · ${result.host.os} ${result.host.osVersion} ·
          ${result.source === 'capture' ? 'capture' : 'live scan'} ·
          ${result.startedAt !== undefined ? time(result.startedAt) : ''} for ${span} s · times in ${zoneName(zone)} ·
          report made ${time(generatedAt.getTime())}
        </p>
        <p class="answer${flagged.length > 0 ? ' bad' : ''}">${answer}</p>
        <h2>This Mac</h2>
        <dl class="machine">
          ${machineFactsInWords(result.host, result.endedAt, result.user?.name).map(
            ([term, value]) =>
              html`<dt>${term}</dt>
                <dd>${value}</dd>`,
          )}
        </dl>
        ${
          detailed.length > 0
            ? html`<h2>${flagged.length > 0 ? 'Flagged items' : 'Busy items'}</h2>
                ${detailed.map((item, index) => itemSection(item, result, index))}`
            : ''
        }
        <h2>Every other launch item (${rest.length})</h2>
        ${
          rest.length === 0
            ? html`<p class="muted">None.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>Verdict</th>
                    <th>Label</th>
                    <th>Kind</th>
                    <th>Scope</th>
                    <th>CPU avg</th>
                    <th>Running</th>
                    <th>Path</th>
                  </tr>
                </thead>
                <tbody>
                  ${rest.map(
                    (r) =>
                      html`<tr>
                        <td class="${r.verdict}">${VERDICT_TEXT[r.verdict]}</td>
                        <td>${r.item.label || '(no label)'}</td>
                        <td>${r.item.kind}</td>
                        <td>${r.item.scope}</td>
                        <td>${r.cpu.avgPercent}%</td>
                        <td>${r.running ? 'yes' : 'no'}</td>
                        <td class="mono">${r.item.plistPath}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
        <h2>How this was measured</h2>
        <dl>
          <dt>Machine</dt>
          <dd>
            ${result.host.hostname}, ${result.host.os}
            ${result.host.osVersion}${result.host.arch ? `, ${result.host.arch}` : ''}, ${result.host.cpuCount} CPUs
          </dd>
          <dt>Time span</dt>
          <dd>
            ${result.startedAt !== undefined ? time(result.startedAt) : '—'} to
            ${result.endedAt !== undefined ? time(result.endedAt) : '—'} (${result.samples} samples)
          </dd>
          <dt>Sustained high CPU</dt>
          <dd>
            an average of at least ${result.options.cpuThresholdPercent}% of one core over the last
            ${result.options.windowSeconds} s of samples
          </dd>
          <dt>Privileges</dt>
          <dd>
            ${result.privileged ? "run as root: every process's sockets were visible" : 'not run as root: the sockets of root processes (Launch Daemons) were not visible'}
          </dd>
          <dt>Method</dt>
          <dd>
            launchd items from their property lists and <code>launchctl</code>; CPU from the difference of cumulative
            CPU time (<code>ps</code>) between samples, summed over each item's process and all its descendants;
            connections from <code>lsof</code>; signatures from <code>codesign</code>.
          </dd>
          <dt>Limits</dt>
          <dd>
            <ul>
              <li>
                A miner that pauses while it is watched, or starts late, shows no CPU in a short capture; its
                configuration still shows.
              </li>
              <li>
                Traffic through a virtual machine, a VPN or a local proxy (I2P, Tor) shows only as that VM or tunnel,
                not as the pool.
              </li>
              <li>
                ${result.privileged ? 'Host names come from the names the collector resolved; an address without one is shown as a number.' : "Without root, connections of root processes are missing: a daemon's pool traffic may not show."}
              </li>
              <li>A process that starts and ends between two samples is not seen.</li>
            </ul>
          </dd>
          ${
            result.notes.length > 0
              ? html`<dt>Notes</dt>
                  <dd>
                    <ul>
                      ${result.notes.map((n) => html`<li>${n}</li>`)}
                    </ul>
                  </dd>`
              : ''
          }
        </dl>
      </body>
    </html> `;
  return page.value;
}

function itemSection(r: ItemResult, result: ScanResult, index: number): SafeHtml {
  const { item } = r;
  const threshold = result.options.cpuThresholdPercent;
  const cores = result.host.cpuCount;
  return html`<section class="item">
    <h3><span class="badge ${r.verdict}">${VERDICT_TEXT[r.verdict]}</span> ${item.label || '(no label)'}</h3>
    <p class="sentence">${verdictSentence(r, cores) ?? ''}</p>
    <p class="mono">${item.plistPath}</p>
    <ul class="reasons">
      ${r.reasons.map((reason) => html`<li class="${reason.strength === 'strong' ? 'strong' : ''}">${reason.text} <span class="muted">(${reason.code}${reason.attack ? `, ${reason.attack}` : ''})</span></li>`)}
    </ul>
    <p>ATT&amp;CK: ${r.attack.join(', ')}</p>
    ${cpuChart(r.history, threshold, item.label || item.plistPath, result.host.machine, `cpu-${index}`)}
    <p class="muted">
      CPU: ${cpuInWords(r.cpu.avgPercent, cores)} on average in the window, ${r.cpu.maxPercent}% of one core at most.
      Evidence score ${r.score} of 100 (the weights of the reasons above, added up).
    </p>
    ${
      r.destinations.length > 0
        ? html`<table>
            <thead>
              <tr>
                <th>Host</th>
                <th>Address</th>
                <th>Port</th>
                <th>Protocol</th>
                <th>State</th>
                <th>Kind</th>
              </tr>
            </thead>
            <tbody>
              ${r.destinations.map(
                (d) =>
                  html`<tr>
                    <td>${d.hostname ?? '—'}</td>
                    <td>${d.remoteAddress}</td>
                    <td>${d.remotePort}</td>
                    <td>${d.protocol}</td>
                    <td>${d.state ?? ''}</td>
                    <td>${d.classification}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No connections seen.</p>`
    }
    <dl>
      <dt>Kind</dt>
      <dd>${item.kind} (${item.scope})</dd>
      <dt>Program</dt>
      <dd class="mono">${item.program ?? '—'}</dd>
      <dt>Arguments</dt>
      <dd class="mono">${item.arguments.slice(1).join(' ') || '—'}</dd>
      <dt>Signature</dt>
      <dd>${signatureInWords(r.signing)}${r.vendor ? ` (a known ${r.vendor.kind} vendor)` : ''}</dd>
      <dt>Starts</dt>
      <dd>
        ${[item.runAtLoad ? 'at load' : '', item.keepAlive !== false ? 'kept alive' : '', item.startInterval ? `every ${item.startInterval} s` : ''].filter(Boolean).join(', ') || 'on demand'}
      </dd>
      <dt>Processes</dt>
      <dd class="mono">
        ${r.processes.length === 0 ? 'not running' : r.processes.map((p) => html`${p.pid}: ${p.args}<br />`)}
      </dd>
      ${
        r.past
          ? html`<dt>First seen</dt>
              <dd>${formatTime(r.past.firstSeen, result.host.machine)}</dd>
              <dt>Last changed</dt>
              <dd>
                ${
                  r.past.lastChange
                    ? `${formatTime(r.past.lastChange.at, result.host.machine)} (${r.past.lastChange.what.join(', ')})`
                    : 'not since it was first seen'
                }
              </dd>`
          : ''
      }
      <dt>Property list</dt>
      <dd class="mono">
        SHA-256
        ${item.sha256 ?? '—'}${item.mtime ? `, modified ${formatTime(Date.parse(item.mtime), result.host.machine)}` : ''}
      </dd>
      ${
        item.problems.length > 0
          ? html`<dt>Problems</dt>
              <dd>${item.problems.join('; ')}</dd>`
          : ''
      }
    </dl>
    <p><strong>What to do next</strong></p>
    <ol class="next">
      ${nextSteps(r).map((s) => html`<li>${s}</li>`)}
    </ol>
  </section>`;
}

function nextSteps(r: ItemResult): string[] {
  const label = r.item.label || r.item.plistPath;
  if (r.verdict === 'high-cpu') {
    return [
      `Check whether ${label} is software the owner knows (a backup, an indexer, a build): busy is not bad.`,
      'If it is expected, approve it in Launchwatch so it stays quiet until it changes.',
    ];
  }
  return [
    `Disable it with Launchwatch (Disable on the item, or "launchwatch disable ${label}"): it unloads the item, stops its processes and keeps the property list in quarantine, so Undo can put it back.`,
    r.item.program
      ? `Look at ${r.item.program} and the folder it lives in before deleting anything; keep a copy for analysis.`
      : 'Look at what the item runs before deleting anything.',
    'Check the other launch items for the same program, folder or pool: miners often install more than one.',
    'If the owner installed this miner on purpose, approve it instead: it then stays quiet until its plist or program changes.',
  ];
}

/**
 * The item's CPU as an inline SVG (no script, no fonts): straight segments between samples (nothing
 * smoothed, nothing invented), round ticks, both axes titled with their units, the threshold labelled
 * where it does not collide with the line, a marker at each restart, and the chart in words for readers
 * who cannot see it.
 */
export function cpuChart(
  points: CpuPoint[],
  threshold: number,
  label: string,
  zone: MachineFacts | undefined,
  id: string,
): SafeHtml {
  if (points.length < 2) return html`<p class="muted">Not enough samples to draw CPU.</p>`;
  const width = 640;
  const height = 200;
  const pad = { left: 58, right: 14, top: 10, bottom: 40 };
  const yTicks = niceTicks(Math.max(threshold, ...points.map((p) => p.percent)) * 1.05);
  const top = yTicks.at(-1) ?? 100;
  const t0 = points[0]?.t ?? 0;
  const t1 = points.at(-1)?.t ?? t0 + 1;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => pad.left + ((t - t0) / span) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / top) * (height - pad.top - pad.bottom);
  const f = (n: number) => n.toFixed(1);
  const right = width - pad.right;
  const bottom = height - pad.bottom;
  const parts: string[] = [];
  for (const v of yTicks)
    parts.push(
      `<line x1="${pad.left}" x2="${right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e5e5ea"/>`,
      `<text x="${pad.left - 5}" y="${f(y(v) + 3.5)}" text-anchor="end" font-size="10" fill="#6e6e73">${v}%</text>`,
    );
  const elapsed = elapsedTicks(span);
  for (const v of elapsed.ticks) {
    const at = x(t0 + v * elapsed.divisor);
    // The last label ends at the frame's edge instead of running past it.
    const anchor = at > right - 12 ? 'end' : at < pad.left + 12 ? 'start' : 'middle';
    parts.push(
      `<line x1="${f(at)}" x2="${f(at)}" y1="${bottom}" y2="${bottom + 4}" stroke="#8e8e93"/>`,
      `<text x="${f(at)}" y="${bottom + 15}" text-anchor="${anchor}" font-size="10" fill="#6e6e73">${v}</text>`,
    );
  }
  parts.push(
    `<line x1="${pad.left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#8e8e93"/>`,
    `<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${bottom}" stroke="#8e8e93"/>`,
    `<text x="${f((pad.left + right) / 2)}" y="${height - 4}" text-anchor="middle" font-size="10.5" fill="#3a3a3c">time since ${escapeHtml(formatTime(t0, zone))} (${elapsed.unit})</text>`,
    `<text transform="translate(13 ${f((pad.top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="10.5" fill="#3a3a3c">CPU, % of one core</text>`,
  );
  const place = thresholdLabelPlace(points, threshold, y, pad.top, bottom);
  const labelY = place === 'below-right' ? y(threshold) + 12 : y(threshold) - 4;
  const labelX = place === 'above-left' ? pad.left + 4 : right - 2;
  parts.push(
    `<line x1="${pad.left}" x2="${right}" y1="${f(y(threshold))}" y2="${f(y(threshold))}" stroke="#c2410c" stroke-dasharray="4 4"/>`,
    `<text x="${f(labelX)}" y="${f(labelY)}" text-anchor="${place === 'above-left' ? 'start' : 'end'}" font-size="10" fill="#c2410c">threshold ${threshold}%</text>`,
    `<polyline points="${points.map((p) => `${f(x(p.t))},${f(y(p.percent))}`).join(' ')}" fill="none" stroke="#0a64d8" stroke-width="2" stroke-linejoin="round"/>`,
  );
  for (const p of points.filter((q) => q.restarted))
    parts.push(
      `<g class="restart"><line x1="${f(x(p.t))}" x2="${f(x(p.t))}" y1="${pad.top}" y2="${bottom}" stroke="#6d28d9" stroke-dasharray="2 3"/>` +
        `<circle cx="${f(x(p.t))}" cy="${f(y(p.percent))}" r="3.5" fill="#6d28d9"/><title>restarted: a new process at ${escapeHtml(formatTime(p.t, zone))}</title></g>`,
    );
  const description = chartDescription(points, threshold, label, (ms) => formatTime(ms, zone));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="__ID__-t __ID__-d">` +
    `<title id="__ID__-t">${escapeHtml(`CPU of ${label}`)}</title><desc id="__ID__-d">${escapeHtml(description)}</desc>${parts.join('')}</svg>`;
  return html`<figure>
    ${trusted(svg.split('__ID__').join(id))}
    <figcaption class="muted">${description}</figcaption>
  </figure>`;
}

function name(r: ItemResult): string {
  return r.item.label || r.item.plistPath;
}
