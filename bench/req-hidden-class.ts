/**
 * Why a property added to `req` costs what it does under Express 5 (bench README, "Stop 34"):
 *
 *   node --allow-natives-syntax --import tsx bench/req-hidden-class.ts
 *
 * For each kind of server it sends a few keep-alive requests and reports, at the route handler, whether consecutive
 * requests' `req` objects share one hidden class (a V8 map). Node's own requests do; once `Object.setPrototypeOf`
 * has run on a request (Express 5's `app.handle` does it on every one), V8 answers with a map that has no back
 * pointer, and every property added after that makes a fresh map of its own, never a shared transition. So each
 * request's first store of `req.auth` copies the request's whole descriptor array, and the loads on `req` that
 * follow meet a map no inline cache has seen. Members the request already carries when Express starts (what
 * `requireAuth`'s `reserveRequestShape` arranges: `auth` and Express's own) are stored into without a new map, so
 * far fewer maps are made and copied per request. The last kind still prints 0 of 5: the router and parseurl add
 * members of their own that are not declared (a private `Symbol` for the matched route, `_parsedUrl`), so the map is
 * still not shared; declaring those too did not make it shared either (bench README, "Stop 36"). What the shape saves
 * is the copies not made, measured by `bench/instructions.ts` (`http-bare` against `http-bare-shape`).
 */
import express from 'express';
import { createServer, IncomingMessage, request as httpRequest, Agent, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { declareExpressShape } from '../packages/verifier/src/lib/reserve-request-shape.js';

const REQUESTS = 6;

type SameMap = (a: object, b: object) => boolean;

function nativeSameMap(): SameMap {
  try {
    return new Function('a', 'b', 'return %HaveSameMap(a, b)') as SameMap;
  } catch {
    throw new Error('run with node --allow-natives-syntax (the probe asks V8 for its maps)');
  }
}

/** One kind of server: how it is built, and what its route handler records. */
interface Kind {
  readonly name: string;
  readonly listener: (record: (req: object) => void) => RequestListener;
}

const proto = Object.create(IncomingMessage.prototype) as object;

/** An Express 5 app whose one route stores `req.auth` in a middleware, then records the request. */
function authExpressApp(record: (req: object) => void): express.Express {
  const app = express();
  app.get(
    '/',
    (req, _res, next) => {
      (req as { auth?: unknown }).auth = 1;
      next();
    },
    (req, res) => {
      record(req);
      res.end('ok');
    },
  );
  return app;
}

const KINDS: readonly Kind[] = [
  {
    name: 'node:http, `req.auth` added',
    listener: (record) => (req, res) => {
      (req as { auth?: unknown }).auth = 1;
      record(req);
      res.end('ok');
    },
  },
  {
    name: 'node:http, `Object.setPrototypeOf(req, …)`, then `req.auth` added',
    listener: (record) => (req, res) => {
      Object.setPrototypeOf(req, proto);
      (req as { auth?: unknown }).auth = 1;
      record(req);
      res.end('ok');
    },
  },
  {
    name: 'Express 5, `req.auth` added in a middleware',
    listener: (record) => authExpressApp(record),
  },
  {
    name: 'Express 5 behind the listener of `reserveRequestShape` (Express’s members declared first), `req.auth` stored',
    listener: (record) => {
      const app = authExpressApp(record);
      return (req, res) => {
        declareExpressShape(req, res);
        app(req, res);
      };
    },
  },
];

async function sendRequests(listener: RequestListener): Promise<void> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < REQUESTS; i += 1) {
    await new Promise<void>((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
  }
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function main(): Promise<void> {
  const sameMap = nativeSameMap();
  for (const kind of KINDS) {
    const seen: object[] = [];
    await sendRequests(kind.listener((req) => seen.push(req)));
    const shared = seen.slice(1).filter((req, i) => sameMap(req, seen[i]!)).length;
    console.log(`${kind.name}: ${shared} of ${seen.length - 1} consecutive requests share a hidden class`);
  }
}

await main();
