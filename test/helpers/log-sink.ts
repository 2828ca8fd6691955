import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown>;

/** A log destination that keeps every JSON line Parley writes, parsed and as written. */
export function logSink() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return { stream, lines, raw };
}

/** How many times a key is written in one raw JSON line (pino would write a key twice if bound twice). */
export const occurrences = (text: string, key: string) => text.split(`"${key}":`).length - 1;
