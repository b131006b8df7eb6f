package io.flowexport.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.TriggerType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class TriggerUrisTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 1 * * *      | 0 0 1 * * ? *",
            "30 2 * * 1-5   | 0 30 2 ? * 2-6 *",
            "0 0 1 * *      | 0 0 0 1 * ? *",
            "*/15 * * * *   | 0 */15 * * * ? *",
            "0 6 * * 0      | 0 0 6 ? * 1 *",
    })
    void unixCronBecomesTheSameScheduleInQuartz(String unix, String quartz) throws Exception {
        String converted = TriggerUris.quartzCron(unix.trim());
        assertThat(converted).isEqualTo(quartz.trim());
        assertThat(CronExpression.isValidExpression(converted)).isTrue();
    }

    @Test
    void weekdayNumberingFollowsUnixInQuartz() throws Exception {
        // Monday 2026-11-23 09:00 UTC: "0 9 * * 1" (Unix Monday) must fire then, not on Sunday.
        CronExpression e = new CronExpression(TriggerUris.quartzCron("0 9 * * 1"));
        e.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        java.util.Date next = e.getNextValidTimeAfter(java.util.Date.from(java.time.Instant.parse("2026-11-20T00:00:00Z")));
        assertThat(next.toInstant()).isEqualTo(java.time.Instant.parse("2026-11-23T09:00:00Z"));
    }

    @Test
    void triggersBecomeQuartzAndTimerUris() {
        TriggerSpec cron = new TriggerSpec("daily", TriggerType.SCHEDULE, "0 1 * * *", ZoneId.of("Europe/Paris"),
                null, true, null);
        TriggerSpec every = new TriggerSpec("tick", TriggerType.INTERVAL, null, ZoneOffset.UTC,
                Duration.ofMinutes(15), true, null);
        Flow flow = new Flow("orders", "orders", FlowType.EXPORT_FLOW, "public", null, Path.of("f.toml"), "v",
                null, List.of(cron, every));
        assertThat(TriggerUris.uri(flow, cron)).isEqualTo("quartz://flowexport/orders-daily?cron=RAW(0 0 1 * * ? *)"
                + "&trigger.timeZone=Europe/Paris&stateful=true");
        assertThat(TriggerUris.uri(flow, every)).isEqualTo("timer://flowexport-orders-tick?period=900000&fixedRate=true");
        // interval triggers fire at the multiples of their interval, on every runner alike
        assertThat(TriggerUris.consumerUri(flow, every, java.time.Instant.parse("2026-12-06T10:05:00Z")))
                .isEqualTo("timer://flowexport-orders-tick?period=900000&fixedRate=true&delay=600000");
        assertThat(TriggerUris.slot(java.time.Instant.parse("2026-12-06T10:15:00.003Z"), java.time.Duration.ofMinutes(15)))
                .isEqualTo(java.time.Instant.parse("2026-12-06T10:15:00Z"));
    }

    @Test
    void invalidCronIsRejected() {
        assertThatThrownBy(() -> TriggerUris.quartzCron("0 25 * * *")).isInstanceOf(IllegalArgumentException.class);
    }
}
