/** A value as Stripe's form dialect carries it: strings, nested by brackets into objects and arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

function decode(part: string): string {
  return decodeURIComponent(part.replace(/\+/g, ' '));
}

/** `line_items[0][price]` → `['line_items', '0', 'price']`; `expand[]` → `['expand', '']`. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const path = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) path.push(match[1]!);
  return path;
}

function isIndex(segment: string): boolean {
  return segment === '' || /^\d+$/.test(segment);
}

function assign(target: FormObject | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path as [string, ...string[]];
  const container = target as Record<string, FormValue>;
  const slot = Array.isArray(target) && head === '' ? String(target.length) : head;
  if (rest.length === 0) {
    container[slot] = value;
    return;
  }
  let child = container[slot];
  if (typeof child !== 'object') {
    child = isIndex(rest[0]!) ? [] : {};
    container[slot] = child;
  }
  assign(child, rest, value);
}

/** Arrays written sparsely (`a[0]`, `a[2]`) keep their order but lose the holes. */
function compact(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
}

/** Parses `application/x-www-form-urlencoded` with Stripe's bracket keys into nested values. */
export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  if (!body) return root;
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    assign(root, keyPath(key), value);
  }
  return compact(root) as FormObject;
}
