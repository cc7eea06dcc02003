/**
 * What a benchmark hands back to `npm run bench`: its human report and the figures that go into the
 * summary table on stdout and the JSON file under bench/results/. A figure is a byte count, or a
 * measurement set against a baseline measured in the same run (`ratio` = value / baseline.value).
 */
export interface BenchFigure {
  /** Stable key, e.g. `P3.sqlite.ratio`, so runs can be compared over time. */
  id: string;
  /** What was measured, in words. */
  what: string;
  value: number;
  unit: string;
  baseline?: { what: string; value: number; unit: string };
  ratio?: number;
  /** The goal in words, e.g. `≤ 35 kB` or `≥ 50% of the bare insert`. */
  goal?: string;
  met?: boolean;
}

export interface BenchReport {
  text: string;
  figures: BenchFigure[];
}

/** A benchmark returns a plain text report (older ones) or a report with figures. */
export type BenchOutcome = string | BenchReport;

/** A number as the table shows it: at most 3 significant digits past the integer part. */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 100 ? Math.round(x).toLocaleString('en-US') : abs >= 1 ? x.toFixed(1) : x.toFixed(3);
}

/** The summary table of every figure: what, value, baseline, ratio, goal, met. */
export function formatTable(figures: BenchFigure[]): string {
  const header = ['id', 'value', 'baseline (same run)', 'ratio', 'goal', 'met'];
  const rows = figures.map((f) => [
    f.id,
    `${num(f.value)} ${f.unit}`,
    f.baseline ? `${num(f.baseline.value)} ${f.baseline.unit} (${f.baseline.what})` : '',
    f.ratio === undefined ? '' : `${num(f.ratio)}`,
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const what = figures.map((f) => `  ${f.id}: ${f.what}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...what].join('\n');
}
