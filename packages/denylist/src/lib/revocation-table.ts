import { DenylistError } from '../errors.js';
import type { RevocationClaims } from '../denylist.js';
import { detachedString } from './detached-string.js';
import { revocationClaimMembers } from '@jwks-kit/core';
import { isIssuedBefore, isValidId, type Revocation } from './revocation-rules.js';

/** A subject or session rule: tokens issued before `at` (seconds) fall under it until `expires` (an {@link ExpirySlot}). */
interface SubjectEntry {
  at: number;
  expires: ExpirySlot;
}

/**
 * An expiry held as whole seconds after {@link SLOT_EPOCH_SECONDS}, rounded up (an entry lives at most 999 ms longer:
 * fail closed). Until 2059 it is a small integer, which V8 stores in the map slot itself; a millisecond timestamp
 * would be a heap number, one more object per entry for every full garbage collection to visit.
 */
type ExpirySlot = number;

/** 2025-01-01T00:00:00Z. */
const SLOT_EPOCH_SECONDS = 1_735_689_600;

const toSlot = (expiresAtMs: number): ExpirySlot => Math.ceil(expiresAtMs / 1000) - SLOT_EPOCH_SECONDS;

const toMs = (slot: ExpirySlot): number => (slot + SLOT_EPOCH_SECONDS) * 1000;

/**
 * In-process revocations, by namespace (issuer) then id, each with its absolute expiry (to the second, rounded up).
 * Used by the memory store and by the Redis mirror. Adding keeps the stronger entry (later expiry, later `at`),
 * so merging the same revocation twice, or in any order, is harmless. A new entry's id is copied
 * ({@link detachedString}) so that the table never keeps the string it was cut from alive.
 */
export class RevocationTable {
  readonly #jtis = new Map<string, Map<string, ExpirySlot>>();
  readonly #subjects = new Map<string, Map<string, SubjectEntry>>();
  readonly #sessions = new Map<string, Map<string, SubjectEntry>>();
  readonly #maxEntries: number;
  #size = 0;
  #earliestExpiryMs = Infinity;
  #sweeper: Generator<void, void, number> | undefined;
  #addedDuringSweepMs = Infinity;

  /** `maxEntries`: live entries allowed; adding one more throws `ERR_DENYLIST_FULL`. */
  constructor(maxEntries = Infinity) {
    this.#maxEntries = maxEntries;
  }

  /** Number of entries held (expired ones included until the next sweep). */
  get size(): number {
    return this.#size;
  }

  /** Adds or strengthens a revocation; returns true when the table changed. */
  add(revocation: Revocation, nowMs: number): boolean {
    if (revocation.expiresAtMs <= nowMs) return false;
    const expires = toSlot(revocation.expiresAtMs);
    if (revocation.kind === 'jti') {
      const byId = this.#jtis.get(revocation.ns);
      const current = byId?.get(revocation.id);
      if (current !== undefined && current >= expires) return false;
      // replacing an expired entry keeps the map's own key: set() never swaps a key already present
      const id = current === undefined ? this.#newEntryId(revocation.id, nowMs) : revocation.id;
      this.#namespace(this.#jtis, revocation.ns).set(id, expires);
    } else {
      const rules = revocation.kind === 'subject' ? this.#subjects : this.#sessions;
      const current = rules.get(revocation.ns)?.get(revocation.id);
      if (current !== undefined && toMs(current.expires) > nowMs) {
        if (current.at >= revocation.at && current.expires >= expires) return false;
        current.at = Math.max(current.at, revocation.at);
        current.expires = Math.max(current.expires, expires);
        return true;
      }
      const id = current === undefined ? this.#newEntryId(revocation.id, nowMs) : revocation.id;
      this.#namespace(rules, revocation.ns).set(id, { at: revocation.at, expires });
    }
    const expiresAtMs = toMs(expires);
    if (expiresAtMs < this.#earliestExpiryMs) this.#earliestExpiryMs = expiresAtMs;
    if (expiresAtMs < this.#addedDuringSweepMs) this.#addedDuringSweepMs = expiresAtMs;
    return true;
  }

  /**
   * True when the token is revoked. A jti or sub that is present but not a valid id counts as
   * revoked (never "not revoked" by accident), and so does a missing iat under a subject revocation.
   */
  isRevoked(claims: RevocationClaims, ns: string, nowMs: number): boolean {
    const { jti, sub, sid, iat } = revocationClaimMembers(claims);
    if (jti !== undefined) {
      if (!isValidId(jti)) return true;
      const expires = this.#jtis.get(ns)?.get(jti);
      if (expires !== undefined && toMs(expires) > nowMs) return true;
    }
    if (sub !== undefined) {
      if (!isValidId(sub)) return true;
      const entry = this.#subjects.get(ns)?.get(sub);
      if (entry !== undefined && toMs(entry.expires) > nowMs && isIssuedBefore(iat, entry.at)) return true;
    }
    if (sid !== undefined) {
      if (!isValidId(sid)) return true;
      const entry = this.#sessions.get(ns)?.get(sid);
      if (entry !== undefined && toMs(entry.expires) > nowMs && isIssuedBefore(iat, entry.at)) return true;
    }
    return false;
  }

  /** Removes expired entries; returns how many were removed. */
  sweep(nowMs: number): number {
    const before = this.#size;
    const walk = this.#sweepWalk();
    walk.next();
    while (!walk.next(nowMs).done);
    if (this.#sweeper !== undefined) this.#sweeper = undefined; // this pass covered it
    return before - this.#size;
  }

  /**
   * Removes expired entries incrementally: visits at most `maxVisits` entries from where the previous call
   * stopped (starting over once it has been through every map), so that a large table is swept in slices
   * that never hold the event loop. Returns how many were removed.
   */
  sweepSome(nowMs: number, maxVisits: number): number {
    const before = this.#size;
    if (this.#sweeper === undefined) {
      this.#sweeper = this.#sweepWalk();
      this.#sweeper.next();
    }
    for (let i = 0; i < maxVisits; i++) {
      if (this.#sweeper.next(nowMs).done) {
        this.#sweeper = undefined;
        break;
      }
    }
    return before - this.#size;
  }

  /**
   * One pass over every entry, one entry per `next(nowMs)`: deletes the expired ones and, at the end, records
   * the earliest expiry of those left (entries added during the pass lowered it as they came).
   */
  *#sweepWalk(): Generator<void, void, number> {
    this.#addedDuringSweepMs = Infinity;
    let earliest = Infinity;
    let nowMs: number = yield;
    for (const maps of [this.#jtis, this.#subjects, this.#sessions] as Map<
      string,
      Map<string, ExpirySlot | SubjectEntry>
    >[]) {
      for (const [ns, byId] of maps) {
        for (const [id, value] of byId) {
          const expiresAtMs = toMs(typeof value === 'number' ? value : value.expires);
          if (expiresAtMs <= nowMs) {
            byId.delete(id);
            this.#size--;
          } else if (expiresAtMs < earliest) {
            earliest = expiresAtMs;
          }
          nowMs = yield;
        }
        if (byId.size === 0) maps.delete(ns);
      }
    }
    this.#earliestExpiryMs = Math.min(earliest, this.#addedDuringSweepMs);
  }

  /** Every live entry, for writing back what a restarted Redis lost. */
  *entries(nowMs: number): Generator<Revocation> {
    for (const [ns, byId] of this.#jtis) {
      for (const [id, expires] of byId) {
        const expiresAtMs = toMs(expires);
        if (expiresAtMs > nowMs) yield { kind: 'jti', ns, id, expiresAtMs };
      }
    }
    for (const [kind, rules] of [
      ['subject', this.#subjects],
      ['session', this.#sessions],
    ] as const) {
      for (const [ns, byId] of rules) {
        for (const [id, entry] of byId) {
          const expiresAtMs = toMs(entry.expires);
          if (expiresAtMs > nowMs) yield { kind, ns, id, at: entry.at, expiresAtMs };
        }
      }
    }
  }

  /** Drops everything. */
  clear(): void {
    this.#jtis.clear();
    this.#subjects.clear();
    this.#sessions.clear();
    this.#size = 0;
    this.#earliestExpiryMs = Infinity;
    this.#sweeper = undefined;
  }

  /** Makes room for one more entry (or throws `ERR_DENYLIST_FULL`); answers the table's own copy of its id. */
  #newEntryId(id: string, nowMs: number): string {
    if (this.#size >= this.#maxEntries && nowMs >= this.#earliestExpiryMs) this.sweep(nowMs);
    if (this.#size >= this.#maxEntries) {
      throw new DenylistError(
        'ERR_DENYLIST_FULL',
        `the denylist holds its maximum of ${this.#maxEntries} live revocations`,
      );
    }
    this.#size++;
    return detachedString(id);
  }

  #namespace<V>(maps: Map<string, Map<string, V>>, ns: string): Map<string, V> {
    let byId = maps.get(ns);
    if (byId === undefined) {
      byId = new Map();
      maps.set(ns, byId);
    }
    return byId;
  }
}
