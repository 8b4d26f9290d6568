// Inline SVG icons: decorative, so hidden from assistive technology.
import { trusted } from './html.ts';

export const ARROW_LEFT = trusted(
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"><path fill="currentColor" d="M3.4 8.7l4.9 4.9-1 1L.6 8l6.7-6.6 1 1-4.9 4.9H15v1.4z"/></svg>',
);

export const ALERT = trusted(
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"><path fill="currentColor" d="M8 0a8 8 0 110 16A8 8 0 018 0zm0 10.5a1.25 1.25 0 100 2.5 1.25 1.25 0 000-2.5zM9 3.5H7l.3 5.5h1.4z"/></svg>',
);

export const CLOSE = trusted(
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"><path fill="currentColor" d="M12.6 2.3l1.1 1.1L9.1 8l4.6 4.6-1.1 1.1L8 9.1l-4.6 4.6-1.1-1.1L6.9 8 2.3 3.4l1.1-1.1L8 6.9z"/></svg>',
);

export const TAG = trusted(
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"><path fill="currentColor" d="M7.3 1H14a1 1 0 011 1v6.7a1 1 0 01-.3.7l-6.3 6.3a1 1 0 01-1.4 0L.3 9.1a1 1 0 010-1.4L6.6 1.3A1 1 0 017.3 1zM11 3.5a1.5 1.5 0 100 3 1.5 1.5 0 000-3z"/></svg>',
);

export const CARD_BRANDS = trusted(
  [
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 32 21"><rect width="32" height="21" rx="3" fill="#fff" stroke="#d9d9d9"/><text x="16" y="14.5" text-anchor="middle" font-family="Arial, sans-serif" font-size="9" font-style="italic" font-weight="800" fill="#1a1f71">VISA</text></svg>',
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 32 21"><rect width="32" height="21" rx="3" fill="#252525"/><circle cx="12.5" cy="10.5" r="6" fill="#eb001b"/><circle cx="19.5" cy="10.5" r="6" fill="#f79e1b" fill-opacity="0.9"/></svg>',
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 32 21"><rect width="32" height="21" rx="3" fill="#1f72cd"/><text x="16" y="13.8" text-anchor="middle" font-family="Arial, sans-serif" font-size="7.5" font-weight="800" fill="#fff">AMEX</text></svg>',
  ].join(''),
);
