import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody } from '../support/factories.js';
import { startHttpTarget } from '../support/http-target.js';
import type { RecordingServer } from '../support/recording-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 22 item 9: a node retried many times, in many executions, must not pile abort listeners
 * onto a signal that lives longer than one try (Node warns past 10: MaxListenersExceededWarning).
 */
describe('abort listeners of retried nodes', () => {
  let t: TestApp;
  let target: RecordingServer;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await t?.close();
    await target?.close();
  });

  it('retries nodes to their limit, sequentially and side by side, without a MaxListenersExceededWarning', async () => {
    const retried = (name: string, key: string) => ({ name, type: 'httpRequest', parameters: { url: `${target.url}/flaky/${key}?failures=9` }, retryOnFail: true, maxTries: 10, waitBetweenTries: 0 });
    const names = Array.from({ length: 12 }, (_, i) => `Call ${i}`);
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [{ name: 'Start', type: 'trigger' }, ...names.map((name, i) => retried(name, `side-${i}`)), retried('After', 'after')],
        [...names.map((name) => ['Start', name] as [string, string]), ['Call 0', 'After']],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId, t.admin, 60_000);
    expect(execution.status).toBe('COMPLETED');
    for (const name of [...names, 'After']) expect(nodeRecord(execution, name).attempts, name).toBe(10);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(warnings.filter((warning) => /MaxListeners|listener/i.test(warning))).toEqual([]);
  }, 90_000);
});
