import { z } from 'zod';
import type { Core } from '../core.ts';
import { resolver } from '../domain/expansion.ts';
import { buildPrice, buildProduct } from '../objects/catalog.ts';
import { newId } from '../store/ids.ts';
import { invalidRequest } from '../wire/errors.ts';
import { expandObject } from '../wire/expand.ts';
import { listOf } from '../wire/list.ts';
import {
  bool,
  expand,
  inRange,
  int,
  listParams,
  maxItems,
  mergeMetadata,
  metadata,
  range,
  str,
} from '../wire/params.ts';
import { respond } from '../wire/respond.ts';
import { retrieve, retrieveRoute } from '../wire/retrieve.ts';
import { idParam, paramsOf, type ApiRouter } from '../wire/route.ts';

const interval = z.enum(['day', 'week', 'month', 'year']);

const ProductCreate = z.strictObject({
  name: str,
  id: str.optional(),
  description: str.optional(),
  active: bool.optional(),
  metadata: metadata.optional(),
  expand,
});

const ProductUpdate = z.strictObject({
  name: str.optional(),
  description: str.optional(),
  active: bool.optional(),
  default_price: str.optional(),
  metadata: metadata.optional(),
  expand,
});

const PriceCreate = z.strictObject({
  currency: str,
  unit_amount: int,
  product: str.optional(),
  product_data: z.strictObject({ name: str, metadata: metadata.optional() }).optional(),
  recurring: z.strictObject({ interval, interval_count: int.optional() }).optional(),
  lookup_key: str.optional(),
  transfer_lookup_key: bool.optional(),
  nickname: str.optional(),
  active: bool.optional(),
  metadata: metadata.optional(),
  expand,
});

const PriceUpdate = z.strictObject({
  active: bool.optional(),
  lookup_key: str.optional(),
  transfer_lookup_key: bool.optional(),
  nickname: str.optional(),
  metadata: metadata.optional(),
  expand,
});

const PriceList = z.strictObject({
  ...listParams,
  active: bool.optional(),
  currency: str.optional(),
  product: str.optional(),
  type: z.enum(['one_time', 'recurring']).optional(),
  lookup_keys: maxItems(str, 10, 'lookup_keys').optional(),
  created: range.optional(),
  recurring: z.strictObject({ interval: interval.optional() }).optional(),
});

const ProductList = z.strictObject({
  ...listParams,
  active: bool.optional(),
  ids: z.array(str).optional(),
  created: range.optional(),
});

export function catalogRoutes(core: Core, router: ApiRouter): void {
  const { store, clock } = core;
  const expandWith = resolver(core);

  router.post('/v1/products', (ctx) => {
    const p = paramsOf(ctx, ProductCreate);
    if (p.id && store.products.get(p.id)) {
      throw invalidRequest(`Product already exists.`, 'resource_already_exists', 'id');
    }
    const product = store.products.insert(
      buildProduct({
        id: p.id ?? newId('prod', 14),
        name: p.name,
        description: p.description ?? null,
        active: p.active,
        metadata: mergeMetadata({}, p.metadata),
        created: clock.now(),
      }),
    );
    respond(ctx, expandObject(product, p.expand, expandWith));
  });

  router.get('/v1/products/:id', retrieveRoute(store.products, 'product', expandWith));

  router.post('/v1/products/:id', (ctx) => {
    const p = paramsOf(ctx, ProductUpdate);
    const product = retrieve(store.products, 'product', idParam(ctx));
    if (p.default_price !== undefined && !store.prices.get(p.default_price)) {
      throw invalidRequest(
        `No such price: '${p.default_price}'`,
        'resource_missing',
        'default_price',
      );
    }
    const updated = store.products.update({
      ...product,
      name: p.name ?? product.name,
      description: p.description ?? product.description,
      active: p.active ?? product.active,
      default_price: p.default_price ?? product.default_price ?? null,
      metadata: mergeMetadata(product.metadata, p.metadata),
      updated: clock.now(),
    });
    respond(ctx, expandObject(updated, p.expand, expandWith));
  });

  router.get('/v1/products', (ctx) => {
    const p = paramsOf(ctx, ProductList);
    const list = listOf('/v1/products', store.products, p, {
      filter: (product) =>
        (p.active === undefined || product.active === p.active) &&
        (!p.ids || p.ids.includes(product.id)) &&
        inRange(product.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });

  router.post('/v1/prices', (ctx) => {
    const p = paramsOf(ctx, PriceCreate);
    let productId = p.product;
    if (productId && !store.products.get(productId)) {
      throw invalidRequest(`No such product: '${productId}'`, 'resource_missing', 'product');
    }
    if (!productId && !p.product_data) {
      throw invalidRequest(
        'You must specify either `product` or `product_data` when creating a price.',
        'parameter_missing',
        'product',
      );
    }
    const now = clock.now();
    const price = core.db.transaction(() => {
      if (!productId && p.product_data) {
        productId = store.products.insert(
          buildProduct({
            id: newId('prod', 14),
            name: p.product_data.name,
            metadata: mergeMetadata({}, p.product_data.metadata),
            created: now,
          }),
        ).id;
      }
      if (p.lookup_key) takeLookupKey(p.lookup_key, p.transfer_lookup_key ?? false);
      return store.prices.insert(
        buildPrice({
          id: newId('price'),
          product: productId!,
          currency: p.currency.toLowerCase(),
          unitAmount: p.unit_amount,
          recurring: p.recurring
            ? { interval: p.recurring.interval, intervalCount: p.recurring.interval_count ?? 1 }
            : null,
          lookupKey: p.lookup_key ?? null,
          nickname: p.nickname ?? null,
          active: p.active,
          metadata: mergeMetadata({}, p.metadata),
          created: now,
        }),
      );
    })();
    respond(ctx, expandObject(price, p.expand, expandWith));
  });

  function takeLookupKey(lookupKey: string, transfer: boolean): void {
    const holder = store.prices.findBy('lookup_key', lookupKey)[0];
    if (!holder) return;
    if (!transfer) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses that lookup key.`,
        'lookup_key_exists',
        'lookup_key',
      );
    }
    store.prices.update({ ...holder, lookup_key: null });
  }

  router.get('/v1/prices/:id', retrieveRoute(store.prices, 'price', expandWith));

  router.post('/v1/prices/:id', (ctx) => {
    const p = paramsOf(ctx, PriceUpdate);
    const price = retrieve(store.prices, 'price', idParam(ctx));
    const updated = core.db.transaction(() => {
      if (p.lookup_key && p.lookup_key !== price.lookup_key) {
        takeLookupKey(p.lookup_key, p.transfer_lookup_key ?? false);
      }
      return store.prices.update({
        ...price,
        active: p.active ?? price.active,
        lookup_key: p.lookup_key ?? price.lookup_key,
        nickname: p.nickname ?? price.nickname,
        metadata: mergeMetadata(price.metadata, p.metadata),
      });
    })();
    respond(ctx, expandObject(updated, p.expand, expandWith));
  });

  router.get('/v1/prices', (ctx) => {
    const p = paramsOf(ctx, PriceList);
    const list = listOf('/v1/prices', store.prices, p, {
      filter: (price) =>
        (p.active === undefined || price.active === p.active) &&
        (p.currency === undefined || price.currency === p.currency.toLowerCase()) &&
        (p.product === undefined || price.product === p.product) &&
        (p.type === undefined || price.type === p.type) &&
        (!p.lookup_keys ||
          (price.lookup_key !== null && p.lookup_keys.includes(price.lookup_key))) &&
        (p.recurring?.interval === undefined ||
          price.recurring?.interval === p.recurring.interval) &&
        inRange(price.created, p.created),
    });
    respond(ctx, expandObject(list, p.expand, expandWith));
  });
}
