-- Several runners on one state store: who ran each run, which firing it was, and the tables runners coordinate through.
ALTER TABLE flowexport_runs ADD COLUMN runner_id VARCHAR(200);
ALTER TABLE flowexport_runs ADD COLUMN trigger_id VARCHAR(200);
ALTER TABLE flowexport_runs ADD COLUMN fire_time VARCHAR(40);
-- One row per flow: the runner that holds its run slot until expires_at (ms since 1970, the database's clock).
-- epoch is the fencing token: +1 at every acquisition.
CREATE TABLE flowexport_lease (
    flow_id VARCHAR(200) NOT NULL PRIMARY KEY,
    runner_id VARCHAR(200),
    host VARCHAR(200),
    pid BIGINT,
    epoch BIGINT NOT NULL,
    run_id VARCHAR(64),
    run_trigger VARCHAR(20),
    trigger_id VARCHAR(200),
    fire_time BIGINT,
    acquired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL);
-- One row per trigger: the latest firing claimed (ms since 1970), by which runner, and the next one due.
CREATE TABLE flowexport_trigger (
    flow_id VARCHAR(200) NOT NULL,
    trigger_id VARCHAR(200) NOT NULL,
    last_fire BIGINT NOT NULL,
    runner_id VARCHAR(200) NOT NULL,
    claimed_at BIGINT NOT NULL,
    next_fire BIGINT,
    PRIMARY KEY (flow_id, trigger_id));
-- One row per live runner, renewed at every heartbeat (ms since 1970, the database's clock).
CREATE TABLE flowexport_runner (
    runner_id VARCHAR(200) NOT NULL PRIMARY KEY,
    host VARCHAR(200) NOT NULL,
    pid BIGINT NOT NULL,
    app_version VARCHAR(64),
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    flows VARCHAR(1000000) NOT NULL,
    running VARCHAR(100000) NOT NULL);
