/**
 * Structured JSON logs, one object per line on stdout. Callers pass only fields they chose: never a
 * request body, a token, an ID number or a phone (requests are logged by route pattern, not URL).
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function write(level: string, msg: string, fields?: LogFields): void {
  process.stdout.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
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
