// A distribution as an inline SVG histogram: counts of values in equal-width bins from 0, with the
// median and p90 marked, so a reader sees the spread and the tail rather than one average.

import { escapeHtml } from './escape-html.js';
import { niceTicks } from './svg-axis.js';

const WIDTH = 540;
const HEIGHT = 220;
const LEFT = 40;
const BOTTOM = 36;
const TOP = 12;
const BINS = 20;

export function histogramSvg(values: readonly number[], label: string, unit: string): string {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="histogram" role="img" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-label="${escapeHtml(label)}">`;
  if (values.length === 0) return `${head}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text></svg>`;
  const sorted = [...values].sort((a, b) => a - b);
  const xTicks = niceTicks(sorted.at(-1)!, 5);
  const xMax = xTicks.at(-1)!;
  const width = xMax / BINS;
  const counts = Array.from({ length: BINS }, () => 0);
  for (const v of sorted) counts[Math.min(BINS - 1, Math.floor(v / width))]! += 1;
  const yTicks = niceTicks(Math.max(...counts), 4, 1);
  const yMax = yTicks.at(-1)!;
  const plotW = WIDTH - LEFT - 12;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (v: number) => LEFT + (v / xMax) * plotW;
  const y = (n: number) => TOP + plotH - (n / yMax) * plotH;
  const out = [head];
  counts.forEach((n, i) => {
    if (n === 0) return;
    const from = i * width;
    out.push(
      `<rect class="bar" x="${x(from).toFixed(1)}" y="${y(n).toFixed(1)}" width="${Math.max(1, (plotW / BINS) - 1).toFixed(1)}" height="${(TOP + plotH - y(n)).toFixed(1)}" fill="#5c6bc0">` +
        `<title>${escapeHtml(`${n} of ${sorted.length} between ${round(from)} and ${round(from + width)} ${unit}`)}</title></rect>`,
    );
  });
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  const marks = [['median', rank(0.5), '#2e7d32'], ['p90', rank(0.9), '#c62828']] as const;
  marks.forEach(([name, v, colour], i) => {
    // Labels on their own lines at the right, so close values do not print over each other.
    out.push(`<line x1="${x(v).toFixed(1)}" y1="${TOP}" x2="${x(v).toFixed(1)}" y2="${TOP + plotH}" stroke="${colour}" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${LEFT + plotW}" y="${TOP + 10 + i * 13}" text-anchor="end" fill="${colour}">${name} ${round(v)} ${escapeHtml(unit)}</text>`);
  });
  out.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="#888"/>`);
  for (const t of xTicks) out.push(`<text x="${x(t).toFixed(1)}" y="${TOP + plotH + 14}" text-anchor="middle">${t}</text>`);
  for (const t of yTicks) out.push(`<text x="${LEFT - 4}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(unit)} (n = ${sorted.length})</text>`);
  out.push('</svg>');
  return out.join('\n');
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0);
}
