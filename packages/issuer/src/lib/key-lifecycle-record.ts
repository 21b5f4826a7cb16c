import type { KeyLifecycle } from '../key-store.js';

type LifecycleTime = Exclude<keyof KeyLifecycle, 'state'>;

/** Each life-cycle time and the name `@jwks-kit/issuer` 0.1 stored it under (same value, milliseconds). */
const TIMES: readonly (readonly [name: LifecycleTime, previousName: string, required: boolean])[] = [
  ['createdAtMs', 'createdAt', true],
  ['activatesAtMs', 'activatesAt', true],
  ['activatedAtMs', 'activatedAt', false],
  ['retiredAtMs', 'retiredAt', false],
  ['removeAtMs', 'removeAt', false],
];

/**
 * The one reader of a stored key record's life-cycle times (file and Redis key stores alike): each time
 * under its name, or, for records written before the rename, under its previous name (`createdAt` →
 * `createdAtMs`, …). Answers a copy of `record` that carries only the current names, so the next write
 * stores the current shape. Throws an Error naming the first time that is missing (required) or not a
 * finite number; `at` names the record in the message.
 */
export function decodeKeyLifecycleTimes(
  record: Readonly<Record<string, unknown>>,
  at: string,
): Record<string, unknown> {
  const decoded: Record<string, unknown> = { ...record };
  for (const [name, previousName, required] of TIMES) {
    const value = Object.hasOwn(record, name) ? record[name] : record[previousName];
    delete decoded[previousName];
    if (value === undefined && !required) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${at}.${name} is not a number`);
    decoded[name] = value;
  }
  return decoded;
}
