import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { CLI_VERSION } from '../src/lib/version.js';
import { runCli } from './support/run-cli.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!DOCTYPE html><html><body>Sign in</body></html>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(CLI_VERSION).toBe(pkg.version);
  const result = await runCli(['--version']);
  expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
});

it('a JWKS URL answering HTML says what content type came back', async () => {
  const result = await runCli(['jwks', '--url', url]);
  expect(result.code).toBe(3);
  expect(result.stderr).toContain('text/html; charset=utf-8');
  expect(result.stderr).toContain('looks like HTML');
});

it('with --json, errors are one JSON object on stdout with the documented exit code', async () => {
  const io = await runCli(['jwks', '--url', url, '--json']);
  expect(io.code).toBe(3);
  expect(JSON.parse(io.stdout)).toMatchObject({
    error: 'io',
    code: 'ERR_CLI_BAD_JWKS',
    message: expect.stringContaining('text/html'),
  });
  const usage = await runCli(['sign', '--sub', 'alice', '--aud', 'orders', '--json']);
  expect(usage.code).toBe(2);
  expect(JSON.parse(usage.stdout)).toMatchObject({
    error: 'usage',
    code: 'ERR_CLI_USAGE',
    message: expect.stringContaining('--issuer'),
  });
});
