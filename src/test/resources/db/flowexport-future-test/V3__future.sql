-- StateSchemaIT: a migration of a newer release that this release does not know: a new table, and a new nullable
-- column in a table this release writes.
CREATE TABLE flowexport_future (id BIGINT NOT NULL PRIMARY KEY);
ALTER TABLE flowexport_runs ADD COLUMN future_note VARCHAR(100);
