package io.flowexport.destination.messaging;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.flow.Secrets;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns what the Kafka client or the Azure SDK's AMQP clients throw for an Event Hubs or Service Bus destination into
 * one sentence that says what to do, and says whether another try can help. Secret values never appear: messages
 * pass through {@link Secrets#redact}.
 */
public final class MessagingErrors {

    /** AMQP conditions another try cannot mend. */
    private static final Set<AmqpErrorCondition> FINAL = Set.of(AmqpErrorCondition.UNAUTHORIZED_ACCESS,
            AmqpErrorCondition.NOT_FOUND, AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED,
            AmqpErrorCondition.ENTITY_DISABLED_ERROR, AmqpErrorCondition.ARGUMENT_ERROR,
            AmqpErrorCondition.ARGUMENT_OUT_OF_RANGE_ERROR, AmqpErrorCondition.NOT_ALLOWED,
            AmqpErrorCondition.NOT_IMPLEMENTED);

    private MessagingErrors() {
    }

    /**
     * False for failures another try cannot mend: a refused login or permission, a missing entity, a size, a bad
     * connection string; true for the rest (timeouts, a busy or unreachable service, a dropped connection).
     */
    static boolean retryable(Throwable error) {
        for (Throwable c = error; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException || c instanceof AuthorizationException
                    || c instanceof UnknownTopicOrPartitionException || c instanceof RecordTooLargeException
                    || c instanceof RowMessages.TooLargeException || c instanceof ClientAuthenticationException
                    || c instanceof IllegalArgumentException || c instanceof Secrets.SecretException
                    || c instanceof UnsupportedOperationException) { // the SDK's form of amqp:not-allowed
                return false;
            }
            if (c instanceof AmqpException a && a.getErrorCondition() != null
                    && FINAL.contains(a.getErrorCondition())) {
                return false;
            }
            if (c instanceof ServiceBusException s && (s.getReason() == ServiceBusFailureReason.UNAUTHORIZED
                    || s.getReason() == ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND
                    || s.getReason() == ServiceBusFailureReason.MESSAGING_ENTITY_DISABLED
                    || s.getReason() == ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED)) {
                return false;
            }
        }
        return true;
    }

    /** Explains a failure to send to, or check, {@code d}. */
    public static String explain(Throwable error, MessagingSpec d) {
        String where = d.where();
        String credential = AzureCredentials.describe(d.auth(), null);
        for (Throwable c = error; c != null; c = c.getCause()) {
            if (c instanceof RowMessages.TooLargeException) {
                return Secrets.redact(c.getMessage());
            }
            if (c instanceof Secrets.SecretException) {
                return Secrets.redact(c.getMessage());
            }
            if (c instanceof AmqpConnectionStrings.Mismatch) {
                return Secrets.redact(credential + " does not fit " + where + ": " + c.getMessage());
            }
            if (c instanceof AuthenticationException) {
                return Secrets.redact(credential + " was refused by " + where + ": " + c.getMessage() + "; copy it "
                        + "again from the namespace's (or entity's) Shared access policies, with Send rights");
            }
            if (c instanceof AuthorizationException) {
                return Secrets.redact(credential + " may not send to " + where + ": " + c.getMessage() + "; use a "
                        + "policy with the Send claim");
            }
            if (c instanceof UnknownTopicOrPartitionException) {
                return Secrets.redact(where + " does not exist: create it, or fix event_hub");
            }
            if (c instanceof RecordTooLargeException) {
                return Secrets.redact(where + " refused a message as too large: " + c.getMessage()
                        + "; lower max_message_size to the namespace's limit (256 KB Basic, 1 MB Standard)");
            }
            if (c instanceof TimeoutException || c instanceof java.util.concurrent.TimeoutException) {
                boolean kafka = d.overKafka();
                return Secrets.redact("no acknowledgement from " + where + " within send_timeout ("
                        + io.flowexport.flow.Durations.format(d.sendTimeout()) + ")" + (kafka ? ": " + c.getMessage()
                        : "") + (kafka ? "; check the namespace, event_hub, the network (port 9093) and that the "
                        + "tier has the Kafka endpoint (Standard and above)" : "; check the namespace, the entity and "
                        + "the network (AMQP port 5671)"));
            }
            if (c instanceof UnsupportedOperationException) { // how the SDK surfaces amqp:not-allowed
                return Secrets.redact(where + " refused the message: " + c.getMessage() + d.refusedHint());
            }
            if (c instanceof ClientAuthenticationException) {
                return Secrets.redact(credential + " could not get a token for " + where + ": " + c.getMessage());
            }
            if (c instanceof AmqpException a && a.getErrorCondition() != null) {
                // the SDK appends its error context (namespace, path, link credit): noise in a run's message
                String said = String.valueOf(a.getMessage()).replaceFirst(",? ?errorContext\\[.*]\\s*$", "");
                return Secrets.redact(switch (a.getErrorCondition()) {
                    case UNAUTHORIZED_ACCESS -> credential + " was refused by " + where + ": " + said + "; use a "
                            + "shared access policy (or, for Entra ID, the role 'Azure " + d.serviceName() + " Data Sender') with the "
                            + "Send claim on this entity, and check the key is current";
                    case NOT_FOUND -> where + " does not exist: " + said + "; create it, or fix "
                            + d.entityKeys();
                    case LINK_PAYLOAD_SIZE_EXCEEDED -> where + " refused a message as too large: " + said
                            + "; lower max_message_size or rows_per_message";
                    case ENTITY_DISABLED_ERROR -> where + " is disabled: " + said + "; enable it";
                    case NOT_ALLOWED -> where + " refused the message: " + said + d.refusedHint();
                    case SERVER_BUSY_ERROR -> where + " is busy (throttled): " + said + "; it is retried with "
                            + "backoff; raise the namespace's throughput units or lower the flow's pace";
                    case TIMEOUT_ERROR, OPERATION_CANCELLED -> "no acknowledgement from " + where + " within "
                            + "send_timeout (" + io.flowexport.flow.Durations.format(d.sendTimeout()) + "): " + said
                            + "; check the namespace, the network (port 5671, or 443 through a proxy) and the "
                            + "entity";
                    default -> "sending to " + where + " failed: " + a.getErrorCondition().getErrorCondition() + ": "
                            + said;
                });
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
