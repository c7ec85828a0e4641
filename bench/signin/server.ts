/**
 * One benchmark server process: the baseline app or Riskgate behind the demo app, on 127.0.0.1 and a
 * free port, over the backend named in argv[2] (JSON). Started by processes.ts with an IPC channel: it
 * reports {port} once listening and exits when told (SIGTERM) or when the parent goes away.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createRiskgate, type Riskgate } from '../../src/riskgate.js';
import { createDemoApp } from '../../src/demo/app.js';
import type { Store } from '../../src/storage/types.js';
import { createBaselineApp } from './baseline.js';
import { openBenchStore, type BackendSpec } from './backends.js';

export interface ServerConfig {
  kind: 'baseline' | 'riskgate';
  backend: BackendSpec;
  sessionSecret: string;
  encryptionKey: string;
  sessionMaxAgeMinutes: number;
  throttle: { windowSeconds: number; maxPerIp: number; maxPerUsername: number };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as ServerConfig;
  let store: Store;
  let riskgate: Riskgate | null = null;
  let app;
  if (config.kind === 'baseline') {
    // The very store Riskgate opens from these settings: same users table, same session store.
    store = await openBenchStore(config.backend);
    app = createBaselineApp({
      users: store.users,
      sessions: store.sessions,
      sessionSecret: config.sessionSecret,
      maxAgeMs: config.sessionMaxAgeMinutes * 60_000,
    });
  } else {
    riskgate = await createRiskgate({
      // The same settings an install gives: Riskgate opens its store (SQLite / PostgreSQL / + Redis) itself.
      ...config.backend.settings,
      // Production settings (cached templates), minus the Secure cookie flag: this is plain HTTP on loopback.
      production: true,
      cookieSecure: false,
      sessionSecret: config.sessionSecret,
      encryptionKey: config.encryptionKey,
      sessionMaxAgeMinutes: config.sessionMaxAgeMinutes,
      // The benchmark posts from one home address, forwarded by a "proxy" on loopback.
      trustProxy: 'loopback',
      logLevel: 'silent',
      // Generous on purpose: every sign-in comes from one IP, and users sign in many times.
      throttle: config.throttle,
    });
    app = createDemoApp(riskgate);
    store = riskgate.store;
  }

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Let requests still in flight (the tail of a load window) finish before the store closes.
    // A session touch or save may still be on its way to the store just after the last response.
    const closeStore = () =>
      void (riskgate ? riskgate.close() : store.close()).finally(() => process.exit(0));
    server.close(() => setTimeout(closeStore, 300));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
    // Never linger: the parent waits for this exit.
    setTimeout(() => process.exit(0), 4000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  process.on('message', (message: { profile?: 'start' | string }) => void profiler(message));
  process.send?.({ port });
}

/**
 * profile.ts's measured window: {profile: 'start'} starts V8's sampling profiler, {profile: <file>}
 * stops it and writes the profile there; each is answered {profiled: true}. Only the requests sent in
 * between are in the profile (the sign-in page GETs that prepare them are not).
 */
const inspector = new Session();
async function profiler(message: { profile?: 'start' | string }): Promise<void> {
  if (message.profile === undefined) return;
  if (message.profile === 'start') {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await inspector.post('Profiler.start');
  } else {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(message.profile, JSON.stringify(profile));
    inspector.disconnect();
  }
  process.send?.({ profiled: true });
}

main().catch((error: unknown) => {
  console.error('bench server failed to start:', error);
  process.exit(1);
});
