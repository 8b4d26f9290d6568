// SQLite's schema, numbered and append-only: a migration that shipped is never edited, only followed by
// another (and its counterpart in postgres-migrations.ts).
export const sqliteMigrations: readonly string[] = [
  /* 1 */ `
  CREATE TABLE customers (
    user_id TEXT PRIMARY KEY,
    stripe_customer_id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
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
    -- The client's Idempotency-Key: a retried request returns the session the first one made.
    idempotency_key TEXT,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    fulfilled_at INTEGER,
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
    current_period_start INTEGER,
    current_period_end INTEGER,
    canceled_at INTEGER,
    ended_at INTEGER,
    -- The Stripe-side time of the newest state applied, so an older event never overwrites a newer one.
    stripe_updated_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX subscriptions_by_user ON subscriptions (user_id);

  CREATE TABLE purchases (
    payment_intent_id TEXT PRIMARY KEY,
    checkout_session_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    charge_id TEXT,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paid', 'refunded', 'disputed')),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX purchases_by_user ON purchases (user_id);

  CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'one_time')),
    description TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL,
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
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    processed_at INTEGER NOT NULL
  );
  CREATE INDEX stripe_events_by_created ON stripe_events (created);
  `,
  /* 2 */ `
  -- What the buyer pays, as Stripe computed it (a code typed on Stripe's page changes it).
  ALTER TABLE checkout_sessions ADD COLUMN currency TEXT;
  ALTER TABLE checkout_sessions ADD COLUMN amount_subtotal INTEGER;
  ALTER TABLE checkout_sessions ADD COLUMN amount_total INTEGER;
  `,
  /* 3 */ `
  -- A refund or dispute that arrives before its purchase: remembered, so the purchase is recorded
  -- already revoked instead of granting access.
  CREATE TABLE payment_revocations (
    payment_intent_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('refunded', 'disputed')),
    created_at INTEGER NOT NULL
  );
  `,
  /* 4 */ `
  -- What was sold, kept with the session: the catalog may change after it was created.
  ALTER TABLE checkout_sessions ADD COLUMN plan TEXT;
  ALTER TABLE checkout_sessions ADD COLUMN billing TEXT;
  `,
  /* 5 */ `
  -- One Stripe account often serves several integrations and sends every event to every endpoint:
  -- this id, written into the metadata of each session made here, tells ours from theirs.
  CREATE TABLE installation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
  );
  INSERT INTO installation (singleton, id) VALUES (1, lower(hex(randomblob(16))));

  -- What a session was made to sell, so its completion is checked against that and nothing else.
  ALTER TABLE checkout_sessions ADD COLUMN price_id TEXT;
  ALTER TABLE checkout_sessions ADD COLUMN price_amount INTEGER;
  ALTER TABLE checkout_sessions ADD COLUMN promotion_code_id TEXT;
  `,
  /* 6 */ `
  -- Where the buyer returns to: an open session is reused only for a request with the same ones.
  ALTER TABLE checkout_sessions ADD COLUMN success_url TEXT;
  ALTER TABLE checkout_sessions ADD COLUMN cancel_url TEXT;
  `,
  /* 7 */ `
  -- Refunds and disputes follow Stripe both ways (a refund that fails or a dispute that is won
  -- gives access back), so each payment keeps what Stripe last said about each, and as of which
  -- Stripe time, instead of a one-way revocation. Kept apart from purchases: either can arrive
  -- before the purchase is recorded.
  CREATE TABLE payment_reversals (
    payment_intent_id TEXT PRIMARY KEY,
    refunded INTEGER NOT NULL DEFAULT 0,
    refund_as_of INTEGER NOT NULL DEFAULT 0,
    disputed INTEGER NOT NULL DEFAULT 0,
    dispute_status TEXT,
    dispute_as_of INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO payment_reversals (payment_intent_id, refunded, disputed)
    SELECT payment_intent_id, status = 'refunded', status = 'disputed' FROM purchases
    WHERE status <> 'paid';
  INSERT INTO payment_reversals (payment_intent_id, refunded, disputed)
    SELECT payment_intent_id, status = 'refunded', status = 'disputed' FROM payment_revocations
    WHERE true ON CONFLICT DO NOTHING;
  DROP TABLE payment_revocations;
  `,
  /* 8 */ `
  -- The Stripe account and mode the customer and session ids here belong to: against another,
  -- they name nothing, so they are set aside at start instead of failing every returning buyer.
  CREATE TABLE stripe_account (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    account_id TEXT NOT NULL,
    livemode INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    bound_at INTEGER NOT NULL
  );

  -- Customers of an account this database was moved away from, kept for the record.
  CREATE TABLE set_aside_customers (
    user_id TEXT NOT NULL,
    stripe_customer_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    livemode INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    set_aside_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, livemode, stripe_customer_id)
  );
  `,
  /* 9 */ `
  -- Embedded checkout: a session opened in the merchant's page by its client secret rather than at
  -- a URL. Like the url, the secret only lets its holder pay that one session, and goes with it.
  ALTER TABLE checkout_sessions ADD COLUMN ui_mode TEXT NOT NULL DEFAULT 'hosted'
    CHECK (ui_mode IN ('hosted', 'embedded'));
  ALTER TABLE checkout_sessions ADD COLUMN client_secret TEXT;
  `,
  /* 10 */ `
  -- A plan change confirmed for the end of the period (the subscription's schedule moves it to
  -- another price then): the buyer keeps the current plan until scheduled_at.
  ALTER TABLE subscriptions ADD COLUMN scheduled_plan TEXT;
  ALTER TABLE subscriptions ADD COLUMN scheduled_billing TEXT;
  ALTER TABLE subscriptions ADD COLUMN scheduled_at INTEGER;
  `,
  /* 11 */ `
  -- Free trials: the days a session was sold with (it charges nothing today), and when a
  -- subscription's trial ends, so the buyer is told before it does.
  ALTER TABLE checkout_sessions ADD COLUMN trial_days INTEGER;
  ALTER TABLE subscriptions ADD COLUMN trial_end INTEGER;
  `,
  /* 12 */ `
  -- Events answered before they were applied (a burst beyond what is applied at once): each waits
  -- here, durable, until it is applied; times in milliseconds. A claim holds it for a short lease.
  CREATE TABLE webhook_inbox (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX webhook_inbox_by_arrival ON webhook_inbox (received_at, id);
  `,
];
