/**
 * The bundle's own account of itself: dist/bundle-meta.json, esbuild's metafile, written by
 * scripts/build.mjs (which output file holds which input, and what each output imports).
 */
import { readFileSync } from 'node:fs';

export interface BundleMeta {
  outputs: Record<
    string,
    {
      bytes: number;
      entryPoint?: string;
      exports: string[];
      inputs: Record<string, { bytesInOutput: number }>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

export const DIST = new URL('../../dist/', import.meta.url);

export function bundleMeta(): BundleMeta {
  return JSON.parse(readFileSync(new URL('bundle-meta.json', DIST), 'utf8')) as BundleMeta;
}

/** The inputs (src/… and node_modules/… paths) that went into these output files (dist/…). */
export function inputsOf(files: string[]): string[] {
  const { outputs } = bundleMeta();
  return files.flatMap((f) => Object.keys(outputs[f]?.inputs ?? {}));
}

/** Whether every input of an output file matches `pattern`. */
export function lazyOnly(file: string, pattern: RegExp): boolean {
  const inputs = inputsOf([file]);
  return inputs.length > 0 && inputs.every((i) => pattern.test(i));
}
