package io.flowexport.destination.messaging;

import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Secrets;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns what the Kafka client throws for an Event Hubs destination into one sentence that says what to do. Secret
 * values never appear: messages pass through {@link Secrets#redact}.
 */
final class EventHubErrors {

    private EventHubErrors() {
    }

    /** False for failures another try cannot mend: a refused login or permission, a missing event hub, a size. */
    static boolean retryable(Throwable error) {
        for (Throwable c = error; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException || c instanceof AuthorizationException
                    || c instanceof UnknownTopicOrPartitionException || c instanceof RecordTooLargeException
                    || c instanceof RowMessages.TooLargeException) {
                return false;
            }
        }
        return true;
    }

    /** Explains a failure to send to, or check, {@code d}. */
    static String explain(Throwable error, DestinationSpec.EventHub d) {
        String where = "event hub '" + d.eventHub() + "' of namespace '" + d.namespace() + "' ("
                + d.kafkaBootstrap() + ")";
        for (Throwable c = error; c != null; c = c.getCause()) {
            if (c instanceof RowMessages.TooLargeException) {
                return Secrets.redact(c.getMessage());
            }
            if (c instanceof AuthenticationException) {
                return Secrets.redact(AzureCredentials.describe(d.auth(), null) + " was refused by " + where + ": "
                        + c.getMessage() + "; copy it again from the namespace's (or event hub's) Shared access "
                        + "policies, with Send rights");
            }
            if (c instanceof AuthorizationException) {
                return Secrets.redact(AzureCredentials.describe(d.auth(), null) + " may not send to " + where + ": "
                        + c.getMessage() + "; use a policy with the Send claim");
            }
            if (c instanceof UnknownTopicOrPartitionException) {
                return Secrets.redact(where + " does not exist: create it, or fix event_hub");
            }
            if (c instanceof RecordTooLargeException) {
                return Secrets.redact(where + " refused a message as too large: " + c.getMessage()
                        + "; lower max_message_size to the namespace's limit (256 KB Basic, 1 MB Standard)");
            }
            if (c instanceof TimeoutException || c instanceof java.util.concurrent.TimeoutException) {
                return Secrets.redact("no acknowledgement from " + where + " within send_timeout ("
                        + io.flowexport.flow.Durations.format(d.sendTimeout()) + "): " + c.getMessage()
                        + "; check the namespace, event_hub, the network (port 9093) and that the tier has the "
                        + "Kafka endpoint (Standard and above)");
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Secrets.redact("sending to " + where + " failed: " + root.getClass().getSimpleName() + ": "
                + root.getMessage());
    }
}
