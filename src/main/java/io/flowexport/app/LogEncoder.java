package io.flowexport.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import io.flowexport.config.LogFormat;

/**
 * The stderr appender's encoder (wired in {@code logback.xml}): writes each event with its {@code text} encoder or
 * its {@code json} encoder, whichever {@code flowexport.log.format} chose. Both mask secrets (see
 * {@link RedactingConverters}).
 *
 * <p>Logback configures itself before the settings are read, so the format is chosen twice: when logback starts,
 * from the system property {@code flowexport.log.format} or the environment variable {@code FLOWEXPORT_LOG_FORMAT}
 * (an unknown value means text here; the settings then refuse it), and again by {@link #use} once the settings are
 * loaded, which adds the {@code --config} file. Each line is written once, in the format in force when it is
 * logged: nothing is buffered, lost or written twice. Lines logged before the settings are loaded (normally none)
 * are text when the format is set in the {@code --config} file only.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

    private static volatile LogFormat format = initial();

    private Encoder<ILoggingEvent> text;
    /** Made on the first JSON line: text logging never loads logstash-logback-encoder and Jackson's factories. */
    private volatile Encoder<ILoggingEvent> json;

    /** The encoder of {@code text} lines (logback calls this from {@code <text class="...">}). */
    public void setText(Encoder<ILoggingEvent> text) {
        this.text = text;
    }

    /** Writes every line from now on in {@code chosen} (the {@code flowexport.log.format} setting). */
    public static void use(LogFormat chosen) {
        format = chosen;
    }

    /** The format lines are written in now. */
    public static LogFormat current() {
        return format;
    }

    private static LogFormat initial() {
        String v = System.getProperty("flowexport.log.format");
        if (v == null) {
            v = System.getenv("FLOWEXPORT_LOG_FORMAT");
        }
        return LogFormat.parse(v).orElse(LogFormat.TEXT);
    }

    @Override
    public void start() {
        if (text == null) {
            addError("LogEncoder needs a <text> encoder");
            return;
        }
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return (format == LogFormat.JSON ? json() : text).encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /**
     * The JSON encoder: one object per line with {@code timestamp} (ISO-8601, UTC), {@code level}, {@code logger},
     * {@code thread}, {@code message} (secrets masked), {@code flow_id} and {@code run_id} (from the MDC, while a
     * stage of a run logs) and {@code stack_trace} (secrets masked).
     */
    private Encoder<ILoggingEvent> json() {
        Encoder<ILoggingEvent> j = json;
        if (j == null) {
            synchronized (this) {
                j = json;
                if (j == null) {
                    j = JsonLines.encoder(getContext());
                    json = j;
                }
            }
        }
        return j;
    }
}
