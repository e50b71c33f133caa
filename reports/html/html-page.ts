// The frame of every HTML page streamcheck writes: one self-contained file with its styles inline, no
// script at all and a Content-Security-Policy that forbids any (and every fetch), so a page stays
// readable offline and a string a SUT printed can never run as code even if escaping failed.

import { escapeHtml } from './escape-html.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { --pass: #2e7d32; --fail: #c62828; --unknown: #ef6c00; --flaky: #ad1457; --nondeterministic: #6a1b9a; --unfinished: #757575; --ink: #1d1d1f; --rule: #d9d9de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f6; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre, code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; } pre { background: #f6f6f8; border: 1px solid var(--rule); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.verdict { font-size: 16px; font-weight: 700; padding: 8px 12px; border-radius: 4px; color: #fff; display: inline-block; }
.v-pass { background: var(--pass); } .v-fail { background: var(--fail); } .v-flaky { background: var(--flaky); } .v-nondeterministic { background: var(--nondeterministic); } .v-unknown { background: var(--unknown); } .v-unfinished { background: var(--unfinished); }
.t-pass { color: var(--pass); } .t-fail { color: var(--fail); font-weight: 600; } .t-flaky { color: var(--flaky); font-weight: 600; } .t-nondeterministic { color: var(--nondeterministic); font-weight: 600; } .t-unknown { color: var(--unknown); font-weight: 600; } .t-unfinished { color: var(--unfinished); }
.muted { color: #666; } .note { color: #555; font-size: 13px; max-width: 900px; }
nav a { margin-right: 12px; } section.case { border-left: 4px solid var(--fail); padding-left: 12px; margin: 24px 0; }
section.case.unknown { border-left-color: var(--unknown); } section.case.flaky { border-left-color: var(--flaky); } section.case.nondeterministic { border-left-color: var(--nondeterministic); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } figure { margin: 0; } figcaption { font-size: 12px; color: #555; max-width: 560px; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
tr.hit td { background: #fdecea; }
`;

export function htmlPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
