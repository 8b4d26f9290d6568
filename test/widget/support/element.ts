// Helpers for driving a <checkout-button> the way a buyer and a page would.
import { waitUntil } from '@open-wc/testing';
import type { CheckoutButton } from '../../../widget/checkout-button.ts';

export function part<E extends Element = HTMLElement>(element: CheckoutButton, name: string): E {
  const found = partOrNull<E>(element, name);
  if (!found) throw new Error(`<checkout-button> shows no part "${name}"`);
  return found;
}

export function partOrNull<E extends Element = HTMLElement>(
  element: CheckoutButton,
  name: string,
): E | null {
  return element.shadowRoot!.querySelector<E>(`[part~="${name}"]`);
}

export const button = (element: CheckoutButton) => part<HTMLButtonElement>(element, 'button');
export const input = (element: CheckoutButton) => part<HTMLInputElement>(element, 'input');
export const text = (node: Element | null) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/** The error line under the button (the promotion code's message has its own id). */
export const errorMessage = (element: CheckoutButton) =>
  element.shadowRoot!.querySelector<HTMLElement>('[part~="message"][role="alert"]')!;
export const promoMessage = (element: CheckoutButton) =>
  element.shadowRoot!.querySelector<HTMLElement>('#code-message')!;

export async function pricesShown(element: CheckoutButton): Promise<void> {
  await waitUntil(() => partOrNull(element, 'price'), 'the price never showed');
}

/** Types into the promotion code input as a buyer does: one input event per change. */
export function type(element: CheckoutButton, value: string): void {
  const field = input(element);
  field.value = value;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: string | undefined;
}

/**
 * Watches the requests the page makes and lets every one through to the real server unchanged:
 * the assertions read what was sent, the server decides what comes back.
 */
export function watchRequests(): { requests: RecordedRequest[]; stop(): void } {
  const original = window.fetch;
  const requests: RecordedRequest[] = [];
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      credentials: init?.credentials,
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return original(input, init);
  };
  return { requests, stop: () => (window.fetch = original) };
}

/** Resolves with the next event of that name, cancelling it first when asked. */
export function nextEvent<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  name: K,
  options: { preventDefault?: boolean } = {},
): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve) =>
    target.addEventListener(
      name,
      (event) => {
        if (options.preventDefault) event.preventDefault();
        resolve(event as HTMLElementEventMap[K]);
      },
      { once: true },
    ),
  );
}
