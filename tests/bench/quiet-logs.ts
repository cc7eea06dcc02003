/**
 * Imported first by `run.ts`: the in-process apps some benchmarks drive (P5) would otherwise log a
 * line per request into the report. Server processes the benchmarks start set their own level.
 */
process.env.RUHUI_LOG ??= 'silent';
