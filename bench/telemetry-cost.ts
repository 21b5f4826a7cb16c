/**
 * Cost of the OpenTelemetry instrumentation on the verifier's hot path (`verifySync` of a repeated token:
 * verified-token cache hit + memory denylist), SDK off vs on, in one process, slices interleaved.
 * "off": a verifier created before any SDK is registered (what an application without an SDK runs).
 * "on": a MeterProvider with a Prometheus reader registered globally, then a second verifier.
 * Run: `node --import tsx bench/telemetry-cost.ts` (prints ops/s of each and the ratios).
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import { createAccessTokenVerifier, createLocalKeySet, type AccessTokenVerifier } from '@jwks-kit/verifier';

const ISSUER = 'https://auth.example.com';
const SLICE_MS = 200;
const ROUNDS = Number(process.argv[2] ?? 20);

const keyRing = await createKeyRing({
  store: createMemoryKeyStore(),
  maxJwksCacheAgeMs: 60_000,
  maxTokenLifetimeSeconds: 600,
});
const signer = createAccessTokenSigner({ issuer: ISSUER, keyRing, defaultAudience: 'orders' });
const { token } = await signer.sign({ sub: 'alice', scope: 'orders:read' });
const make = () =>
  createAccessTokenVerifier({
    issuer: ISSUER,
    audience: 'orders',
    keySet: createLocalKeySet({ keys: keyRing.publicJwks().keys.map((key) => ({ ...key })) }),
    denylist: createMemoryDenylist({ issuer: ISSUER }),
  });

await new Promise((resolve) => setTimeout(resolve, 20)); // @opentelemetry/api loaded (no SDK yet)
const off = make();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] }));
const on = make();

function slice(verifier: AccessTokenVerifier): number {
  const deadline = performance.now() + SLICE_MS;
  let ops = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 64; i++) verifier.verifySync(token);
    ops += 64;
  }
  return ops;
}

for (const v of [off, on]) for (let i = 0; i < 3; i++) slice(v); // warm-up, cache admission
const totals = { off: 0, on: 0 };
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const a = slice(off);
  const b = slice(on);
  totals.off += a;
  totals.on += b;
  ratios.push(b / a);
}
ratios.sort((x, y) => x - y);
const perSecond = (ops: number) => Math.round(ops / ((ROUNDS * SLICE_MS) / 1000));
console.log(`verifySync, repeated token (cache hit + memory denylist), ${ROUNDS} rounds of ${SLICE_MS} ms each`);
console.log(`SDK off: ${perSecond(totals.off)} ops/s`);
console.log(`SDK on:  ${perSecond(totals.on)} ops/s`);
console.log(
  `on/off median ${ratios[Math.floor(ratios.length / 2)]?.toFixed(3)} (IQR ${ratios[Math.floor(ratios.length / 4)]?.toFixed(3)}–${ratios[Math.floor((3 * ratios.length) / 4)]?.toFixed(3)})`,
);
