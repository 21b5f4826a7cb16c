import { runCli } from './support/run-cli.js';

describe('jwks-kit help and usage errors', () => {
  it('lists every command with --help (exit 0) and on stderr without arguments (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['inspect']) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('Exit codes');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('Usage: jwks-kit <command>');
  });

  it('answers an unknown command with exit 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('answers an unknown option with exit 2 and points to --help', async () => {
    const result = await runCli(['inspect', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(result.stderr).toContain('jwks-kit inspect --help');
  });
});
