package io.flowexport.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.MdcJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.composite.loggingevent.ThreadNameJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * The JSON log line encoder of {@code flowexport.log.format=json} (logstash-logback-encoder), made by
 * {@link LogEncoder} on the first JSON line. In a class of its own so that text logging never loads it.
 */
final class JsonLines {

    private JsonLines() {
    }

    /** A started encoder writing one JSON object per event; see {@link LogEncoder} for its fields. */
    static Encoder<ILoggingEvent> encoder(Context context) {
        LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
        LoggingEventFormattedTimestampJsonProvider timestamp = new LoggingEventFormattedTimestampJsonProvider();
        timestamp.setFieldName("timestamp");
        timestamp.setTimeZone("UTC");
        providers.addTimestamp(timestamp);
        LogLevelJsonProvider level = new LogLevelJsonProvider();
        level.setFieldName("level");
        providers.addLogLevel(level);
        LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
        logger.setFieldName("logger");
        providers.addLoggerName(logger);
        ThreadNameJsonProvider thread = new ThreadNameJsonProvider();
        thread.setFieldName("thread");
        providers.addThreadName(thread);
        providers.addProvider(new RedactingConverters.JsonMessage());
        MdcJsonProvider mdc = new MdcJsonProvider();
        mdc.addIncludeMdcKeyName("flow_id");
        mdc.addIncludeMdcKeyName("run_id");
        providers.addMdc(mdc);
        StackTraceJsonProvider stack = new StackTraceJsonProvider();
        stack.setThrowableConverter(new RedactingConverters.Throwable());
        providers.addStackTrace(stack);
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        encoder.setProviders(providers);
        encoder.start();
        return encoder;
    }
}
