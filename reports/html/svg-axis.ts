// Evenly spaced "nice" axis ticks (1, 2 or 5 times a power of ten) from 0 to at least max, so every
// chart in the HTML report reads on round numbers (stepMin 1 for counts, which have no halves).

export function niceTicks(max: number, count = 6, stepMin = 0): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = Math.max(stepMin, max / count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
