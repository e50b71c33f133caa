// Durations on the command line: a number and a unit (500ms, 90s, 2m, 1h), nothing else, so that a
// typo is refused with a message instead of silently meaning milliseconds.

import { InvalidArgumentError } from 'commander';

const UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function durationMs(flag: string) {
  return (text: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
    if (m === null) throw new InvalidArgumentError(`${flag} must be a duration like 500ms, 90s, 2m or 1h, received ${JSON.stringify(text)}`);
    return Math.round(Number(m[1]) * UNITS_MS[m[2]!]!);
  };
}

export function positiveInt(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, received ${JSON.stringify(text)}`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be a non-negative integer, received ${JSON.stringify(text)}`);
    return n;
  };
}

export function boundedInt(flag: string, max: number) {
  return (text: string): number => {
    const n = nonNegativeInt(flag)(text);
    if (n > max) throw new InvalidArgumentError(`${flag} must be at most ${max}, received ${n}`);
    return n;
  };
}
