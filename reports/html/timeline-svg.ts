// A case's timeline as an inline SVG: one lane per start of the SUT (failure-free run first, then
// every start of the faulty run), a bar from start to exit, SUT events as ticks coloured by kind,
// faults as diamonds; every mark has a tooltip (<title>) with its stored details, escaped.

import { escapeHtml } from './escape-html.js';
import { eventCategory, type EventCategory } from './event-category.js';
import { niceTicks } from './svg-axis.js';
import type { TimelineMark, TimelineRun } from './timeline-mark.js';

const WIDTH = 1100;
const LABEL_W = 170;
const LANE_H = 36;
const TOP = 8;
const AXIS_H = 28;
const LEGEND_ROW_H = 16;
const LEGEND_ROWS = 2;
const DETAIL_CHARS_MAX = 400;
const CATEGORIES: readonly EventCategory[] = ['batch', 'checkpoint', 'output', 'crash-point', 'recovery', 'other'];

export function timelineSvg(marks: readonly TimelineMark[], label: string): string {
  const lanes = laneKeys(marks);
  const maxMs = Math.max(1, ...marks.map((m) => m.atMs));
  const ticks = niceTicks(maxMs);
  const span = ticks.at(-1)!;
  const plotW = WIDTH - LABEL_W - 16;
  const x = (ms: number) => (LABEL_W + (ms / span) * plotW).toFixed(1);
  const height = TOP + lanes.length * LANE_H + AXIS_H + LEGEND_ROWS * LEGEND_ROW_H;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" aria-label="${escapeHtml(label)}">`];

  lanes.forEach((lane, i) => {
    const y = TOP + i * LANE_H;
    const here = marks.filter((m) => m.run === lane.run && m.attempt === lane.attempt);
    const start = here.find((m) => m.type === 'start');
    const exit = here.find((m) => m.type === 'exit');
    const from = start?.atMs ?? Math.min(...here.map((m) => m.atMs));
    const to = exit?.atMs ?? Math.max(...here.map((m) => m.atMs));
    const name = lane.run === 'failure-free' ? `failure-free start ${lane.attempt}` : lane.attempt === 1 ? 'faulty start 1' : `faulty start ${lane.attempt} (restart)`;
    out.push(`<text x="4" y="${y + LANE_H / 2 + 4}">${escapeHtml(name)}</text>`);
    const clean = exit?.type === 'exit' && exit.exitType === 'clean';
    out.push(
      `<rect x="${x(from)}" y="${y + 4}" width="${Math.max(1, Number(x(to)) - Number(x(from))).toFixed(1)}" height="${LANE_H - 10}" fill="${clean ? '#e3f1e4' : exit === undefined ? '#eeeeee' : '#fbe3e1'}" stroke="#bbb">` +
        `<title>${escapeHtml(`${name}: ${from} ms to ${exit === undefined ? 'no exit stored' : `${to} ms`}`)}</title></rect>`,
    );
    for (const m of here) {
      const tip = `<title>${escapeHtml(`${m.atMs} ms${m.type === 'start' || m.type === 'exit' ? (m.derived ? ' (derived from stored durations)' : '') : ''}: ${describe(m)}`)}</title>`;
      switch (m.type) {
        case 'start':
          out.push(`<path class="mark-start" d="M${x(m.atMs)} ${y + 4} l6 ${(LANE_H - 10) / 2} l-6 ${(LANE_H - 10) / 2} z" fill="#455a64">${tip}</path>`);
          break;
        case 'exit':
          out.push(`<rect class="mark-exit" x="${Number(x(m.atMs)) - 1.5}" y="${y + 2}" width="3" height="${LANE_H - 6}" fill="${m.exitType === 'clean' ? '#2e7d32' : '#b71c1c'}">${tip}</rect>`);
          break;
        case 'event': {
          const c = eventCategory(m.name);
          const band = CATEGORIES.indexOf(c);
          out.push(`<rect class="mark-event" x="${Number(x(m.atMs)) - 0.75}" y="${y + 5 + band * 4}" width="1.5" height="6" fill="${colour(c)}">${tip}</rect>`);
          break;
        }
        case 'garbage':
          out.push(`<circle class="mark-garbage" cx="${x(m.atMs)}" cy="${y + LANE_H - 8}" r="3" fill="#ff9800">${tip}</circle>`);
          break;
        case 'fault':
          out.push(
            `<path class="mark-fault" d="M${x(m.atMs)} ${y - 1} l6 7 l-6 7 l-6 -7 z" fill="${m.injected ? '#d50000' : '#ffffff'}" stroke="#d50000" stroke-width="1.5">${tip}</path>`,
          );
          break;
        default: {
          const never: never = m;
          throw new Error(`unknown timeline mark ${JSON.stringify(never)}`);
        }
      }
    }
  });

  const axisY = TOP + lanes.length * LANE_H + 4;
  out.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${WIDTH - 16}" y2="${axisY}" stroke="#888"/>`);
  for (const t of ticks) out.push(`<line x1="${x(t)}" y1="${axisY}" x2="${x(t)}" y2="${axisY + 4}" stroke="#888"/><text x="${x(t)}" y="${axisY + 16}" text-anchor="middle">${t} ms</text>`);

  const legendY = axisY + AXIS_H;
  const legend: [string, string][] = [
    ...CATEGORIES.map((c): [string, string] => [colour(c), `event: ${c}`]),
    ['#d50000', 'fault (hollow: not injected)'],
    ['#ff9800', 'line that is not an event'],
  ];
  // Half the entries a row: the labels are ours and short, so two rows always fit.
  legend.forEach(([fill, text], i) => {
    const perRow = Math.ceil(legend.length / LEGEND_ROWS);
    const lx = LABEL_W + (i % perRow) * ((WIDTH - LABEL_W) / perRow);
    const ly = legendY + Math.floor(i / perRow) * LEGEND_ROW_H;
    out.push(`<rect x="${lx.toFixed(1)}" y="${ly - 9}" width="10" height="10" fill="${fill}"/><text x="${(lx + 14).toFixed(1)}" y="${ly}">${escapeHtml(text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function laneKeys(marks: readonly TimelineMark[]): { run: TimelineRun; attempt: number }[] {
  const keys = new Map<string, { run: TimelineRun; attempt: number }>();
  for (const m of marks) keys.set(`${m.run === 'failure-free' ? 0 : 1}:${String(m.attempt).padStart(6, '0')}`, { run: m.run, attempt: m.attempt });
  return [...keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}

function describe(m: TimelineMark): string {
  switch (m.type) {
    case 'start':
      return `${m.run} start ${m.attempt}`;
    case 'exit':
      return `exit: ${m.detail}`;
    case 'event':
      return `${m.name} ${cut(m.detail)}`;
    case 'garbage':
      return `not an event: ${cut(m.detail)}`;
    case 'fault':
      return `fault ${m.kind}${m.injected ? ' injected' : ' not injected'} ${cut(m.detail)}`;
    default: {
      const never: never = m;
      throw new Error(`unknown timeline mark ${JSON.stringify(never)}`);
    }
  }
}

function colour(c: EventCategory): string {
  switch (c) {
    case 'batch':
      return '#1565c0';
    case 'checkpoint':
      return '#2e7d32';
    case 'output':
      return '#6a1b9a';
    case 'crash-point':
      return '#c62828';
    case 'recovery':
      return '#00838f';
    case 'other':
      return '#9e9e9e';
    default: {
      const never: never = c;
      throw new Error(`unknown event category ${JSON.stringify(never)}`);
    }
  }
}

function cut(text: string): string {
  return text.length <= DETAIL_CHARS_MAX ? text : `${text.slice(0, DETAIL_CHARS_MAX)}… (${text.length} chars)`;
}
