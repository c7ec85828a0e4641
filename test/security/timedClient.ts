/**
 * Posts from a worker thread and times each answer there. The live servers of these suites run in
 * the test's own process: work a route leaves for after its answer (the reset link's look-up and
 * mail) would hold up an in-process client's reading of that answer, though a real client, on
 * another machine, has it already. A worker has an event loop of its own, as a remote client would.
 */
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ id, url, headers, body }) => {
  try {
    const started = process.hrtime.bigint();
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
    await res.arrayBuffer();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    parentPort.postMessage({ id, status: res.status, ms });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});`;

export interface Timed {
  status: number;
  ms: number;
}

export class TimedClient {
  private readonly worker = new Worker(WORKER, { eval: true });
  private next = 0;

  post(url: string, headers: Record<string, string>, form: Record<string, string>): Promise<Timed> {
    const id = (this.next += 1);
    return new Promise((resolve, reject) => {
      const onMessage = (message: { id: number; status?: number; ms?: number; error?: string }) => {
        if (message.id !== id) return;
        this.worker.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve({ status: message.status!, ms: message.ms! });
      };
      this.worker.on('message', onMessage);
      const body = new URLSearchParams(form).toString();
      this.worker.postMessage({
        id,
        url,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
