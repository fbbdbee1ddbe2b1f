import { CountingProxy } from './counting-proxy.mjs';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * A TCP proxy between the service and PostgreSQL that reads (never changes) the client's side of
 * the wire protocol and counts what the service asks of the database:
 * - round trips: one per simple Query ('Q') and one per Sync ('S') closing an extended query;
 * - statements: one per 'Q' and per Execute ('E'), grouped by their SQL text;
 * - transactions: explicit BEGIN … COMMIT blocks plus statements run outside one.
 * Counting on the wire needs no server setting (pg_stat_statements is often not preloaded) and
 * sees exactly the round trips the target is written in.
 */
export class WireCounter extends CountingProxy {
  constructor(targetHost, targetPort) {
    super(targetHost, targetPort);
    this.totals = { roundTrips: 0, statements: 0, transactions: 0, connections: 0, opaqueConnections: 0 };
    this.byText = new Map();
  }

  watch() {
    this.totals.connections++;
    const state = { buffer: Buffer.alloc(0), startup: true, opaque: false, inBlock: false, prepared: new Map() };
    return (chunk) => {
      if (!state.opaque) this.read(state, chunk);
    };
  }

  read(state, chunk) {
    state.buffer = state.buffer.length ? Buffer.concat([state.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (state.startup) {
        if (state.buffer.length - offset < 8) break;
        const length = state.buffer.readInt32BE(offset);
        const code = state.buffer.readInt32BE(offset + 4);
        if (length < 8 || length > 10_000) {
          // TLS or something else we cannot read: pass it through uncounted.
          state.opaque = true;
          this.totals.opaqueConnections++;
          return;
        }
        if (state.buffer.length - offset < length) break;
        offset += length;
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) continue;
        state.startup = code !== PROTOCOL_3 ? state.startup : false;
        continue;
      }
      if (state.buffer.length - offset < 5) break;
      const type = String.fromCharCode(state.buffer[offset]);
      const length = state.buffer.readInt32BE(offset + 1);
      if (state.buffer.length - offset < 1 + length) break;
      this.message(state, type, state.buffer.subarray(offset + 5, offset + 1 + length));
      offset += 1 + length;
    }
    state.buffer = offset === state.buffer.length ? Buffer.alloc(0) : Buffer.from(state.buffer.subarray(offset));
  }

  message(state, type, body) {
    if (type === 'Q') {
      this.totals.roundTrips++;
      this.statement(state, cString(body, 0).text);
    } else if (type === 'P') {
      const name = cString(body, 0);
      state.prepared.set(name.text, cString(body, name.end).text);
    } else if (type === 'B') {
      const portal = cString(body, 0);
      state.lastBound = state.prepared.get(cString(body, portal.end).text);
    } else if (type === 'E') {
      this.statement(state, state.lastBound ?? '?');
    } else if (type === 'S') {
      this.totals.roundTrips++;
    }
  }

  statement(state, sql) {
    this.totals.statements++;
    const text = sql.replace(/\s+/g, ' ').trim();
    this.byText.set(text, (this.byText.get(text) ?? 0) + 1);
    const head = text.slice(0, 20).toUpperCase();
    if (/^(BEGIN|START TRANSACTION)/.test(head)) {
      state.inBlock = true;
      this.totals.transactions++;
    } else if (/^(COMMIT|ROLLBACK|END)\b/.test(head) && !/^ROLLBACK TO/.test(head)) {
      state.inBlock = false;
    } else if (!state.inBlock) {
      this.totals.transactions++;
    }
  }

  snapshot() {
    return { at: Date.now(), ...this.totals, byText: new Map(this.byText) };
  }

  /** What happened between two snapshots. */
  static delta(before, after) {
    const byText = new Map();
    for (const [text, count] of after.byText) {
      const grown = count - (before.byText.get(text) ?? 0);
      if (grown > 0) byText.set(text, grown);
    }
    return {
      ms: after.at - before.at,
      roundTrips: after.roundTrips - before.roundTrips,
      statements: after.statements - before.statements,
      transactions: after.transactions - before.transactions,
      byText,
    };
  }
}

function cString(buffer, start) {
  const end = buffer.indexOf(0, start);
  return { text: buffer.toString('utf8', start, end), end: end + 1 };
}
