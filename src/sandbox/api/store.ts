/** API v1: the store the token resolves to (CONTRACT A5). */
import type { RouteContext } from './route.js';

export const getStore = (ctx: RouteContext) => ({ body: { data: ctx.store.store } });
