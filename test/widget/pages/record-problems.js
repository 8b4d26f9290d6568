// Runs first on the strict page and keeps what went wrong for the test to read.
/* global window, document, console */
window.problems = [];
window.warnings = [];
window.addEventListener('error', (event) => window.problems.push(`error: ${event.message}`));
document.addEventListener('securitypolicyviolation', (event) =>
  window.problems.push(`blocked by ${event.effectiveDirective}: ${event.blockedURI}`),
);
const warn = console.warn.bind(console);
console.warn = (...args) => {
  window.warnings.push(args.join(' '));
  warn(...args);
};
