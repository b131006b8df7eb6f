package io.flowexport.app;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;

/**
 * Logback converters that mask every secret value the runner has resolved (see {@link Secrets#redact}) in log
 * messages and stack traces, whoever logs them (our code, Camel, the HTTP client), in text lines and in JSON lines
 * ({@link JsonMessage}; JSON stack traces use {@link Throwable} too). Wired in {@code logback.xml}.
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

    /** The {@code message} field of JSON lines, with secrets masked. */
    public static final class JsonMessage extends MessageJsonProvider {
        @Override
        public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
            String message = event.getFormattedMessage();
            if (message != null) {
                generator.writeStringField(getFieldName(), Secrets.redact(message));
            }
        }
    }
}
