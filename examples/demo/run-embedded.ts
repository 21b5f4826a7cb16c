import { createMemoryDpopReplayStore } from '@jwks-kit/core';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { startAuthService } from '../auth-service/src/start-auth-service.js';
import { startOrdersService } from '../orders-service/src/start-orders-service.js';
import { startProfileService } from '../profile-service/src/start-profile-service.js';
import type { DemoConfig } from './config.js';
import { expiredTokenMinter } from './mint-expired-token.js';
import type { RunningDemo } from './running-demo.js';

/**
 * Without Redis: the three apps in this one process, on their three ports, sharing one embedded
 * denylist and refresh store, plus a second orders app (the "replica") sharing the first one's
 * in-memory DPoP replay store. That is the only way in-memory stores can agree; production (several
 * processes, replicas) needs Redis.
 */
export async function runEmbedded(config: DemoConfig): Promise<RunningDemo> {
  const denylist = createMemoryDenylist({ issuer: config.auth.issuerUrl });
  const auth = await startAuthService(config.auth, { denylist });
  const started: Array<Readonly<{ close: () => Promise<void> }>> = [auth];
  try {
    // Both orders apps record proofs in one store, as replicas over one Redis would.
    const dpopReplayStore = createMemoryDpopReplayStore();
    started.push(await startOrdersService(config.orders, { denylist, dpopReplayStore }));
    started.push(await startOrdersService(config.ordersReplica, { denylist, dpopReplayStore }));
    started.push(await startProfileService(config.profile, { denylist }));
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    await denylist.close();
    throw error;
  }
  return {
    mintExpiredToken: expiredTokenMinter(config.auth.issuerUrl, auth.keyRing),
    stop: async () => {
      await Promise.all(started.map((s) => s.close()));
      await denylist.close();
    },
  };
}
