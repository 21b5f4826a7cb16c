import { setTimeout as delay } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import { withTimeout } from './with-timeout.js';

/** What a {@link StreamReader} needs. */
export interface StreamReaderConfig {
  /** A connection of the reader's own (it blocks in XREAD): made with `client.duplicate()`, closed by the reader. */
  readonly connection: Redis | Cluster;
  readonly key: string;
  /** Id to read after (exclusive), e.g. `0-0` for the whole stream. */
  readonly from: string;
  /** XREAD BLOCK time; an idle reader sends one XREAD per `blockMs`. */
  readonly blockMs: number;
  /** Slack past `blockMs` before an unanswered XREAD counts as a dead connection (then reconnected). */
  readonly stepTimeoutMs: number;
  /** Pause before retrying after a failure. */
  readonly retryDelayMs: number;
  /** Handles one entry, in stream order (synchronous). */
  readonly onEntry: (id: string, fields: readonly string[]) => void;
  /** Runs before the first read after the connection came back; a throw retries it after `retryDelayMs`. */
  readonly afterReconnect: () => Promise<void>;
  /** Called when the reader starts or stops following the stream live. */
  readonly onLiveChange: (live: boolean) => void;
  /** Reports a failure (the reader retries by itself). */
  readonly onError: (cause: unknown) => void;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Entries asked for per XREAD: a backlog (a reader started or resumed behind many writes) then arrives in replies of a
 * few hundred kilobytes, each parsed and handled in a few ms with the event loop free between them, instead of one
 * reply holding the whole backlog in memory and the event loop for as long as it takes to parse.
 */
export const STREAM_READ_COUNT = 1000;

/**
 * Follows one Redis Stream with `XREAD BLOCK` on a dedicated connection, from a given id, entry by entry;
 * after a dropped connection it resumes from the last id it handled (after `afterReconnect`).
 */
export class StreamReader {
  readonly key: string;
  #position: string;
  #live = false;
  #wasLive = false;
  #closed = false;
  #resetDuringRead = false;
  /** Set when the connection closed: the loop checks the stream before its next read. */
  #dropped = false;
  #abortRead: (() => void) | undefined;
  readonly #config: StreamReaderConfig;
  readonly #done: Promise<void>;

  constructor(config: StreamReaderConfig) {
    this.#config = config;
    this.key = config.key;
    this.#position = config.from;
    // A read in flight when the connection drops is abandoned at once (even if ioredis would resend it):
    // the stream is checked before the next read.
    config.connection.on('close', () => {
      if (this.#wasLive) this.#dropped = true;
      this.#setLive(false);
      this.#abortRead?.();
    });
    this.#done = this.#run();
  }

  /** Id of the last entry handled (or the starting id). */
  get position(): string {
    return this.#position;
  }

  /** True while the reader is connected and reading. */
  get live(): boolean {
    return this.#live;
  }

  /** True once the reader has been live at least once. */
  get wasLive(): boolean {
    return this.#wasLive;
  }

  /** Reads from `id` on (the stream was replaced: a restarted Redis, a failover). */
  restartFrom(id: string): void {
    this.#position = id;
    this.#resetDuringRead = true;
  }

  /** Stops reading and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#setLive(false);
    this.#config.connection.disconnect();
    await this.#done;
  }

  #setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    if (live) this.#wasLive = true;
    if (!this.#closed) this.#config.onLiveChange(live);
  }

  async #run(): Promise<void> {
    const { connection, blockMs, stepTimeoutMs, retryDelayMs } = this.#config;
    if (connection.status === 'wait') connection.connect().catch((cause: unknown) => this.#config.onError(cause));
    while (!this.#closed) {
      if (connection.status !== 'ready') {
        this.#setLive(false);
        if (connection.status === 'end') connection.connect().catch(() => undefined);
        if (this.#wasLive) this.#dropped = true;
        await delay(25);
        continue;
      }
      if (this.#dropped) {
        try {
          this.#dropped = false;
          await this.#config.afterReconnect();
        } catch (cause) {
          this.#dropped = true;
          if (!this.#closed) this.#config.onError(cause);
          await delay(retryDelayMs);
          continue;
        }
        if (this.#dropped) continue; // dropped again during the check
      }
      this.#setLive(true);
      this.#resetDuringRead = false;
      let reply: XReadReply;
      try {
        const read = connection.xread(
          'COUNT',
          STREAM_READ_COUNT,
          'BLOCK',
          blockMs,
          'STREAMS',
          this.key,
          this.#position,
        ) as Promise<XReadReply>;
        const aborted = new Promise<XReadReply>((_resolve, reject) => {
          this.#abortRead = () => reject(new Error(`the connection reading ${this.key} closed`));
        });
        // whichever loses the race settles later, unobserved
        read.catch(() => undefined);
        aborted.catch(() => undefined);
        reply = await withTimeout(
          Promise.race([read, aborted]),
          blockMs + stepTimeoutMs,
          () => new Error(`XREAD on ${this.key} unanswered ${blockMs + stepTimeoutMs} ms`),
        );
      } catch (cause) {
        if (this.#closed) break;
        this.#setLive(false);
        this.#config.onError(cause);
        this.#dropped = true;
        // an unanswered XREAD means a dead connection: drop it and let ioredis reconnect
        if (connection.status === 'ready') connection.disconnect(true);
        await delay(retryDelayMs);
        continue;
      }
      this.#abortRead = undefined;
      if (this.#closed) break;
      if (this.#dropped) continue; // closed after the reply: check before reading on
      // after restartFrom(), what this read returned is read again from the new position
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          if (this.#resetDuringRead) break;
          this.#position = id;
          this.#config.onEntry(id, fields);
        }
      }
    }
  }
}
