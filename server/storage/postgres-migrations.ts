// PostgreSQL's schema, numbered and append-only like SQLite's (migrations.ts). PostgreSQL support
// began at SQLite's version 11, so its first migration is that schema whole; every later change
// comes as one migration in each file. Times and amounts are BIGINT (seconds past 2038, cents
// past 2^31); flags stay 0/1 integers so rows read the same from both databases. Ids that pages
// are ordered by use the "C" collation, byte order like SQLite's, whatever the cluster's locale.
export const postgresMigrations: readonly string[] = [
  /* 1 */ `
  CREATE TABLE customers (
    user_id TEXT PRIMARY KEY,
    stripe_customer_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
  );

  CREATE TABLE checkout_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('subscription', 'payment')),
    status TEXT NOT NULL CHECK (status IN ('open', 'complete', 'expired')),
    payment_status TEXT NOT NULL,
    url TEXT,
    promotion_code TEXT,
    idempotency_key TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    fulfilled_at BIGINT,
    currency TEXT,
    amount_subtotal BIGINT,
    amount_total BIGINT,
    plan TEXT,
    billing TEXT,
    price_id TEXT,
    price_amount BIGINT,
    promotion_code_id TEXT,
    success_url TEXT,
    cancel_url TEXT,
    ui_mode TEXT NOT NULL DEFAULT 'hosted' CHECK (ui_mode IN ('hosted', 'embedded')),
    client_secret TEXT,
    trial_days INTEGER,
    UNIQUE (user_id, idempotency_key)
  );
  CREATE INDEX checkout_sessions_by_user ON checkout_sessions (user_id, catalog_id, status);

  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    catalog_id TEXT,
    plan TEXT,
    billing TEXT,
    price_id TEXT NOT NULL,
    status TEXT NOT NULL,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    current_period_start BIGINT,
    current_period_end BIGINT,
    canceled_at BIGINT,
    ended_at BIGINT,
    stripe_updated_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    scheduled_plan TEXT,
    scheduled_billing TEXT,
    scheduled_at BIGINT,
    trial_end BIGINT
  );
  CREATE INDEX subscriptions_by_user ON subscriptions (user_id);

  CREATE TABLE purchases (
    payment_intent_id TEXT PRIMARY KEY,
    checkout_session_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    charge_id TEXT,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paid', 'refunded', 'disputed')),
    created_at BIGINT NOT NULL
  );
  CREATE INDEX purchases_by_user ON purchases (user_id);

  CREATE TABLE payments (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'one_time')),
    description TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created BIGINT NOT NULL,
    receipt_url TEXT
  );
  CREATE INDEX payments_by_user ON payments (user_id, created DESC, id DESC);

  CREATE TABLE entitlements (
    user_id TEXT PRIMARY KEY,
    plan TEXT NOT NULL,
    billing TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('subscription', 'lifetime')),
    status TEXT NOT NULL,
    subscription_id TEXT,
    updated_at BIGINT NOT NULL
  );

  CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created BIGINT NOT NULL,
    processed_at BIGINT NOT NULL
  );
  CREATE INDEX stripe_events_by_created ON stripe_events (created);

  CREATE TABLE payment_reversals (
    payment_intent_id TEXT PRIMARY KEY,
    refunded INTEGER NOT NULL DEFAULT 0,
    refund_as_of BIGINT NOT NULL DEFAULT 0,
    disputed INTEGER NOT NULL DEFAULT 0,
    dispute_status TEXT,
    dispute_as_of BIGINT NOT NULL DEFAULT 0
  );

  CREATE TABLE installation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
  );
  INSERT INTO installation (singleton, id) VALUES (1, md5(random()::text || clock_timestamp()::text));

  CREATE TABLE stripe_account (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    account_id TEXT NOT NULL,
    livemode INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    bound_at BIGINT NOT NULL
  );

  CREATE TABLE set_aside_customers (
    user_id TEXT NOT NULL,
    stripe_customer_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    livemode INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    set_aside_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, livemode, stripe_customer_id)
  );
  `,
  /* 2 */ `
  -- Events answered before they were applied (a burst beyond what is applied at once): each waits
  -- here, durable, until it is applied; times in milliseconds. A claim holds it for a short lease.
  CREATE TABLE webhook_inbox (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX webhook_inbox_by_arrival ON webhook_inbox (received_at, id);
  `,
];
