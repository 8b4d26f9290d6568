// Shared look of the hosted pages. Colours are picked for contrast on white: text at least 4.5:1,
// input borders and focus rings at least 3:1.

export const BASE_STYLES = `
:root {
  --ink: #1a1a1a;
  --ink-muted: #5e6470;
  --line: #e6e6e6;
  --field-border: #8a8f98;
  --accent: #0070d2;
  --accent-hover: #005bb0;
  --danger: #c0123c;
  --surface: #f6f8fa;
  --radius: 6px;
  --focus: 0 0 0 3px rgba(0, 112, 210, 0.3);
  color-scheme: light;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  min-height: 100vh;
  background: #fff;
  color: var(--ink);
  font: 400 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Ubuntu, Arial, sans-serif;
  -webkit-font-smoothing: antialiased;
}
h1, h2, h3, p { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, summary:focus-visible {
  outline: 2px solid var(--accent);
  outline-offset: 2px;
  border-radius: 4px;
}
.visually-hidden {
  position: absolute !important;
  width: 1px; height: 1px;
  margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
.badge-test {
  display: inline-block;
  padding: 1px 6px;
  border-radius: 4px;
  background: #ffde92;
  color: #7a3500;
  font-size: 11px;
  font-weight: 700;
  letter-spacing: 0.04em;
  line-height: 18px;
}
.back {
  display: inline-flex;
  align-items: center;
  gap: 8px;
  color: var(--ink);
  font-weight: 500;
  text-decoration: none;
}
.back:hover { color: var(--accent); }
.back svg { width: 16px; height: 16px; flex: none; }
.button {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-height: 40px;
  padding: 0 16px;
  border: 1px solid transparent;
  border-radius: var(--radius);
  font: inherit;
  font-weight: 600;
  cursor: pointer;
  text-decoration: none;
}
.button-primary { background: var(--accent); color: #fff; }
.button-primary:hover { background: var(--accent-hover); }
.button-secondary { background: #fff; color: var(--ink); border-color: var(--field-border); }
.button-secondary:hover { background: var(--surface); }
.alert {
  color: var(--danger);
  font-size: 13px;
  display: flex;
  gap: 6px;
  align-items: flex-start;
}
.alert svg { width: 14px; height: 14px; flex: none; margin-top: 3px; }
.footer-note {
  color: var(--ink-muted);
  font-size: 12px;
}
`;
