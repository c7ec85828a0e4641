/** A real pino destination that keeps lines in memory, so tests read exactly what operators would. */
import { Writable } from 'node:stream';

export class MemoryLog extends Writable {
  readonly raw: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') this.raw.push(line);
    done();
  }

  get lines(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  text(): string {
    return this.raw.join('\n');
  }

  /** The completion line is written on the response's `finish`, which can trail the client. */
  async waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 1000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no matching log line in:\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
