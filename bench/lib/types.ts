import type { Application } from 'express';
import type { ProofKey } from '@jwks-kit/test-kit';

/** What the orchestrator hands every server-under-test process (JSON in `BENCH_CONTEXT`). */
export interface ScenarioContext {
  /** URL of the JWKS served by the orchestrator (outside the measured process). */
  readonly jwksUri: string;
  readonly issuer: string;
  readonly audience: string;
  /** `redis://…` when a scenario needs Redis, otherwise undefined. */
  readonly redisUrl?: string;
  /** Random key prefix of the small denylist (`revocations` entries) and of every other Redis key this run writes. */
  readonly keyPrefix: string;
  /** Size of the distinct-token pool (the verifier's token cache is kept below it). */
  readonly poolSize: number;
  /** Live jti revocations seeded in Redis under `keyPrefix` before any scenario starts (10,000). */
  readonly revocations: number;
  /** Key prefix of the large denylist (`largeRevocations` entries). */
  readonly largeKeyPrefix: string;
  /** Live jti revocations seeded under `largeKeyPrefix` (1,000,000; fewer in quick runs). */
  readonly largeRevocations: number;
  /** Live revocations the memory probe puts in a memory denylist (1,000,000; fewer in quick runs). */
  readonly memoryDenylistEntries: number;
}

/** A server under test: an Express app answering `GET /` with `{ ok: true }` once authorised. */
export interface HttpScenarioModule {
  readonly kind: 'http';
  createApp(ctx: ScenarioContext): Promise<Application> | Application;
  /** Figures of the process under test the orchestrator may ask for (e.g. the denylist mirror's loads). */
  stats?(): Record<string, number>;
  /** Starts something in the background of the process under test (e.g. a mirror's full load); resolves once started. */
  control?(action: string): Promise<void>;
}

/** One measured operation of a micro benchmark (run in a loop inside the pinned process). */
export interface MicroVariant {
  readonly name: string;
  /** One operation; may return a promise (then `concurrency` operations are kept in flight). */
  readonly run: () => unknown;
  /** @default 1 */
  readonly concurrency?: number;
}

/** An in-process benchmark: several variants measured one after the other in the same round. */
export interface MicroBench {
  readonly variants: readonly MicroVariant[];
  close?(): Promise<void>;
}

export interface MicroScenarioModule {
  readonly kind: 'micro';
  setup(ctx: ScenarioContext): Promise<MicroBench>;
}

/** A probe run once in its own process: reports memory figures. */
export interface ProbeScenarioModule {
  readonly kind: 'probe';
  /** `tokens`: valid distinct tokens (sent over IPC: too large for the environment). */
  probe(ctx: ScenarioContext, tokens: readonly string[]): Promise<Record<string, number | string>>;
}

export type ScenarioModule = HttpScenarioModule | MicroScenarioModule | ProbeScenarioModule;

/** How autocannon should hit an HTTP scenario, decided by the pre-flight check. */
export interface LoadPlan {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Rotate `Authorization: Bearer <token>` through the distinct-token pool. */
  readonly rotateTokens?: boolean;
  /** The pool to rotate through, when the scenario brings its own (another algorithm's keys). @default the run's pool */
  readonly pool?: readonly string[];
  /** The status every measured response must have. @default 200 */
  readonly expectStatus?: number;
  /** Headers made afresh for every request (a DPoP proof: each is single-use), merged over `headers`. */
  readonly perRequestHeaders?: () => Readonly<Record<string, string>>;
}

/** Tokens and URLs the parent uses for pre-flight checks and load. */
export interface ParentTokens {
  /** One valid token reused on every request. */
  readonly repeated: string;
  /** Valid tokens, one per request in the distinct-token scenarios. */
  readonly pool: readonly string[];
  /** Same claims, signature from another key with the same kid: must be rejected with 401. */
  readonly badSignature: string;
  /** Valid signature, but its jti is revoked in the seeded denylist. */
  readonly revoked: string;
  /** A DPoP-bound token (`cnf.jkt` of `dpopKey`) and the client key that makes its proofs. */
  readonly dpopBound: string;
  readonly dpopKey: ProofKey;
}

/** Messages between the orchestrator and a server-under-test process. */
export type ParentMessage =
  | { readonly type: 'micro'; readonly durationMs: number }
  | { readonly type: 'probe'; readonly tokens: readonly string[] }
  | { readonly type: 'memory' }
  | { readonly type: 'cpu' }
  | { readonly type: 'stats' }
  | { readonly type: 'control'; readonly action: string }
  | { readonly type: 'close' };

export type ChildMessage =
  | { readonly type: 'ready'; readonly port?: number }
  | { readonly type: 'micro-result'; readonly opsPerSec: Record<string, number> }
  | { readonly type: 'probe-result'; readonly values: Record<string, number | string> }
  | { readonly type: 'memory-result'; readonly rssBytes: number; readonly heapUsedBytes: number }
  | {
      readonly type: 'cpu-result';
      /** User plus system CPU time of the process so far (`process.cpuUsage()`). */
      readonly cpuMicros: number;
      /** The user-space part of `cpuMicros`: what the process's own code (JavaScript, V8, OpenSSL) ran. */
      readonly userMicros: number;
      readonly wallMicros: number;
    }
  | { readonly type: 'stats-result'; readonly values: Record<string, number> }
  | { readonly type: 'control-result' }
  | { readonly type: 'error'; readonly message: string };
