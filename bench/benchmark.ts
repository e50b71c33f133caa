// What every benchmark is and returns: a name for `--only`, a run function, and a result that is both
// data (rows of figures, for the JSON file) and a short Markdown table (for a reader).

export interface TargetCheck {
  what: string;
  target: string;
  /** The measured figure, rendered. */
  measured: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  /** What is measured and how, in one or two sentences (the model, for a derived figure). */
  method: string;
  /** Every measured point with its samples' summaries: the figures, as data. */
  rows: Record<string, unknown>[];
  table: { header: string[]; rows: string[][] };
  targets: TargetCheck[];
  notes: string[];
}

export interface BenchContext {
  /** Smaller inputs and fewer repetitions: a smoke check of the benchmark itself, not figures. */
  quick: boolean;
  /** Scratch space for checkpoint and output directories (tmpfs when available). */
  scratch: string;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
