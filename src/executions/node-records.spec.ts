import { describe, expect, it } from 'vitest';
import type { NodeExecution } from './execution.types.js';
import { expandNodeRecords, MAX_STORED_VALUE_BYTES, scrubSecrets, serializeNodeRecords, toJsonb } from './node-records.js';

const record = (overrides: Partial<NodeExecution>): NodeExecution => ({
  nodeId: 'n1',
  nodeName: 'Node',
  nodeType: 'set',
  status: 'SUCCESS',
  input: null,
  output: null,
  error: null,
  attempts: 1,
  startedAt: null,
  completedAt: null,
  executionTime: null,
  ...overrides,
});

describe('node records as stored', () => {
  it('truncates an input or output over 1 MiB with a marker and keeps the rest', () => {
    const big = 'x'.repeat(MAX_STORED_VALUE_BYTES + 10);
    const [stored] = JSON.parse(serializeNodeRecords([record({ input: { small: 1 }, output: { big } })], {}));
    expect(stored.input).toEqual({ small: 1 });
    expect(stored.output).toEqual({ truncated: true, bytes: MAX_STORED_VALUE_BYTES + 20 });
  });

  describe('forEach elements', () => {
    const element = (index: number, output: unknown, status: 'SUCCESS' | 'FAILED' = 'SUCCESS') => ({ index, status, attempts: 1, output, error: status === 'FAILED' ? 'boom' : null });

    it('keeps elements whole under the limit, also when the record is stored by reference', () => {
      const trigger = { body: {} };
      const elements = [element(0, { a: 1 }), element(1, { error: 'boom' }, 'FAILED')];
      const [, stored] = JSON.parse(serializeNodeRecords([record({ nodeName: 'T', output: trigger }), record({ input: trigger, output: [{ a: 1 }, { error: 'boom' }], elements })], {}, undefined, { triggerData: trigger }));
      expect(stored.inputRef).toBe('triggerData');
      expect(stored.elements).toEqual(elements);
    });

    it('truncates an element output over 1 MiB, and every one when together they are over it', () => {
      const big = 'x'.repeat(MAX_STORED_VALUE_BYTES);
      const one = JSON.parse(serializeNodeRecords([record({ elements: [element(0, { big }), element(1, 'small')] })], {}))[0];
      expect(one.elements).toEqual([element(0, { truncated: true, bytes: MAX_STORED_VALUE_BYTES + 10 }), element(1, 'small')]);
      const half = 'y'.repeat(MAX_STORED_VALUE_BYTES / 2);
      const all = JSON.parse(serializeNodeRecords([record({ elements: [element(0, half), element(1, half), element(2, null, 'FAILED')] })], {}))[0];
      expect(all.elements.map((e: { output: unknown }) => e.output)).toEqual([{ truncated: true, bytes: MAX_STORED_VALUE_BYTES / 2 + 2 }, { truncated: true, bytes: MAX_STORED_VALUE_BYTES / 2 + 2 }, null]);
      expect(all.elements[2]).toMatchObject({ status: 'FAILED', error: 'boom' });
    });

    it('drops successful elements outputs under saveNodeData errorsOnly', () => {
      const [stored] = JSON.parse(serializeNodeRecords([record({ elements: [element(0, { a: 1 }), element(1, { error: 'boom' }, 'FAILED')] })], { saveNodeData: 'errorsOnly' }));
      expect(stored.elements.map((e: { output: unknown }) => e.output)).toEqual([null, { error: 'boom' }]);
    });
  });

  it('drops successful nodes data under saveNodeData errorsOnly, keeping failures', () => {
    const stored = JSON.parse(serializeNodeRecords([record({ output: { a: 1 } }), record({ status: 'FAILED', output: { error: 'x' }, error: 'x' })], { saveNodeData: 'errorsOnly' }));
    expect(stored[0].output).toBeNull();
    expect(stored[1].output).toEqual({ error: 'x' });
  });

  it('replaces NUL characters that jsonb cannot hold, but not an escaped backslash followed by u0000', () => {
    expect(JSON.parse(toJsonb({ a: 'x\u0000y' }))).toEqual({ a: 'x\ufffdy' });
    expect(JSON.parse(toJsonb({ a: '\\u0000' }))).toEqual({ a: '\\u0000' });
  });

  it('replaces unpaired surrogates that jsonb cannot hold, and keeps pairs and escaped text', () => {
    expect(JSON.parse(toJsonb({ a: 'x\ud800y', b: 'z\udfff', c: '\ud83d\ude00' }))).toEqual({ a: 'x\ufffdy', b: 'z\ufffd', c: '\ud83d\ude00' });
    expect(JSON.parse(toJsonb({ a: '\\ud800' }))).toEqual({ a: '\\ud800' });
  });

  it('scrubs the encoded forms of a secret: JSON-escaped twice, URL- and form-encoded, base64 with Bearer/Basic and inside longer base64', () => {
    const token = 'to"k\\en +&=x';
    const secrets = new Set([token, 'user:pa55word']);
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const inJson = b64(JSON.stringify({ n: 12, token }));
    // What a target echoed (as a node's output or error quotes it), and the part that must go.
    const echoed: Array<[string, string]> = [
      [`body ${JSON.stringify({ token })}`, JSON.stringify(token).slice(1, -1)],
      [encodeURIComponent(token), encodeURIComponent(token)],
      [new URLSearchParams({ token }).toString(), new URLSearchParams({ token }).toString().slice(6)],
      [b64(`Bearer ${token}`), b64(`Bearer ${token}`)],
      [b64(`Basic ${b64('user:pa55word')}`), b64(`Basic ${b64('user:pa55word')}`)],
      [inJson, inJson.slice(12, -8)],
    ];
    for (const [text, secretPart] of echoed) {
      const scrubbed = JSON.parse(scrubSecrets(JSON.stringify({ text }), secrets)).text;
      expect(scrubbed, text).toContain('[redacted]');
      expect(scrubbed, text).not.toContain(secretPart);
    }
  });

  it('scrubs credential values in raw, JSON-escaped and base64 form', () => {
    const secrets = new Set(['s3cr"et-token', 'user:pa55word']);
    const text = JSON.stringify({ echoed: 's3cr"et-token', header: `Basic ${Buffer.from('user:pa55word').toString('base64')}` });
    const scrubbed = scrubSecrets(text, secrets);
    expect(scrubbed).not.toContain('s3cr');
    expect(scrubbed).not.toContain(Buffer.from('user:pa55word').toString('base64'));
    expect(JSON.parse(scrubbed)).toEqual({ echoed: '[redacted]', header: 'Basic [redacted]' });
    const stored = serializeNodeRecords([record({ error: 'failed with s3cr"et-token', output: { error: 'x s3cr"et-token' } })], {}, secrets);
    expect(stored).not.toContain('s3cr');
  });

  it('stores a value passed on unchanged once, as a reference, and reads the records back whole', () => {
    const trigger = { body: { email: 'a@b.c' }, headers: { host: 'x' } };
    const shaped = { to: 'a@b.c' };
    const records = [
      record({ nodeName: 'Webhook', nodeType: 'trigger', output: trigger }),
      record({ nodeName: 'Check', nodeType: 'condition', input: trigger, output: trigger }),
      record({ nodeName: 'Shape', input: trigger, output: shaped }),
      record({ nodeName: 'Pass', nodeType: 'noOp', input: shaped, output: shaped }),
      record({ nodeName: 'Other', input: { to: 'a@b.c' }, output: 1 }),
    ];
    const json = serializeNodeRecords(records, {}, undefined, { triggerData: trigger });
    const stored = JSON.parse(json);
    // The request is not in the records at all (it has its own column); the set node's output is
    // in them once, and so is an equal value that is another object (no deep comparison).
    expect(json.split('"a@b.c"')).toHaveLength(3);
    expect(stored.map((r: { inputRef?: string; outputRef?: string }) => [r.inputRef ?? null, r.outputRef ?? null])).toEqual([
      [null, 'triggerData'],
      ['triggerData', 'triggerData'],
      ['triggerData', null],
      ['output:Shape', 'output:Shape'],
      [null, null],
    ]);
    expect(expandNodeRecords(stored, trigger)).toEqual(records);
    // Without references (progress another replica may continue), every value is stored whole.
    expect(JSON.parse(serializeNodeRecords(records, {}))).toEqual(records);
  });

  it('never references a value dropped under errorsOnly, and reads a reference to oversized trigger data back truncated', () => {
    const shaped = { to: 'a@b.c' };
    const stored = JSON.parse(
      serializeNodeRecords([record({ nodeName: 'Shape', output: shaped }), record({ nodeName: 'Send', status: 'FAILED', input: shaped, output: { error: 'x' }, error: 'x' })], { saveNodeData: 'errorsOnly' }, undefined, { triggerData: null }),
    );
    expect(stored[1]).toMatchObject({ input: { to: 'a@b.c' } });
    expect(stored[1].inputRef).toBeUndefined();

    const hugeTrigger = { body: 'x'.repeat(MAX_STORED_VALUE_BYTES + 10) };
    const json = serializeNodeRecords([record({ nodeName: 'Webhook', nodeType: 'trigger', output: hugeTrigger })], {}, undefined, { triggerData: hugeTrigger });
    expect(json.length).toBeLessThan(1000);
    const [trigger] = expandNodeRecords(JSON.parse(json), hugeTrigger);
    expect(trigger.output).toEqual({ truncated: true, bytes: MAX_STORED_VALUE_BYTES + 21 });
  });
});
