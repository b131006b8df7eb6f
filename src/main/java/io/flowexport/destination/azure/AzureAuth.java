package io.flowexport.destination.azure;

import io.flowexport.flow.SecretValue;

/**
 * How an Azure destination authenticates, as the flow or catalogue entry writes it ({@code auth = { type = ...
 * }}); secrets are references read only when the destination is used. One shape for every Azure destination
 * ({@code adls}, {@code onelake}, {@code eventhub}, {@code servicebus}), read by {@link AzureAuthParser} and turned
 * into SDK credentials by {@link AzureCredentials}.
 */
public sealed interface AzureAuth {

    /** The {@code type} value in TOML. */
    String toml();

    /**
     * The storage account's shared key ({@code type = "shared_key"}); ADLS only (OneLake accepts Entra ID
     * tokens and SAS, not keys).
     *
     * @param accountKey the base64 account key, as a reference
     */
    record SharedKey(SecretValue accountKey) implements AzureAuth {
        @Override
        public String toml() {
            return "shared_key";
        }
    }

    /**
     * A shared access signature ({@code type = "sas"}): the query string Azure gives out
     * ({@code sv=...&sig=...}, with or without the leading {@code ?}).
     */
    record Sas(SecretValue token) implements AzureAuth {
        @Override
        public String toml() {
            return "sas";
        }
    }

    /**
     * A Microsoft Entra ID service principal with a client secret ({@code type = "service_principal"}).
     *
     * @param tenantId      the directory (tenant) id
     * @param clientId      the application (client) id
     * @param clientSecret  the client secret, as a reference
     * @param authorityHost the Entra ID endpoint, e.g. {@code https://login.microsoftonline.us} for a sovereign
     *                      cloud; null for the public cloud
     */
    record ServicePrincipal(String tenantId, String clientId, SecretValue clientSecret, String authorityHost)
            implements AzureAuth {
        @Override
        public String toml() {
            return "service_principal";
        }
    }

    /**
     * A connection string ({@code type = "connection_string"}), as the portal gives it for an Event Hubs or Service
     * Bus namespace or entity: {@code Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;
     * SharedAccessKey=...[;EntityPath=...]}.
     */
    record ConnectionString(SecretValue value) implements AzureAuth {
        @Override
        public String toml() {
            return "connection_string";
        }
    }

    /**
     * The Azure default credential chain ({@code type = "default"}, the default when {@code auth} is absent):
     * environment variables ({@code AZURE_CLIENT_ID}...), workload identity, managed identity, Azure CLI, in
     * that order.
     *
     * @param managedIdentityClientId the client id of a user-assigned managed identity, or null
     * @param tenantId                the tenant for developer credentials (Azure CLI), or null
     */
    record DefaultChain(String managedIdentityClientId, String tenantId) implements AzureAuth {
        @Override
        public String toml() {
            return "default";
        }
    }
}
