import { CountingProxy } from './counting-proxy.mjs';

/**
 * A TCP proxy between the service and Redis that reads (never changes) the client's side of RESP
 * and counts commands by name and client writes (each write is one round trip's request: a
 * pipeline goes out in one write). Counted on the wire because the Redis server is shared: its
 * INFO commandstats would mix in every other client's commands.
 */
export class RespCounter extends CountingProxy {
  constructor(targetHost, targetPort) {
    super(targetHost, targetPort);
    this.totals = { writes: 0, commands: 0 };
    this.byName = new Map();
  }

  watch() {
    const state = { buffer: Buffer.alloc(0) };
    return (chunk) => {
      this.totals.writes++;
      this.read(state, chunk);
    };
  }

  /** Whole commands (`*N` arrays of bulk strings) out of the buffer; a partial one waits for more. */
  read(state, chunk) {
    state.buffer = state.buffer.length ? Buffer.concat([state.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const command = parseCommand(state.buffer, offset);
      if (!command) break;
      this.totals.commands++;
      this.byName.set(command.name, (this.byName.get(command.name) ?? 0) + 1);
      offset = command.end;
    }
    state.buffer = offset === state.buffer.length ? Buffer.alloc(0) : Buffer.from(state.buffer.subarray(offset));
  }

  snapshot() {
    return { at: Date.now(), ...this.totals, byName: new Map(this.byName) };
  }

  static delta(before, after) {
    const byName = new Map();
    for (const [name, count] of after.byName) {
      const grown = count - (before.byName.get(name) ?? 0);
      if (grown > 0) byName.set(name, grown);
    }
    return { ms: after.at - before.at, writes: after.writes - before.writes, commands: after.commands - before.commands, byName };
  }
}

function line(buffer, offset) {
  const end = buffer.indexOf('\r\n', offset);
  return end < 0 ? undefined : { text: buffer.toString('latin1', offset, end), next: end + 2 };
}

/** One RESP command at `offset`: its name (upper case) and where it ends, or undefined if incomplete. */
function parseCommand(buffer, offset) {
  if (offset >= buffer.length) return undefined;
  const header = line(buffer, offset);
  if (!header) return undefined;
  if (header.text[0] !== '*') return { name: header.text.split(' ')[0].toUpperCase(), end: header.next }; // inline command
  const count = Number(header.text.slice(1));
  let at = header.next;
  let name = '';
  for (let i = 0; i < count; i++) {
    const size = line(buffer, at);
    if (!size) return undefined;
    const length = Number(size.text.slice(1));
    if (size.next + length + 2 > buffer.length) return undefined;
    if (i === 0) name = buffer.toString('latin1', size.next, size.next + length).toUpperCase();
    at = size.next + length + 2;
  }
  return { name, end: at };
}
