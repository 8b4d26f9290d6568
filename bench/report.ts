import type { Figure } from './stats.ts';

/** One line of the table: a figure, its unit and, where the issue sets one, the target. */
export interface Row {
  name: string;
  unit: string;
  value: Figure;
  /** e.g. '≤ 1 ms'; `met` says whether the median meets it. */
  target?: string;
  met?: boolean;
  note?: string;
}

const DECIMALS: Record<string, number> = {
  ms: 2,
  '%': 0,
  'req/s': 0,
  'events/s': 0,
  events: 0,
  KB: 1,
};

function format(value: number, unit: string): string {
  const decimals = DECIMALS[unit] ?? 1;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A Markdown table: readable in a terminal and pasted as is into the README. */
export function table(rows: readonly Row[]): string {
  const lines = rows.map((row) => [
    row.name,
    `${format(row.value.median, row.unit)} ${row.unit}`,
    `${format(row.value.min, row.unit)} – ${format(row.value.max, row.unit)}`,
    row.target ? `${row.target} ${row.met ? '✓' : '✗'}` : '',
    row.note ?? '',
  ]);
  const header = ['figure', 'median', 'min – max', 'target', 'note'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]!.length)),
  );
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    render(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...lines.map(render),
  ].join('\n');
}
