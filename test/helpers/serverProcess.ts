/** Runs the reference server (`src/server.ts`) as a real process, as `npm start` would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);

export interface ServerProcess {
  url: string;
  firstLine: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import=tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', RISKGATE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(() => {
    throw new Error(`server exited before listening:\n${stderr}`);
  });
  // Log lines may come first on stdout: wait for the server's own "on http://..." line.
  const listening = new Promise<string>((resolve) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => /reference server on http:\/\//.test(l));
      if (line) resolve(line);
    });
  });
  const firstLine = await Promise.race([listening, exited]);
  const url = /(http:\/\/[^/\s]+)\//.exec(firstLine)![1]!;
  return {
    url,
    firstLine,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
