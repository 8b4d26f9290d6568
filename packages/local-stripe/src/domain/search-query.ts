import { invalidRequest } from '../wire/errors.ts';

/** One `field:'value'` clause of Stripe's search query language. */
interface Clause {
  field: string;
  metadataKey: string | null;
  value: string;
  negated: boolean;
}

const CLAUSE = /^(-)?(metadata\[['"]([^'"]+)['"]\]|[a-z_]+)\s*:\s*['"]([^'"]*)['"]$/;

/**
 * Parses the subset of Stripe's search syntax the product uses: exact-match clauses on plain
 * fields and metadata keys, joined by AND or OR (not mixed, as on Stripe).
 */
export function parseSearchQuery(query: string): { clauses: Clause[]; any: boolean } {
  const hasAnd = /\sAND\s/.test(query);
  const hasOr = /\sOR\s/.test(query);
  if (hasAnd && hasOr) {
    throw invalidRequest('Queries cannot mix AND and OR.', 'parameter_invalid_string', 'query');
  }
  const parts = query.split(hasOr ? /\s+OR\s+/ : /\s+AND\s+/).map((part) => part.trim());
  const clauses = parts.map((part) => {
    const match = CLAUSE.exec(part);
    if (!match) {
      throw invalidRequest(`Invalid search query: ${query}`, 'parameter_invalid_string', 'query');
    }
    return {
      negated: match[1] === '-',
      field: match[3] ? 'metadata' : match[2]!,
      metadataKey: match[3] ?? null,
      value: match[4]!,
    };
  });
  return { clauses, any: hasOr };
}

export function matchesSearch(
  item: Record<string, unknown>,
  query: { clauses: Clause[]; any: boolean },
): boolean {
  const test = (clause: Clause): boolean => {
    const raw =
      clause.metadataKey !== null
        ? (item['metadata'] as Record<string, string> | null)?.[clause.metadataKey]
        : item[clause.field];
    const equal = raw !== undefined && raw !== null && String(raw) === clause.value;
    return clause.negated ? !equal : equal;
  };
  return query.any ? query.clauses.some(test) : query.clauses.every(test);
}
