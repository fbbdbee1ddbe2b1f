import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

/**
 * Sends `total` webhooks with `concurrency` senders, each with its own Idempotency-Key, and retries
 * — as a real sender does — after a connection error or a 503 (honouring Retry-After up to
 * `maxRetryWaitMs`), always with the same key. Other answers are final. `onAccepted(count)` fires
 * after every 2xx, so a scenario can break things at chosen points of the run.
 */
export async function sendWebhooks({ url, total, concurrency, keyPrefix, onAccepted = () => undefined, deadlineMs = 120_000, maxRetryWaitMs = 500 }) {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 2000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const answers = new Map();
  const stats = { accepted: 0, duplicateAnswers: 0, connectionErrors: 0, status503: 0, otherStatuses: {}, gaveUp: 0, conflictingIds: 0 };
  const deadline = Date.now() + deadlineMs;
  let next = 0;

  const sendOne = async (index) => {
    const key = `${keyPrefix}-${index}`;
    const body = JSON.stringify({ score: index % 100, email: `sender${index}@example.com` });
    for (let attempt = 1; ; attempt++) {
      let wait = Math.min(maxRetryWaitMs, 25 * attempt);
      try {
        const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body, dispatcher });
        const text = await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const answer = JSON.parse(text);
          const earlier = answers.get(key);
          if (earlier && earlier !== answer.executionId) stats.conflictingIds++;
          if (answer.duplicate) stats.duplicateAnswers++;
          answers.set(key, answer.executionId);
          stats.accepted++;
          onAccepted(stats.accepted);
          return;
        }
        if (response.statusCode === 503) {
          stats.status503++;
          const retryAfter = Number(response.headers['retry-after']);
          if (Number.isFinite(retryAfter)) wait = Math.min(maxRetryWaitMs, retryAfter * 1000);
        } else {
          stats.otherStatuses[response.statusCode] = (stats.otherStatuses[response.statusCode] ?? 0) + 1;
          return;
        }
      } catch {
        stats.connectionErrors++;
      }
      if (Date.now() > deadline) {
        stats.gaveUp++;
        return;
      }
      await sleep(wait);
    }
  };

  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await sendOne(next++);
    }),
  );
  await dispatcher.close();
  return { answers, stats, ms: Date.now() - started };
}
