/**
 * Fail closed: when a backing service is down nothing is decided without it. Users get a calm 503 page
 * (or JSON for API clients) with Retry-After; nothing about the failure leaks, and no request hangs.
 */
import type { Request, Response } from 'express';

export const RETRY_AFTER_SECONDS = 30;

export function sendUnavailable(
  req: Request,
  res: Response,
  renderPage: (() => Promise<void>) | null,
): Promise<void> {
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.setHeader('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json' || !renderPage) {
    res
      .status(503)
      .json({ error: { code: 'unavailable', message: 'Temporarily unavailable. Try again in a moment.' } });
    return Promise.resolve();
  }
  return renderPage().catch(() => {
    if (!res.headersSent)
      res.status(503).type('text').send('Temporarily unavailable. Try again in a moment.');
  });
}

/** True when the store does not answer a ping within `timeoutMs`. */
export async function storeIsDown(ping: () => Promise<void>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return (await Promise.race([ping().then(() => 'up' as const), timeout])) === 'timeout';
  } catch {
    return true;
  } finally {
    clearTimeout(timer);
  }
}
