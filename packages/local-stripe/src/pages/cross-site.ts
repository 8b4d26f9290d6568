// Forms on these pages only ever post to themselves.
import type { Context } from 'koa';
import { sendPage } from './layout.ts';
import { messagePage } from './message-page.ts';

/**
 * Refuses a post another site's page made the browser send (say, a hidden form cancelling
 * someone's plan). Every current browser sets `Sec-Fetch-Site`; clients that send none are not
 * browsers carrying someone's session, so they are let through. Returns true when it answered.
 */
export function refuseCrossSitePost(ctx: Context): boolean {
  const site = ctx.get('Sec-Fetch-Site');
  if (site !== 'cross-site' && site !== 'same-site') return false;
  sendPage(
    ctx,
    403,
    messagePage({
      title: 'Request refused',
      heading: 'Request refused',
      text: 'This form can only be sent from its own page.',
    }),
  );
  return true;
}
