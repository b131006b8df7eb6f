-- The demo datasets of flow-export (H2). Deterministic: the same rows on every machine.
-- Batches 40..44 hold the record types a change feed carries: new, changed, deleted, unchanged.

CREATE TABLE change_feed_orders (
    order_id       INTEGER       NOT NULL,
    customer_id    INTEGER       NOT NULL,
    total          DECIMAL(12,2) NOT NULL,
    amount         DECIMAL(12,2),
    order_date     DATE          NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    note           VARCHAR(200),
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    xt_record_type VARCHAR(16)   NOT NULL,
    xt_batch_id    BIGINT        NOT NULL,
    PRIMARY KEY (xt_batch_id, order_id)
);
INSERT INTO change_feed_orders
SELECT CASE WHEN x <= 20 THEN x ELSE MOD(x - 1, 30) + 1 END,
       1000 + MOD(x * 7, 13),
       CAST(MOD(x * 1337, 50000) / 100.0 AS DECIMAL(12,2)),
       CASE WHEN MOD(x, 9) = 0 THEN NULL ELSE CAST(MOD(x * 1337, 50000) / 100.0 * 0.9 AS DECIMAL(12,2)) END,
       DATE '2026-01-01' + MOD(x, 60),
       CASE MOD(x, 4) WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'cancelled' END,
       CASE MOD(x, 5) WHEN 0 THEN 'Grüße aus Köln' WHEN 1 THEN 'says "hi", twice' WHEN 2 THEN NULL
                      WHEN 3 THEN 'line one' || CHAR(10) || 'line two' ELSE '' END,
       TIMESTAMP WITH TIME ZONE '2026-01-01 08:00:00+00' + x * INTERVAL '1' HOUR,
       CASE WHEN x <= 20 THEN 'new'
            WHEN MOD(x, 4) = 0 THEN 'changed'
            WHEN MOD(x, 4) = 1 THEN 'unchanged'
            WHEN MOD(x, 4) = 2 THEN 'deleted'
            ELSE 'new' END,
       40 + (x - 1) / 20
FROM SYSTEM_RANGE(1, 100) AS t(x);

CREATE TABLE delta_transaction_orders (
    order_id        INTEGER       NOT NULL,
    customer_id     INTEGER       NOT NULL,
    total           DECIMAL(12,2) NOT NULL,
    xt_operation    VARCHAR(8)    NOT NULL,
    xt_committed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    xt_batch_id     BIGINT        NOT NULL,
    PRIMARY KEY (xt_batch_id, order_id)
);
INSERT INTO delta_transaction_orders
SELECT x, 2000 + MOD(x, 7), CAST(x * 12.5 AS DECIMAL(12,2)),
       CASE MOD(x, 3) WHEN 0 THEN 'insert' WHEN 1 THEN 'update' ELSE 'delete' END,
       TIMESTAMP WITH TIME ZONE '2026-02-01 00:00:00+00' + x * INTERVAL '10' MINUTE,
       1 + (x - 1) / 10
FROM SYSTEM_RANGE(1, 30) AS t(x);

CREATE TABLE orders_staging (
    order_id    INTEGER       NOT NULL,
    customer_id INTEGER       NOT NULL,
    total       DECIMAL(12,2) NOT NULL,
    order_date  DATE          NOT NULL,
    paid        BOOLEAN       NOT NULL,
    loaded_at   TIMESTAMP     NOT NULL,
    xt_batch_id BIGINT        NOT NULL,
    PRIMARY KEY (xt_batch_id, order_id)
);
INSERT INTO orders_staging
SELECT MOD(x - 1, 25) + 1, 3000 + MOD(x, 11), CAST(MOD(x * 733, 90000) / 100.0 AS DECIMAL(12,2)),
       DATE '2026-03-01' + MOD(x, 28), MOD(x, 3) = 0,
       TIMESTAMP '2026-03-01 06:00:00' + ((x - 1) / 25) * INTERVAL '1' DAY,
       1 + (x - 1) / 25
FROM SYSTEM_RANGE(1, 75) AS t(x);

CREATE TABLE orders_change_feed_change_feed (
    order_id       INTEGER       NOT NULL,
    customer_id    INTEGER       NOT NULL,
    total          DECIMAL(12,2) NOT NULL,
    xt_record_type VARCHAR(16)   NOT NULL,
    xt_batch_id    BIGINT        NOT NULL,
    PRIMARY KEY (xt_batch_id, order_id)
);
INSERT INTO orders_change_feed_change_feed
SELECT MOD(x - 1, 15) + 1, 4000 + MOD(x, 5), CAST(x * 3.25 AS DECIMAL(12,2)),
       CASE WHEN x <= 15 THEN 'new' WHEN MOD(x, 3) = 0 THEN 'changed' WHEN MOD(x, 3) = 1 THEN 'deleted'
            ELSE 'unchanged' END,
       1 + (x - 1) / 15
FROM SYSTEM_RANGE(1, 45) AS t(x);

CREATE TABLE orders_delta_publishing_delta_transaction (
    order_id     INTEGER       NOT NULL,
    customer_id  INTEGER       NOT NULL,
    total        DECIMAL(12,2) NOT NULL,
    xt_operation VARCHAR(8)    NOT NULL,
    xt_batch_id  BIGINT        NOT NULL,
    PRIMARY KEY (xt_batch_id, order_id)
);
INSERT INTO orders_delta_publishing_delta_transaction
SELECT x, 5000 + MOD(x, 4), CAST(x * 7.75 AS DECIMAL(12,2)),
       CASE MOD(x, 3) WHEN 0 THEN 'insert' WHEN 1 THEN 'update' ELSE 'delete' END,
       1 + (x - 1) / 8
FROM SYSTEM_RANGE(1, 24) AS t(x);
