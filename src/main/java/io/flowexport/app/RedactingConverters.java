package io.flowexport.app;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.flowexport.flow.Secrets;

/**
 * Logback converters that mask every secret value the runner has resolved (see {@link Secrets#redact}) in log
 * messages and stack traces, whoever logs them (our code, Camel, the HTTP client). Wired in {@code logback.xml}.
 */
public final class RedactingConverters {

    private RedactingConverters() {
    }

    /** {@code %msg} with secrets masked. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Secrets.redact(super.convert(event));
        }
    }

    /** {@code %ex} with secrets masked. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Secrets.redact(super.convert(event));
        }
    }
}
