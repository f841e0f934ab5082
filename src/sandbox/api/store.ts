/** API v1: the store the token resolves to (CONTRACT A5). */
import type { Route } from './route.js';

export const storeRoutes: Route[] = [{ method: 'GET', pattern: '/store', scope: 'read:store', handle: (ctx) => ({ body: { data: ctx.store.store } }) }];
