/**
 * Usage mistakes a person makes at the terminal: each exits 2 (the README's promise for bad
 * usage) with one line that names what to change, once.
 */
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('usage errors', () => {
  it('a negative number for a flag is checked by the command, not refused as "ambiguous"', async () => {
    const result = await runCli(['login', '--timeout', '-5']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/ambiguous/);
    expect(result.stderr).toContain('--timeout must be a whole number of seconds from 1 to 3600 (got "-5")');
  });

  it('arguments that do not fit a tool exit 2, naming the tool once and the field', async () => {
    const result = await runCli(['call', 'get_product', '{"product_id":5}', '--sandbox']);
    expect(result.code).toBe(2);
    const line = result.stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(/^whatalo-mcp call: the arguments do not fit get_product: product_id: /);
    expect(line.split('get_product').length - 1).toBe(1);
  });

  it('a tool that runs and fails still exits 1', async () => {
    const result = await runCli(['call', 'get_product', '{"product_id":"999999999999"}', '--sandbox']);
    expect(result.code).toBe(1);
  });
});

describe('login with the memory credential store', () => {
  it('is refused up front (exit 2), naming the stores that keep a sign-in, before any server is asked', async () => {
    let asked = 0;
    const server = createServer((_req, res) => {
      asked++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const mode of [
        ['--issuer', issuer, '--api-base', `${issuer}/api/v1`],
        ['--remote', `${issuer}/mcp`],
      ]) {
        const result = await runCli(['login', ...mode], { env: { WHATALO_CREDENTIAL_STORE: 'memory' }, timeoutMs: 20_000 });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('login cannot keep a sign-in in the memory credential store');
        expect(result.stderr).toMatch(/WHATALO_CREDENTIAL_STORE=keychain .* WHATALO_CREDENTIAL_STORE=file with WHATALO_CREDENTIAL_KEY/);
        expect(result.stderr).not.toContain('open this URL');
      }
      expect(asked).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('help', () => {
  /** The block of a flag in a help text: its line and the indented lines that continue it. */
  function flagHelp(help: string, flag: string): string[] {
    const lines = help.split('\n');
    return lines.flatMap((line, i) => {
      if (!line.startsWith(`  ${flag} `)) return [];
      const block = [line];
      for (let j = i + 1; j < lines.length && /^ {6,}\S/.test(lines[j]!); j++) block.push(lines[j]!);
      return [block.join('\n')];
    });
  }

  it('serve --help lists --sandbox once, saying what it does with and without --http', async () => {
    const help = (await runCli(['serve', '--help'])).stdout;
    const sandbox = flagHelp(help, '--sandbox');
    expect(sandbox).toHaveLength(1);
    expect(sandbox[0]).toMatch(/With --http/);
  });

  it('serve --help and login --help document --scopes with the same text', async () => {
    const serve = flagHelp((await runCli(['serve', '--help'])).stdout, '--scopes');
    const login = flagHelp((await runCli(['login', '--help'])).stdout, '--scopes');
    expect(serve).toHaveLength(1);
    expect(login).toEqual(serve);
    expect(serve[0]).toContain('WHATALO_SCOPES');
  });
});
