// The parts of a stored verdict (cases.verdict_json, harness/check/verdict.ts's Verdict) a report
// shows: the first anomaly with its expected and received values, and the checkers that could not
// decide. Read defensively: the JSON may come from an older harness, or be cut short.

export interface StoredAnomaly {
  kind: string;
  checker: string;
  output: string | null;
  batchTimeMs: number | null;
  key: string | null;
  expected: unknown;
  received: unknown;
  message: string;
}

export interface StoredVerdict {
  anomaly: StoredAnomaly | null;
  /** Every failing checker's anomaly, in checker order (the first is `anomaly`). */
  failures: StoredAnomaly[];
  /** Checkers that threw or could not decide, with their error. */
  unknowns: { checker: string; error: string }[];
}

export function storedVerdict(json: string | null): StoredVerdict {
  let v: unknown;
  try {
    v = json === null ? null : JSON.parse(json);
  } catch {
    v = null;
  }
  const x = record(v);
  const results = (Array.isArray(x['results']) ? (x['results'] as unknown[]) : []).map(record);
  const failures = results.filter((r) => r['type'] === 'fail').flatMap((r) => {
    const a = anomalyOf(r['anomaly']);
    return a === null ? [] : [a];
  });
  const unknowns = results.filter((r) => r['type'] === 'unknown').map((r) => ({ checker: str(r, 'checker') ?? '(not stored)', error: str(r, 'error') ?? '' }));
  return { anomaly: anomalyOf(x['anomaly']), failures, unknowns };
}

function anomalyOf(v: unknown): StoredAnomaly | null {
  const a = record(v);
  const kind = str(a, 'kind');
  if (kind === null) return null;
  return {
    kind,
    checker: str(a, 'checker') ?? '(not stored)',
    output: str(a, 'output'),
    batchTimeMs: typeof a['batchTimeMs'] === 'number' ? a['batchTimeMs'] : null,
    key: str(a, 'key'),
    expected: a['expected'],
    received: a['received'],
    message: str(a, 'message') ?? '',
  };
}

function str(o: Record<string, unknown>, k: string): string | null {
  return typeof o[k] === 'string' ? (o[k] as string) : null;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
