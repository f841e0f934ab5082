/** Name and version, read once from package.json so they cannot drift from the package. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const NAME: string = pkg.name;
export const VERSION: string = pkg.version;
