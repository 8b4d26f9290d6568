// The paths the widget calls, kept apart from the contracts' schemas: a browser bundle that
// imports them takes a few strings and no zod. The contracts are built on the same constants.
export const CHECKOUT_PATH = '/payment/checkout';
export const CHECKOUT_SESSION_PATH = '/payment/checkout/:id';
export const PLANS_PATH = '/api/plans';
export const PROMOTION_CODE_PATH = '/api/promotion-codes/:code';
export const PORTAL_PATH = '/api/subscription/portal';
export const ACCOUNT_PATH = '/api/subscription';
export const CHANGE_PREVIEW_PATH = '/api/subscription/change-preview';
export const CHECKOUT_CONFIG_PATH = '/api/checkout-config';
