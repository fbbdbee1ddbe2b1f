/** The Redis counting proxy against the real server: `node --test bench/` (REDIS_URL or the local default). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RespCounter } from './resp-counter.mjs';

const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
url.pathname = '/13';
const counter = new RespCounter(url.hostname, Number(url.port || 6379));
let redis;

before(async () => {
  await counter.start();
  redis = new Redis(counter.wrap(url.toString()), { lazyConnect: true });
  await redis.connect();
});

after(async () => {
  redis.disconnect();
  await counter.stop();
});

test('counts each command by name, and a pipeline as one write', async () => {
  const start = counter.snapshot();
  await redis.set('resp-counter-test', 'x'.repeat(70_000));
  await redis.pipeline().get('resp-counter-test').del('resp-counter-test').exec();
  const delta = RespCounter.delta(start, counter.snapshot());
  assert.equal(delta.commands, 3);
  assert.equal(delta.byName.get('SET'), 1);
  assert.equal(delta.byName.get('GET'), 1);
  assert.equal(delta.byName.get('DEL'), 1);
  assert.ok(delta.writes >= 2 && delta.writes <= 4, `writes ${delta.writes}`);
});
