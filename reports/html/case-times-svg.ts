// Time per case as an inline SVG bar chart, one bar per case in case order, coloured by verdict:
// slow cases and where failures sit in the suite are visible at a glance.

import type { CaseLine } from '../suite-report.js';
import type { VerdictName } from '../../harness/store/store.js';
import { escapeHtml } from './escape-html.js';
import { niceTicks } from './svg-axis.js';

const WIDTH = 1100;
const HEIGHT = 220;
const LEFT = 52;
const BOTTOM = 34;
const TOP = 10;

export function caseTimesSvg(cases: readonly CaseLine[], anchorOf: (caseIndex: number) => string | null): string {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="case-times" role="img" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-label="time per case">`;
  const timed = cases.filter((c) => c.durationMs !== null);
  if (timed.length === 0) return `${head}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no case has a stored duration</text></svg>`;
  const ticks = niceTicks(Math.max(...timed.map((c) => c.durationMs!)), 4);
  const yMax = ticks.at(-1)!;
  const plotW = WIDTH - LEFT - 12;
  const plotH = HEIGHT - TOP - BOTTOM;
  const step = plotW / cases.length;
  const out = [head];
  for (const t of ticks) {
    const y = TOP + plotH - (t / yMax) * plotH;
    out.push(`<line x1="${LEFT}" y1="${y.toFixed(1)}" x2="${LEFT + plotW}" y2="${y.toFixed(1)}" stroke="#eee"/><text x="${LEFT - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end">${t >= 1000 ? `${t / 1000} s` : `${t} ms`}</text>`);
  }
  cases.forEach((c, i) => {
    if (c.durationMs === null) return;
    const h = (c.durationMs / yMax) * plotH;
    const bar =
      `<rect class="bar verdict-${c.verdict ?? 'unfinished'}" x="${(LEFT + i * step).toFixed(1)}" y="${(TOP + plotH - h).toFixed(1)}" width="${Math.max(0.5, step - 1).toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${colour(c.verdict)}">` +
      `<title>${escapeHtml(`case ${c.caseIndex} (${c.scenario}): ${c.verdict ?? 'unfinished'}, ${c.durationMs} ms`)}</title></rect>`;
    const anchor = anchorOf(c.caseIndex);
    out.push(anchor === null ? bar : `<a href="#${escapeHtml(anchor)}">${bar}</a>`);
  });
  out.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="#888"/>`);
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">cases in order (index ${cases[0]!.caseIndex} to ${cases.at(-1)!.caseIndex}); green pass, red fail, orange unknown, grey unfinished</text>`);
  out.push('</svg>');
  return out.join('\n');
}

function colour(v: VerdictName | null): string {
  switch (v) {
    case 'pass':
      return '#66bb6a';
    case 'fail':
      return '#c62828';
    case 'unknown':
      return '#ef6c00';
    case 'skipped':
      return '#90a4ae';
    case null:
      return '#9e9e9e';
    default: {
      const never: never = v;
      throw new Error(`unknown verdict ${JSON.stringify(never)}`);
    }
  }
}
