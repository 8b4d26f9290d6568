// The overlay that holds Stripe's embedded checkout: a modal <dialog> in the shadow root of
// <checkout-dialog>, an element of the page's own tree (appended to <body>), because Stripe's
// frame cannot be mounted inside a shadow root. The frame goes into the element's light DOM and
// shows through the dialog's <slot>.

/** Read from the button that opens the overlay, so one theme serves both. */
const THEME = [
  '--checkout-dialog-background',
  '--checkout-dialog-color',
  '--checkout-dialog-backdrop',
  '--checkout-dialog-width',
  '--checkout-button-font',
  '--checkout-button-radius',
  '--checkout-button-background',
];

const styles = new CSSStyleSheet();
// A constructed sheet, not a <style>: pages whose policy forbids inline styles still get it.
styles.replaceSync(`
  :host { display: contents; }
  dialog {
    box-sizing: border-box;
    width: min(var(--checkout-dialog-width, 36rem), calc(100vw - 2rem));
    max-height: calc(100dvh - 2rem);
    padding: 0;
    border: 0;
    border-radius: var(--checkout-button-radius, 0.5rem);
    background: var(--checkout-dialog-background, #fff);
    color: var(--checkout-dialog-color, #111827);
    font: var(--checkout-button-font, inherit);
    overflow: auto;
  }
  dialog::backdrop { background: var(--checkout-dialog-backdrop, rgb(17 24 39 / 0.6)); }
  [part='header'] {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    padding: 0.75rem 1rem;
  }
  [part='title'] { margin: 0; font-size: 1rem; font-weight: 600; }
  [part='close'] {
    display: grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    color: inherit;
    font: inherit;
    font-size: 1.5rem;
    line-height: 1;
    cursor: pointer;
  }
  [part='close']:hover { background: rgb(127 127 127 / 0.15); }
  :focus-visible {
    outline: 2px solid var(--checkout-button-background, #4338ca);
    outline-offset: 2px;
  }
  ::slotted(*) { display: block; min-height: 20rem; padding: 0 1rem 1rem; }
`);

export class CheckoutDialog extends HTMLElement {
  readonly #dialog: HTMLDialogElement;
  readonly #title: HTMLElement;
  /** Where focus was before the overlay opened, to put it back. */
  #opener?: HTMLElement;
  #onClose?: () => void;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles];
    root.innerHTML = `<dialog part="dialog" aria-labelledby="title">
        <div part="header">
          <h2 part="title" id="title"></h2>
          <button part="close" type="button" aria-label="Close checkout">×</button>
        </div>
        <slot></slot>
      </dialog>`;
    this.#dialog = root.querySelector('dialog')!;
    this.#title = root.querySelector('h2')!;
    root.querySelector('button')!.addEventListener('click', () => this.#dialog.close());
    // Escape closes a modal dialog by itself; every way out ends here.
    this.#dialog.addEventListener('close', () => this.#closed());
  }

  /** Opens over the page, themed like `opener`; `onClose` runs when the buyer closes it. */
  open(opener: HTMLElement, title: string, onClose: () => void): HTMLElement {
    const theme = getComputedStyle(opener);
    for (const name of THEME) {
      const value = theme.getPropertyValue(name);
      if (value) this.style.setProperty(name, value);
      else this.style.removeProperty(name);
    }
    this.#title.textContent = title;
    this.#opener = deepActiveElement();
    this.#onClose = onClose;
    const mount = document.createElement('div');
    this.replaceChildren(mount);
    this.#dialog.showModal();
    this.shadowRoot!.querySelector('button')!.focus();
    return mount;
  }

  /** Closes without telling anyone or moving focus: another checkout takes the page's one place. */
  dismiss(): void {
    this.#onClose = this.#opener = undefined;
    this.#dialog.close();
    this.replaceChildren();
  }

  /** The buyer closed it (the close button, Escape): `close` fires a moment after. */
  #closed(): void {
    // Opened again meanwhile, for another checkout.
    if (this.#dialog.open) return;
    const onClose = this.#onClose;
    const opener = this.#opener;
    this.#onClose = this.#opener = undefined;
    // While Stripe's frame is still in place, for its destroy().
    onClose?.();
    this.replaceChildren();
    opener?.focus();
  }
}

/** The focused element, inside shadow roots too: the button's own <button>, not its host. */
function deepActiveElement(): HTMLElement | undefined {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : undefined;
}

/** The page's one overlay, made on first use. */
export function overlay(): CheckoutDialog {
  if (!customElements.get('checkout-dialog')) {
    customElements.define('checkout-dialog', CheckoutDialog);
  }
  let element = document.querySelector('body > checkout-dialog') as CheckoutDialog | null;
  if (!element) {
    element = document.createElement('checkout-dialog') as CheckoutDialog;
    document.body.append(element);
  }
  return element;
}

declare global {
  interface HTMLElementTagNameMap {
    'checkout-dialog': CheckoutDialog;
  }
}
