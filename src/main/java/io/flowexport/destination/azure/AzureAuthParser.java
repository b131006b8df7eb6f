package io.flowexport.destination.azure;

import io.flowexport.destination.spi.Values;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.parse.TomlView;
import java.util.Set;

/**
 * Reads the {@code auth} table of the Azure destinations (lake and messaging): which credential types a destination
 * type takes, and their keys. Secrets must be references; a literal is a warning.
 */
public final class AzureAuthParser {

    static final Set<String> AZURE_AUTH_KEYS = Set.of("type", "account_key", "token", "tenant_id", "client_id",
            "client_secret", "authority_host", "managed_identity_client_id", "value");

    /** The kind of Azure service a destination writes to, which decides the credentials it takes. */
    public enum Service {
        /** A storage account's DFS endpoint: shared key, SAS, service principal, default chain. */
        STORAGE,
        /** OneLake: the storage kinds except shared keys, which OneLake refuses. */
        ONELAKE,
        /** Event Hubs and Service Bus: connection string, service principal, default chain. */
        MESSAGING
    }

    private AzureAuthParser() {
    }

    /**
     * The credential of {@code a}, or null when absent or wrong (reported).
     *
     * @param type    the destination type as TOML spells it, for messages
     * @param service what the destination writes to
     */
    public static AzureAuth parse(TomlView a, String type, Service service) {
        if (a == null) {
            return null;
        }
        boolean messaging = service == Service.MESSAGING;
        a.checkKeys(AZURE_AUTH_KEYS);
        String t = a.string("type");
        if (t == null) {
            if (!a.has("type")) {
                a.missing("type", messaging ? "set type = \"connection_string\", \"service_principal\" or "
                        + "\"default\"" : "set type = \"shared_key\", \"sas\", \"service_principal\" or \"default\"");
            }
            return null;
        }
        return switch (t) {
            case "connection_string" -> {
                Values.only(a, Set.of("type", "value"));
                if (!messaging) {
                    a.problems().error(a.pos("type"), a.key("type"), "a connection string is for Event Hubs and "
                            + "Service Bus; use type = \"shared_key\", \"sas\", \"service_principal\" or \"default\"");
                    yield null;
                }
                SecretValue cs = Values.required(a, "value", "the connection string: value = \"${env:NAME}\"");
                yield cs == null ? null : new AzureAuth.ConnectionString(cs);
            }
            case "shared_key" -> {
                Values.only(a, Set.of("type", "account_key"));
                if (messaging) {
                    a.problems().error(a.pos("type"), a.key("type"), "a storage account key is for adls; an "
                            + type + " destination takes type = \"connection_string\", \"service_principal\" "
                            + "or \"default\"");
                    yield null;
                }
                if (service == Service.ONELAKE) {
                    a.problems().error(a.pos("type"), a.key("type"), "OneLake does not accept shared keys; use "
                            + "type = \"service_principal\", \"default\" or \"sas\"");
                    yield null;
                }
                SecretValue key = Values.required(a, "account_key", "the storage account key: account_key = "
                        + "\"${env:NAME}\"");
                yield key == null ? null : new AzureAuth.SharedKey(key);
            }
            case "sas" -> {
                Values.only(a, Set.of("type", "token"));
                if (messaging) {
                    a.problems().error(a.pos("type"), a.key("type"), "an " + type + " destination takes a "
                            + "shared access policy as type = \"connection_string\" (its SAS tokens are made from it), "
                            + "or type = \"service_principal\" or \"default\"");
                    yield null;
                }
                SecretValue token = Values.required(a, "token", "the SAS token: token = \"${env:NAME}\"");
                yield token == null ? null : new AzureAuth.Sas(token);
            }
            case "service_principal" -> {
                Values.only(a, Set.of("type", "tenant_id", "client_id", "client_secret", "authority_host"));
                String tenant = Values.requiredString(a, "tenant_id", "the directory (tenant) id");
                String client = Values.requiredString(a, "client_id", "the application (client) id");
                SecretValue secret = Values.required(a, "client_secret", "client_secret = \"${env:NAME}\"");
                String authority = a.has("authority_host") ? a.string("authority_host") : null;
                if (authority != null && !authority.startsWith("https://")) {
                    a.problems().error(a.pos("authority_host"), a.key("authority_host"), "authority_host must be an "
                            + "https:// URL, e.g. https://login.microsoftonline.us");
                    yield null;
                }
                yield tenant == null || client == null || secret == null ? null
                        : new AzureAuth.ServicePrincipal(tenant, client, secret, authority);
            }
            case "default" -> {
                Values.only(a, Set.of("type", "managed_identity_client_id", "tenant_id"));
                yield new AzureAuth.DefaultChain(a.has("managed_identity_client_id")
                        ? a.string("managed_identity_client_id") : null, a.has("tenant_id") ? a.string("tenant_id")
                        : null);
            }
            default -> {
                a.problems().error(a.pos("type"), a.key("type"), "unknown auth type '" + t + "'; known: "
                        + (messaging ? "connection_string, service_principal, default"
                        : "shared_key, sas, service_principal, default"));
                yield null;
            }
        };
    }
}
