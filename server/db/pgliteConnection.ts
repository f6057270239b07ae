/**
 * node-postgres's connection to the embedded PGlite backend, sending each extended-protocol
 * exchange (parse, bind, describe, execute … sync) to PGlite in one call, as a socket would carry
 * it in one write. PGlite's own adapter (@electric-sql/pglite/node-postgres) makes one call into
 * the WebAssembly backend per message — four or five per statement — and each call costs as
 * much as a small query. Messages PGlite answers are emitted under the names node-postgres
 * listens for, in order.
 */
import { EventEmitter } from 'node:events';
import { type PGlite, protocol } from '@electric-sql/pglite';

const { serialize } = protocol;

export class PgliteConnection extends EventEmitter {
  /** Read by node-postgres: statements parsed on this backend, which outlives each client. */
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};
  /** Checked by pg's Client.end(). */
  _connecting = false;
  /** pg's Client.end() destroys the stream when a query is still active. */
  readonly stream = { destroy: () => this.end() };
  #pending: Uint8Array[] = [];
  #queue: Promise<unknown>;

  constructor(private readonly pglite: PGlite) {
    super();
    this.#queue = pglite.waitReady;
  }

  #hold(message: Uint8Array): void {
    this.#pending.push(message);
  }

  #send(message?: Uint8Array): void {
    if (message) this.#pending.push(message);
    const batch = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#queue = this.#queue
      .then(() => this.pglite.execProtocolStream(batch, { throwOnError: false }))
      .then((messages) => {
        for (const m of messages) this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
      })
      .catch((e) => this.emit('error', e));
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  // The backend is already there: nothing to negotiate.
  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(config: Parameters<typeof serialize.parse>[0]): void {
    this.#hold(serialize.parse(config));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.#hold(serialize.bind(config));
  }
  describe(config: Parameters<typeof serialize.describe>[0]): void {
    this.#hold(serialize.describe(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.#hold(serialize.execute(config));
  }
  close(config: Parameters<typeof serialize.close>[0]): void {
    this.#hold(serialize.close(config));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }

  /** Like a socket closing: the backend stays (it belongs to the Db), the ended client's listeners go. */
  end(): void {
    this.#pending = [];
    this.#queue = this.#queue.then(() => this.emit('end'));
    for (const name of this.eventNames()) if (name !== 'newListener') this.removeAllListeners(name);
  }
}
