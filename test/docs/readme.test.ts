/**
 * The documentation, a page per reader (issue 31): the README stays short enough for a
 * merchant, every page under docs/ says in its first line who it is for, every relative link
 * and #anchor lands, and the README's commands are the ones the CLI really has.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const DOCS = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOCS];
const WHO_LINE = /^> \*\*Who this is for:\*\* \S.{20,}$/;

/** The text outside fenced code blocks (a `#` comment in a shell block is no heading). */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers, with GitHub's -1, -2 … for repeated headings. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug((match[1] ?? '').trim());
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** The relative links of a page: [text](target), without web and mail addresses. */
function relativeLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  return targets.filter((t) => !/^(https?:|mailto:)/.test(t));
}

describe('a README per reader', () => {
  it('README.md is under 15 KB and gives the two set-up commands as written', () => {
    const readme = read('README.md');
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
    expect(readme).toContain('```sh\nnpm ci && npm run demo\n```');
    expect(readme).toContain('```sh\nnpm ci && npm test\n```');
  });

  it.each(DOCS)('%s says in its first line who it is for', (page) => {
    expect(read(page).split('\n')[0]).toMatch(WHO_LINE);
  });

  it('the README links every page under docs/', () => {
    const linked = new Set(relativeLinks(read('README.md')).map((t) => t.split('#')[0]));
    for (const page of DOCS) expect(linked, `README.md does not link ${page}`).toContain(page);
  });

  it.each(PAGES)('every relative link and #anchor in %s resolves', (page) => {
    const broken: string[] = [];
    for (const target of relativeLinks(read(page))) {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : relative(root, join(root, dirname(page), path));
      if (!existsSync(join(root, file))) {
        broken.push(`${target} (no file ${file})`);
      } else if (anchor !== undefined && file.endsWith('.md') && !anchors(read(file)).has(anchor)) {
        broken.push(`${target} (no heading #${anchor} in ${file})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the anchor rules match GitHub on the headings these pages use', () => {
    expect(slug('`serve --http`')).toBe('serve---http');
    expect(slug("What Whatalo's AS must support (for the local broker)")).toBe('what-whatalos-as-must-support-for-the-local-broker');
    expect([...anchors('# A\n```sh\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });

  it('docs/configuration.md names every environment variable the code reads', () => {
    const page = read('docs/configuration.md');
    const sources = execFileSync('git', ['ls-files', 'src'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
    const names = new Set<string>(['WHATALO_LANG', 'BROWSER']);
    for (const file of sources) for (const [name] of read(file).matchAll(/(?<=\benv\.)WHATALO_[A-Z_]+/g)) names.add(name);
    // Test-only timing knobs (src/commands/internal-env.ts) are not settings.
    for (const internal of ['WHATALO_API_RETRY_BASE_MS', 'WHATALO_API_TIMEOUT_MS', 'WHATALO_REMOTE_TIMEOUT_MS', 'WHATALO_REMOTE_RETRY_MS'])
      names.delete(internal);
    expect(names.size).toBeGreaterThan(25);
    expect([...names].filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });

  it("the README's whatalo-mcp commands and flags are ones the CLI has", () => {
    // What a merchant types in the clone: `node dist/cli.js SUBCOMMAND [--flag]` (not npx, which
    // needs dist/cli.js executable, and a fresh build leaves it 0644).
    const commands = [...read('README.md').matchAll(/`node dist\/cli\.js ([a-z]+)((?: --[a-z-]+)*)`/g)];
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const [, command = '', flags = ''] of commands) {
      const help = execFileSync(process.execPath, [join(root, 'dist/cli.js'), command, '--help'], { encoding: 'utf8', timeout: 20_000 });
      for (const flag of flags.trim().split(' ').filter(Boolean)) expect(help, `${command} --help`).toContain(flag);
    }
  });
});
