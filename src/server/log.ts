/**
 * Structured logs, one line per event on stdout: JSON objects (`RUHUI_LOG_FORMAT=json`, for a log
 * collector) or `time level msg key=value …` text (`RUHUI_LOG_FORMAT=text`, for a person at a terminal).
 * Unset, a terminal gets text and anything else (a pipe, a file, a collector) JSON. Callers pass only fields they chose: never a
 * request body, a token, an ID number or a phone (requests are logged by route pattern, not URL).
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** The line format in force. */
export const LOG_FORMAT: 'json' | 'text' =
  process.env.RUHUI_LOG_FORMAT === 'json' || process.env.RUHUI_LOG_FORMAT === 'text'
    ? process.env.RUHUI_LOG_FORMAT
    : process.stdout.isTTY
      ? 'text'
      : 'json';

/** One log line in `format`. */
export function formatLine(format: 'json' | 'text', t: string, level: string, msg: string, fields?: LogFields): string {
  if (format === 'json') return JSON.stringify({ t, level, msg, ...fields });
  const pairs = Object.entries(fields ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`);
  return [t, level.padEnd(5), msg, ...pairs].join(' ');
}

function write(level: string, msg: string, fields?: LogFields): void {
  process.stdout.write(formatLine(LOG_FORMAT, new Date().toISOString(), level, msg, fields) + '\n');
}

/** The process logger. `RUHUI_LOG=silent` mutes it (tests that start many servers). */
export const log: Logger =
  process.env.RUHUI_LOG === 'silent'
    ? { info() {}, warn() {}, error() {} }
    : {
        info: (m, f) => write('info', m, f),
        warn: (m, f) => write('warn', m, f),
        error: (m, f) => write('error', m, f),
      };

/** An error's name and message, without the stack or any attached data that might hold input. */
export function describeError(err: unknown): LogFields {
  if (err instanceof Error) return { err: err.name, errMsg: err.message.slice(0, 200) };
  return { err: typeof err };
}
