/**
 * The counting proxy against the real server: `node --test bench/` (needs BENCH_DATABASE_URL,
 * DATABASE_URL or the local default). Run by hand; vitest does not look under bench/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { WireCounter } from './wire-counter.mjs';

const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const target = new URL(url);
const counter = new WireCounter(target.hostname, Number(target.port || 5432));
let client;

before(async () => {
  await counter.start();
  client = new pg.Client({ connectionString: counter.wrap(url) });
  await client.connect();
});

after(async () => {
  await client.end();
  await counter.stop();
});

async function measure(work) {
  const start = counter.snapshot();
  await work();
  return WireCounter.delta(start, counter.snapshot());
}

test('a query without parameters is one round trip, statement and transaction', async () => {
  const delta = await measure(() => client.query('SELECT 1'));
  assert.deepEqual([delta.roundTrips, delta.statements, delta.transactions], [1, 1, 1]);
  assert.equal(delta.byText.get('SELECT 1'), 1);
});

test('a query with parameters (extended protocol) is one round trip', async () => {
  const delta = await measure(() => client.query('SELECT $1::int + 1 AS n', [41]));
  assert.deepEqual([delta.roundTrips, delta.statements, delta.transactions], [1, 1, 1]);
  assert.equal(delta.byText.get('SELECT $1::int + 1 AS n'), 1);
});

test('an explicit transaction counts once, its statements and round trips each', async () => {
  const delta = await measure(async () => {
    await client.query('BEGIN');
    await client.query('SELECT $1::text', ['a']);
    await client.query('SELECT $1::text', ['b']);
    await client.query('COMMIT');
  });
  assert.deepEqual([delta.roundTrips, delta.statements, delta.transactions], [4, 4, 1]);
  assert.equal(delta.byText.get('SELECT $1::text'), 2);
});

test('a message split over many TCP chunks is read whole', async () => {
  const big = 'x'.repeat(300_000);
  const delta = await measure(() => client.query('SELECT length($1::text) AS n', [big]));
  assert.deepEqual([delta.roundTrips, delta.statements], [1, 1]);
  assert.equal(delta.byText.get('SELECT length($1::text) AS n'), 1);
});
