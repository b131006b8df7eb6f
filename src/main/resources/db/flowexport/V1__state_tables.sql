-- The state tables as releases up to 8c62dd5 created them on first use (JdbcStateStore's DDL list), statement for
-- statement: on a store created by such a release (baselined at version 0) this migration changes nothing.
CREATE TABLE IF NOT EXISTS flowexport_watermark (
    flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL,
    batch_id BIGINT NOT NULL, run_id VARCHAR(64) NOT NULL, updated_at VARCHAR(40) NOT NULL);
CREATE TABLE IF NOT EXISTS flowexport_pending (
    flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL,
    run_id VARCHAR(64) NOT NULL, first_batch BIGINT, last_batch BIGINT, row_count BIGINT NOT NULL,
    file VARCHAR(4000) NOT NULL, placeholder_values VARCHAR(8000) NOT NULL,
    remaining VARCHAR(8000) NOT NULL, last_error VARCHAR(4000), created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL);
CREATE TABLE IF NOT EXISTS flowexport_intent (
    flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL,
    run_id VARCHAR(64) NOT NULL, first_batch BIGINT, last_batch BIGINT,
    placeholder_values VARCHAR(8000) NOT NULL, created_at VARCHAR(40) NOT NULL);
CREATE TABLE IF NOT EXISTS flowexport_runs (
    flow_id VARCHAR(200) NOT NULL, run_id VARCHAR(64) NOT NULL, flow_version VARCHAR(64),
    run_trigger VARCHAR(20) NOT NULL, started_at VARCHAR(40) NOT NULL,
    finished_at VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, row_count BIGINT NOT NULL,
    byte_count BIGINT NOT NULL, first_batch BIGINT, last_batch BIGINT,
    files VARCHAR(16000) NOT NULL, destinations VARCHAR(16000) NOT NULL, error VARCHAR(4000), message VARCHAR(4000));
CREATE INDEX IF NOT EXISTS flowexport_runs_flow ON flowexport_runs (flow_id, started_at);
CREATE INDEX IF NOT EXISTS flowexport_runs_finished ON flowexport_runs (finished_at);
