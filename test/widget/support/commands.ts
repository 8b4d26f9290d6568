// What a browser test can ask of the server side (stack-plugin.ts): one typed function per command.
import { executeServerCommand } from '@web/test-runner-commands';

export interface StackInfo {
  id: string;
  apiUrl: string;
  localStripeUrl: string;
}

/**
 * `stack` names a stack from `startStack()`; without it, the one shared by every test file.
 * Commands with nothing to say return true: the runner takes null for "not my command".
 */
export interface Commands {
  'tilldrop-stack': { payload: { id?: string }; result: StackInfo };
  'tilldrop-start-stack': { payload: { env?: Record<string, string> }; result: StackInfo };
  'tilldrop-stop-stack': { payload: { id: string }; result: true };
  'tilldrop-token': { payload: { userId: string; stack?: string }; result: string };
  'tilldrop-faults': {
    payload: { stack?: string; count: number; kind: string; path?: string };
    result: true;
  };
  'tilldrop-complete-session': { payload: { stack?: string; sessionId: string }; result: true };
  'tilldrop-purchase': {
    payload: { stack?: string; userId: string; planId: string };
    result: true;
  };
  'tilldrop-silent-server': { payload: Record<string, never>; result: { url: string } };
  /** Pays with 4242 in the embedded checkout's frame on the test's page, as a buyer types. */
  'tilldrop-pay-embedded': { payload: Record<string, never>; result: true };
  /** Every page open in the test's browser, popups included. */
  'tilldrop-page-urls': { payload: Record<string, never>; result: string[] };
}

function run<C extends keyof Commands>(
  command: C,
  payload: Commands[C]['payload'],
): Promise<Commands[C]['result']> {
  return executeServerCommand<Commands[C]['result'], Commands[C]['payload']>(command, payload);
}

export const mainStack = () => run('tilldrop-stack', {});
export const startStack = (env?: Record<string, string>) => run('tilldrop-start-stack', { env });
export const stopStack = (id: string) => run('tilldrop-stop-stack', { id });
export const tokenFor = (userId: string, stack?: string) =>
  run('tilldrop-token', { userId, stack });
/** Makes the local Stripe fail its next `count` calls under `path` (0 clears them). */
export const injectStripeFaults = (fault: Commands['tilldrop-faults']['payload']) =>
  run('tilldrop-faults', fault);
export const purchase = (userId: string, planId: string, stack?: string) =>
  run('tilldrop-purchase', { userId, planId, stack });
export const silentServer = () => run('tilldrop-silent-server', {});
export const pageUrls = () => run('tilldrop-page-urls', {});
export const payEmbedded = () => run('tilldrop-pay-embedded', {});

/** A user no other test has touched, so no purchase of theirs gets in the way. */
export const newUserId = () => `buyer-${crypto.randomUUID()}`;
