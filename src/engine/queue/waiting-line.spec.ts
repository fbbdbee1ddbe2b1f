import { describe, expect, it } from 'vitest';
import { WaitingLine } from './waiting-line.js';

describe('WaitingLine', () => {
  it('keeps FIFO order through takes from the front, removals in the middle, unshifts and compaction', () => {
    const line = new WaitingLine<number>();
    const model: number[] = [];
    for (let i = 0; i < 5000; i++) {
      line.push(i);
      model.push(i);
      if (i % 3 === 0) {
        line.removeAt(0);
        model.shift();
      }
      if (i % 50 === 0 && model.length > 2) {
        line.removeAt(1);
        model.splice(1, 1);
      }
      if (i % 70 === 0) {
        line.unshift(-i);
        model.unshift(-i);
      }
    }
    expect(line.length).toBe(model.length);
    expect(Array.from({ length: line.length }, (_, i) => line.at(i))).toEqual(model);
    expect(line.takeAll()).toEqual(model);
    expect(line.length).toBe(0);
  });
});
