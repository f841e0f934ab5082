import { register } from 'node:module';

register('./census-hooks.mjs', import.meta.url);
