-- StateSchemaIT: an application's own migration (history in the default flyway_schema_history) in the schema
-- that the state store shares with it.
CREATE TABLE orders (id INTEGER PRIMARY KEY, name VARCHAR(100), xt_batch_id BIGINT NOT NULL);
