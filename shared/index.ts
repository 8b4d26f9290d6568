export * from './catalog.ts';
export * from './contract.ts';
export * from './promotion-code.ts';
export * from './api/generic.ts';
export * from './api/sessions.ts';
export * from './api/subscription.ts';
export * from './api/plans.ts';
export * from './api/account.ts';
