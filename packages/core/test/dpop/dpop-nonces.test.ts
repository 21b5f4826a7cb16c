import { randomBytes } from 'node:crypto';
import { createDpopNonces } from '../../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createDpopNonces', () => {
  const secret = randomBytes(32);

  it('accepts the nonce of the current and of the previous window only', () => {
    const nonces = createDpopNonces({ secret, windowSeconds: 60 });
    const issued = nonces.issue(6000);
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nonces.issue(6059)).toBe(issued);
    expect(nonces.issue(6060)).not.toBe(issued);
    expect(nonces.accepts(issued, 6000)).toBe(true);
    expect(nonces.accepts(issued, 6119)).toBe(true);
    expect(nonces.accepts(issued, 6120)).toBe(false);
    expect(nonces.accepts(issued, 5999)).toBe(false);
    expect(nonces.accepts(`${issued}x`, 6000)).toBe(false);
    expect(nonces.accepts(undefined, 6000)).toBe(false);
  });

  it('two replicas with the same secret agree, with no shared state; another secret does not', () => {
    const a = createDpopNonces({ secret });
    const b = createDpopNonces({ secret: Buffer.from(secret) });
    const c = createDpopNonces({ secret: randomBytes(32) });
    expect(b.accepts(a.issue(1_800_000_000), 1_800_000_030)).toBe(true);
    expect(c.accepts(a.issue(1_800_000_000), 1_800_000_000)).toBe(false);
  });

  it('answers the same after jumping back and forth in time (window cache)', () => {
    const nonces = createDpopNonces({ secret, windowSeconds: 10 });
    const at100 = nonces.issue(100);
    nonces.issue(5000);
    expect(nonces.issue(100)).toBe(at100);
    expect(nonces.accepts(at100, 110)).toBe(true);
    expect(nonces.accepts(at100, 120)).toBe(false);
  });

  it('real time: a nonce of a 1 s window is refused once two windows have passed', async () => {
    const nonces = createDpopNonces({ secret, windowSeconds: 1 });
    const issued = nonces.issue(Date.now() / 1000);
    expect(nonces.accepts(issued, Date.now() / 1000)).toBe(true);
    await sleep(2100);
    expect(nonces.accepts(issued, Date.now() / 1000)).toBe(false);
  });

  it.each([
    [{ secret: randomBytes(31) }, 'option `secret`'],
    [{ secret: 'a'.repeat(64) }, 'option `secret`'],
    [{ secret, windowSeconds: 0 }, 'option `windowSeconds`'],
    [{ secret, windowSeconds: 1.5 }, 'option `windowSeconds`'],
  ])('refuses %p', (options, message) => {
    expect(() => createDpopNonces(options as never)).toThrow(message);
  });
});
