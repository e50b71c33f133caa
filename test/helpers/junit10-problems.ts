// The structure of the junit-10 XSD (Jenkins xunit plugin's junit-10.xsd, the schema most CI tools
// validate against), as a table: which elements may hold which children and attributes, which
// attributes are required, and the time pattern; plus XML 1.0's character set, which the parser does
// not check. Lists every way an XML text breaks it; [] is valid.

import { XMLParser, XMLValidator } from 'fast-xml-parser';

interface ElementRule {
  attributes: readonly string[];
  required?: readonly string[];
  children: readonly string[];
  /** Text content allowed (mixed content or a string type). */
  text: boolean;
}

const RERUN = { attributes: ['message', 'type'], required: ['type'], children: ['stackTrace', 'system-out', 'system-err'], text: true };
const RULES: Record<string, ElementRule> = {
  testsuites: { attributes: ['name', 'time', 'tests', 'failures', 'errors'], children: ['testsuite'], text: false },
  testsuite: {
    attributes: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
    required: ['name', 'tests', 'failures', 'errors'],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
    text: false,
  },
  properties: { attributes: [], children: ['property'], text: false },
  property: { attributes: ['name', 'value'], required: ['name', 'value'], children: [], text: false },
  testcase: {
    attributes: ['name', 'time', 'classname', 'group'],
    required: ['name'],
    children: ['skipped', 'error', 'failure', 'rerunFailure', 'rerunError', 'flakyFailure', 'flakyError', 'system-out', 'system-err'],
    text: false,
  },
  failure: { attributes: ['type', 'message'], children: [], text: true },
  error: { attributes: ['type', 'message'], children: [], text: true },
  skipped: { attributes: ['type', 'message'], children: [], text: true },
  'system-out': { attributes: [], children: [], text: true },
  'system-err': { attributes: [], children: [], text: true },
  stackTrace: { attributes: [], children: [], text: true },
  rerunFailure: RERUN,
  rerunError: RERUN,
  flakyFailure: RERUN,
  flakyError: RERUN,
};

/** SUREFIRE_TIME in the XSD. */
const TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Outside XML 1.0's Char production (fast-xml-parser's validator lets these through). */
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function junit10Problems(xml: string): string[] {
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad !== null) return [`not well-formed XML: character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${bad.index}`];
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) return [`not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`];
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: true });
  const doc = parser.parse(xml) as Node[];
  const roots = doc.filter((n) => !Object.keys(n).some((k) => k === '?xml'));
  const problems: string[] = [];
  if (roots.length !== 1 || nameOf(roots[0]!) !== 'testsuites') problems.push(`expected one root <testsuites>, received ${roots.map(nameOf).join(', ') || 'none'}`);
  const visit = (node: Node, where: string): void => {
    const name = nameOf(node);
    if (name === '#text') return;
    const rule = RULES[name];
    const here = `${where}/${name}`;
    if (rule === undefined) {
      problems.push(`${here}: element not in the schema`);
      return;
    }
    const attributes = node[':@'] ?? {};
    for (const a of Object.keys(attributes)) if (!rule.attributes.includes(a)) problems.push(`${here}: attribute "${a}" not allowed`);
    for (const a of rule.required ?? []) if (!(a in attributes)) problems.push(`${here}: required attribute "${a}" missing`);
    if ('time' in attributes && !TIME.test(attributes['time']!)) problems.push(`${here}: time "${attributes['time']}" does not match SUREFIRE_TIME`);
    for (const child of node[name] as Node[]) {
      const childName = nameOf(child);
      if (childName === '#text') {
        if (!rule.text) problems.push(`${here}: text not allowed`);
      } else if (!rule.children.includes(childName)) problems.push(`${here}: child <${childName}> not allowed`);
      else visit(child, here);
    }
  };
  for (const r of roots) visit(r, '');
  return problems;
}

function nameOf(node: Node): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '(empty)';
}
