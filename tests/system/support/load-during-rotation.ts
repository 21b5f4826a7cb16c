import { parseToken } from './compact-jws.js';
import { codeOf, refusalOf, type HttpClient } from './http-client.js';
import { runLoad, type LoadResult } from './run-load.js';
import { login } from './start-system.js';

/** What `/admin/rotate-keys` answers. */
export type Rotated = Readonly<{ previous_kid: string; kid: string }>;

/** Options of {@link loadDuringRotation}. */
export type LoadDuringRotationOptions = Readonly<{
  client: HttpClient;
  /** Where alice logs in, again and again, adding tokens of whichever key is active. */
  loginUrl: string;
  ordersUrl: string;
  profileUrl: string;
  loadMs: number;
  mintEveryMs: number;
  /** Called a third of the way into the load. */
  rotate: () => Promise<Rotated>;
}>;

/** The load's tally, the rotation's answer, and the tokens and kids that were used. */
export type LoadDuringRotationResult = Readonly<{
  result: LoadResult;
  rotated: Rotated;
  tokens: number;
  kids: ReadonlySet<string>;
}>;

/**
 * Closed-loop load (8 loops) on orders `/orders` and profile `/me` with a growing pool of alice's
 * tokens, while `rotate()` runs a third of the way in.
 */
export async function loadDuringRotation(options: LoadDuringRotationOptions): Promise<LoadDuringRotationResult> {
  const { client } = options;
  const pool: string[] = [(await login(options.loginUrl, 'alice')).accessToken];
  const kids = new Set<string>();
  const deadline = Date.now() + options.loadMs;
  const running = () => Date.now() < deadline;
  const minter = (async () => {
    while (running()) {
      const token = (await login(options.loginUrl, 'alice')).accessToken;
      pool.push(token);
      kids.add(String(parseToken(token).header.kid));
      await new Promise((resolve) => setTimeout(resolve, options.mintEveryMs));
    }
  })();
  const rotation = (async () => {
    await new Promise((resolve) => setTimeout(resolve, options.loadMs / 3));
    return options.rotate();
  })();
  const result = await runLoad({
    concurrency: 8,
    running,
    send: async (worker, index) => {
      const token = pool[index % pool.length] as string;
      const url = worker % 2 === 0 ? `${options.ordersUrl}/orders` : `${options.profileUrl}/me`;
      const reply = await client.get(url, { authorization: `Bearer ${token}` });
      // a failure's tally names its description, so that a rare refusal can be told apart afterwards
      return reply.status === 200 ? '200' : `${reply.status} ${refusalOf(reply)}`;
    },
  });
  const rotated = await rotation;
  await minter;
  return { result, rotated, tokens: pool.length, kids };
}

/** `POST /admin/rotate-keys` until it answers 200 (409: the next key is not published long enough yet). */
export async function rotateViaAdmin(client: HttpClient, authUrl: string, accessToken: string): Promise<Rotated> {
  for (;;) {
    const reply = await client.post(`${authUrl}/admin/rotate-keys`, '', { authorization: `Bearer ${accessToken}` });
    if (reply.status === 200) return JSON.parse(reply.body) as Rotated;
    if (reply.status !== 409) throw new Error(`rotate-keys answered ${reply.status} ${codeOf(reply)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
