import { ownMember } from '@jwks-kit/core';
import type { Denylist, RevocationClaims } from './denylist.js';
import type { DenylistHealth } from './denylist-health.js';
import {
  claimsNamespace,
  planJtiRevocation,
  planSessionRevocation,
  planSubjectRevocation,
  resolveRevocationSettings,
} from './lib/revocation-rules.js';
import { RevocationTable } from './lib/revocation-table.js';
import { denylistTelemetry } from './lib/denylist-telemetry.js';
import type { Revocation } from './lib/revocation-rules.js';
import { optionalNumber } from './lib/validate-options.js';

/** Options of {@link createMemoryDenylist}. */
export type MemoryDenylistOptions = Readonly<{
  /** The `iss` of the tokens: the namespace used when `revoke`/`revokeSubject` get no issuer and claims carry no `iss`. */
  issuer: string;
  /** Seconds a jti revocation outlives `exp` (match the verifier's clock leeway or exceed it). @default 60 */
  leewaySeconds?: number;
  /**
   * Longest access-token lifetime the issuer grants. A subject revocation is kept this long (plus
   * leeway) after `at`; an `exp` further ahead than this is refused as absurd. @default 86400
   */
  maxTokenLifetimeSeconds?: number;
  /**
   * Live revocations held at most. When full, expired entries are swept; if none can go, the new
   * revocation rejects with `ERR_DENYLIST_FULL` (a revocation is never dropped silently). @default 100000
   */
  maxEntries?: number;
  /** How often expired entries are swept out, in milliseconds (0 disables the timer). @default 60000 */
  sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}>;

/** The memory store: answers `check()` synchronously. */
export interface MemoryDenylist extends Denylist {
  check(claims: RevocationClaims): boolean;
  /** Resolves at once (nothing to load); present so that every store can be awaited alike. */
  ready(): Promise<void>;
  /** Always `ok` (nothing to connect to). */
  health(): DenylistHealth;
  /** Entries held, expired ones included until the next sweep. */
  readonly size: number;
}

/**
 * Creates the embedded, single-process denylist: bounded, expiring, no I/O. Fit for one process or
 * the demo; several replicas need the Redis store so that they agree.
 */
export function createMemoryDenylist(options: MemoryDenylistOptions): MemoryDenylist {
  const settings = resolveRevocationSettings(options);
  const maxEntries = optionalNumber('maxEntries', options.maxEntries, 100_000, 1);
  const sweepIntervalMs = optionalNumber('sweepIntervalMs', options.sweepIntervalMs, 60_000, 0);
  const table = new RevocationTable(maxEntries);
  const { now } = settings;
  const telemetry = denylistTelemetry(undefined);
  const add = (revocation: Revocation | undefined) => {
    if (!revocation) return;
    table.add(revocation, now());
    telemetry.revoked(revocation.kind);
  };
  let timer: NodeJS.Timeout | undefined;
  if (sweepIntervalMs > 0) {
    timer = setInterval(() => table.sweep(now()), sweepIntervalMs);
    timer.unref();
  }

  return {
    async revoke(jti, exp, issuer) {
      add(planJtiRevocation(settings, jti, exp, issuer));
    },
    async revokeSubject(sub, at, issuer) {
      add(planSubjectRevocation(settings, sub, at, issuer));
    },
    async revokeSession(sid, before, issuer) {
      add(planSessionRevocation(settings, sid, before, issuer));
    },
    check: telemetry.check((claims) =>
      table.isRevoked(claims, claimsNamespace(ownMember(claims, 'iss'), settings), now()),
    ),
    async ready() {},
    health: () => ({
      state: 'ok',
      mode: 'memory',
      connection: undefined,
      size: table.size,
      lagMs: undefined,
      unsureForMs: undefined,
      maxStalenessMs: undefined,
      lastSyncAtMs: undefined,
      lastError: undefined,
    }),
    get size() {
      return table.size;
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
