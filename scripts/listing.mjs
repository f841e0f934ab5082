#!/usr/bin/env node
// Writes dist/tools/listing.json: every tool's `tools/list` entry, made from the built tool
// records, with a digest of the files it came from. `serve` from the module tree answers
// tools/list from it without loading the records (src/tools/listing-file.ts); the bundle has
// it built in (scripts/build.mjs, which runs this after tsc).
import { writeFileSync } from 'node:fs';
import { ALL_TOOLS } from '../dist/tools/index.js';
import { LISTING_FILE, sourceDigest } from '../dist/tools/listing-file.js';
import { catalogOf } from '../dist/tools/listing.js';

const dir = new URL('../dist/tools/', import.meta.url);
const listing = { source: sourceDigest(dir), tools: catalogOf(ALL_TOOLS) };
writeFileSync(new URL(LISTING_FILE, dir), JSON.stringify(listing) + '\n');
