import type { KeyObject } from 'node:crypto';
import type { KeySetHealth } from './key-set-health.js';

/** A public RSA verification key as a Node KeyObject, imported once per kid. */
export type VerificationKey = KeyObject;

/** The keys a verifier checks signatures against, looked up by `kid`. */
export interface KeySet {
  /** Hot path: synchronous map lookup, no I/O. `undefined` when unknown (or when the set is stale). */
  getKey(kid: string): VerificationKey | undefined;
  /** Miss path: refetch at most once per cooldown; in cooldown, resolves `undefined` without waiting unless a fetch is in flight. */
  resolveKey(kid: string): Promise<VerificationKey | undefined>;
  /** Subscribes to keys leaving the set (the verified-token cache drops entries for that kid). Returns an unsubscribe function. */
  on(event: 'keyRemoved', listener: (kid: string) => void): () => void;
  /**
   * Optional: the set's health. When present and not `ok`, an unknown kid is answered 503 `keys_unavailable`
   * (the client did nothing wrong: the keys cannot be had) instead of 401.
   */
  health?(): KeySetHealth;
  /** Optional: resolves once the set holds keys (rejects with why not); awaited by the verifier's `ready()`. */
  ready?(): Promise<void>;
}
