import { unsafeCSS } from 'lit';

/** Lit's css`` checks each value put in a template, with a long error message; ours has none. */
const css = (strings: TemplateStringsArray) => unsafeCSS(strings[0]);

// The private properties hold this theme's defaults, light or dark; a page's own custom property
// wins wherever one is read.
export const styles = css`
  :host {
    display: inline-block;
  }
  :host([hidden]) {
    display: none;
  }
  form {
    --_background: #4338ca;
    --_color: #fff;
    --_accent: #047857;
    --_error: #b91c1c;
    --_input-background: #fff;
    --_input-color: #111827;
    --_border: #6b7280;
    display: grid;
    gap: 0.5rem;
    margin: 0;
    font: var(--checkout-button-font, inherit);
  }
  @media (prefers-color-scheme: dark) {
    form {
      --_background: #a5b4fc;
      --_color: #1e1b4b;
      --_accent: #6ee7b7;
      --_error: #fca5a5;
      --_input-background: #111827;
      --_input-color: #f9fafb;
      --_border: #9ca3af;
    }
  }
  p {
    margin: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem;
  }
  .field {
    display: grid;
    flex: 1 1 10rem;
    gap: 0.25rem;
  }
  input,
  button {
    font: inherit;
    border-radius: var(--checkout-button-radius, 0.5rem);
  }
  input {
    min-width: 0;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--checkout-button-border-color, var(--_border));
    background: var(--checkout-button-input-background, var(--_input-background));
    color: var(--checkout-button-input-color, var(--_input-color));
    text-transform: uppercase;
  }
  [part='button'] {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.625rem 1.25rem;
    border: 0;
    background: var(--checkout-button-background, var(--_background));
    color: var(--checkout-button-color, var(--_color));
    font-weight: 600;
    cursor: pointer;
  }
  [part='button'][aria-busy='true'] {
    cursor: progress;
  }
  [part='button']:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--checkout-button-background, var(--_background));
    outline-offset: 2px;
  }
  [part='spinner'] {
    width: 1em;
    height: 1em;
    box-sizing: border-box;
    border: 2px solid;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part='spinner'] {
      animation-duration: 3s;
    }
  }
  [part='saving'],
  .accepted {
    color: var(--checkout-button-accent, var(--_accent));
    font-weight: 600;
  }
  .refused {
    color: var(--checkout-button-error-color, var(--_error));
  }
  input[aria-invalid='true'] {
    border-color: var(--checkout-button-error-color, var(--_error));
  }
  [part='manage'] {
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
`;
