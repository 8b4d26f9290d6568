// What `npm run stripe:setup` found and means to do, built before anything is written, so a dry
// run and a real run print the same plan.
import type Stripe from 'stripe';

export interface Change {
  /** One line: what will be created or updated, and why. */
  summary: string;
  /** Writes the change; may return lines worth showing once it is done. */
  apply(): Promise<string[] | void>;
}

export interface Plan {
  changes: Change[];
  /** Already as the catalog asks: printed so the operator sees what was checked. */
  unchanged: string[];
  /** Facts the operator should know, such as a secret that cannot be read back. */
  notes: string[];
  /** What the script cannot fix by itself; the run ends with a failure status. */
  problems: string[];
  /** Variables the server needs, known when planned or filled in by the change that makes them. */
  settings: Map<string, string>;
}

export function emptyPlan(): Plan {
  return { changes: [], unchanged: [], notes: [], problems: [], settings: new Map() };
}

/** Ids of the plan products and catalog prices, filled in as changes create them. */
export interface CatalogIds {
  /** Plan name → its product. */
  products: Map<string, string>;
  /** Catalog entry id → its price, and the product that price belongs to. */
  prices: Map<string, { id: string; product: string }>;
  /** Catalog entries whose price this run creates: their ids are not known before it does. */
  pending: Set<string>;
}

/** Two lists with the same members, in any order. */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}

/** What each part of the setup plans with: the account, the plan it adds to, the ids it fills. */
export interface Planning {
  stripe: Stripe;
  plan: Plan;
  ids: CatalogIds;
}

/** "1 change", "2 changes". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
