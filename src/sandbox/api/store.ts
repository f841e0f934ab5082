/** API v1: the store the token was granted for (CONTRACT §4 store row; V1: the token alone selects it). */
import type { RouteContext } from './route.js';

export const getStore = (ctx: RouteContext) => ({ body: { data: { ...ctx.store.store } } });
