package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The late-batch rule, with two concurrent PostgreSQL transactions: batch 5's transaction is still open when batch
 * 6 commits. A flow without {@code settle_time} exports batch 6, moves its watermark to 6 and never exports batch
 * 5 (the risk the rule exists for). A flow with {@code settle_time} finds batch 6, waits, and reads every batch up to
 * 6 after the wait: batch 5, committed during the wait, is in the same file, before batch 6.
 */
class LateBatchesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aBatchCommittedWithinTheSettleTimeIsNotSkipped() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_late_it");
        h.sql("CREATE TABLE late_batches (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO late_batches SELECT g, 'n' || g, 1 + g / 10 FROM generate_series(1, 39) g");
        for (String flow : List.of("eager", "settled")) {
            h.flow(flow, "id = \"" + flow + "\"\n[properties.export]\nsource_dataset_id = \"late_batches\"\n"
                    + "export_mode = \"changes_only\"\nfile_path = \"" + flow + "/{batch_id}.jsonl\"\n"
                    + (flow.equals("settled") ? "settle_time = \"3s\"\n" : ""));
        }
        h.cli("run-once", "--all").ok();
        assertThat(h.watermark("eager")).isEqualTo(OptionalLong.of(4));
        assertThat(h.watermark("settled")).isEqualTo(OptionalLong.of(4));

        try (Connection slow = DriverManager.getConnection(Harness.PG_URL + "?currentSchema=fe_late_it",
                Harness.PG_USER, "")) {
            slow.setAutoCommit(false);
            try (Statement s = slow.createStatement()) {
                s.execute("INSERT INTO late_batches VALUES (50, 'late', 5), (51, 'late', 5)");
            }
            h.sql("INSERT INTO late_batches VALUES (60, 'quick', 6), (61, 'quick', 6)");

            h.cli("run-once", "eager").ok();
            assertThat(h.watermark("eager")).isEqualTo(OptionalLong.of(6));
            assertThat(ids(h, "eager/6.jsonl")).containsExactly(60L, 61L);

            java.sql.Timestamp before = dbNow(h);
            CompletableFuture<Harness.Outcome> settled = CompletableFuture.supplyAsync(
                    () -> h.cli("run-once", "settled"));
            // the run has looked for its highest new batch (6) and is waiting: now batch 5 commits
            await().atMost(Duration.ofSeconds(20)).until(() -> rangeQueryRan(h, before));
            assertThat(settled).isNotDone();
            slow.commit();
            Harness.Outcome out = settled.get();
            assertThat(out.code()).as(out.out() + out.err()).isZero();
        }
        assertThat(h.watermark("settled")).isEqualTo(OptionalLong.of(6));
        assertThat(ids(h, "settled/6.jsonl")).containsExactly(50L, 51L, 60L, 61L);

        Harness.Outcome eagerAgain = h.cli("run-once", "eager").ok();
        assertThat(eagerAgain.out()).contains("nothing new above batch 6");
        assertThat(h.files()).filteredOn(f -> f.startsWith("eager/"))
                .as("without settle_time, batch 5 was skipped").containsExactly("eager/4.jsonl", "eager/6.jsonl");
    }

    /** True once a connection of the runner has run the MIN/MAX query over late_batches after {@code since}. */
    private static boolean rangeQueryRan(Harness h, java.sql.Timestamp since) throws Exception {
        try (Connection c = h.source();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE pid <> pg_backend_pid() AND query LIKE 'SELECT MIN(%late_batches%' "
                     + "AND query_start > ?")) {
            ps.setTimestamp(1, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static java.sql.Timestamp dbNow(Harness h) throws Exception {
        try (Connection c = h.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static List<Long> ids(Harness h, String relative) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (String line : Files.readAllLines(h.exportDir.resolve(relative))) {
            ids.add(JSON.readTree(line).path("id").asLong());
        }
        return ids;
    }
}
