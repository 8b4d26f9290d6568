// /subscription is Stripe's cancel URL (`?canceled=true`); without that, the account page is
// where a subscription is shown.
import { loadAccount, mountUserSwitcher } from './common.js';

if (new URLSearchParams(location.search).get('canceled') !== 'true') {
  location.replace('/account');
} else {
  mountUserSwitcher((await loadAccount()).userId);
}
