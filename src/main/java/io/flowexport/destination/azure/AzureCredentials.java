package io.flowexport.destination.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.flowexport.flow.Secrets;
import reactor.core.publisher.Mono;

/**
 * The one credential factory of every Azure destination: turns an {@link AzureAuth} (secrets as references) into
 * the Azure SDK's credentials, resolving secrets only here, and names the credential in words for error messages
 * (never a secret's value).
 */
public final class AzureCredentials {

    /** The Entra ID hosts of Microsoft's clouds, which instance discovery knows. */
    static final java.util.Set<String> MICROSOFT_AUTHORITIES = java.util.Set.of("login.microsoftonline.com",
            "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
            "login.microsoftonline.de");

    private final Secrets secrets;

    /** @param secrets resolves {@code ${env:...}} and {@code ${file:...}} references */
    public AzureCredentials(Secrets secrets) {
        this.secrets = secrets;
    }

    /**
     * Sets the credential of a DFS (ADLS Gen2, OneLake) client builder.
     *
     * @param account the storage account the shared key belongs to
     * @throws Secrets.SecretException when a referenced variable or file is missing (the message names it)
     * @throws IllegalArgumentException when a key is not valid base64
     */
    public void apply(DataLakeServiceClientBuilder builder, AzureAuth auth, String account) {
        if (auth instanceof AzureAuth.SharedKey k) {
            String key = secrets.resolve(k.accountKey());
            try {
                java.util.Base64.getDecoder().decode(key.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the account key from " + k.accountKey().masked()
                        + " is not base64; copy key1 or key2 from the storage account's Access keys");
            }
            builder.credential(new StorageSharedKeyCredential(account, key.trim()));
        } else if (auth instanceof AzureAuth.Sas s) {
            String token = secrets.resolve(s.token()).trim();
            builder.sasToken(token.startsWith("?") ? token.substring(1) : token);
        } else {
            builder.credential(new WholeFailures(token(auth)));
        }
    }

    /**
     * A token credential whose failures reach the caller of a synchronous storage call whole. Those calls rethrow
     * the <em>cause</em> of what the pipeline threw, not the exception itself (azure-storage-common's
     * {@code StorageImplUtils.sendRequest}): a credential exception without a cause, as the default chain throws
     * when no credential is available, came out as a bare {@code RuntimeException} without a message, and a
     * refused client secret as a {@code RuntimeException} around an {@code ExecutionException}. Here a failure is
     * thrown as a {@link TokenFailure} whose cause is a {@link TokenFailure} holding it, so that what is unwrapped
     * is still a {@link ClientAuthenticationException} with the original message and the original as its cause.
     */
    static final class WholeFailures implements TokenCredential {
        private final TokenCredential credential;

        WholeFailures(TokenCredential credential) {
            this.credential = credential;
        }

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return credential.getToken(request).onErrorMap(e -> !(e instanceof TokenFailure), TokenFailure::twice);
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            try {
                return credential.getTokenSync(request);
            } catch (TokenFailure e) {
                throw e;
            } catch (RuntimeException e) {
                throw TokenFailure.twice(e);
            }
        }
    }

    /** A credential's failure to get a token, with the credential's message; see {@link WholeFailures}. */
    static final class TokenFailure extends ClientAuthenticationException {
        private static final long serialVersionUID = 1L;

        TokenFailure(Throwable failure) {
            super(failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName(), null, failure);
        }

        static TokenFailure twice(Throwable failure) {
            return new TokenFailure(new TokenFailure(failure));
        }
    }

    /**
     * A Microsoft Entra ID token credential for a service principal or the default chain.
     *
     * @throws IllegalArgumentException for a shared key or SAS, which are not token credentials
     * @throws Secrets.SecretException when the client secret's reference cannot be read
     */
    public TokenCredential token(AzureAuth auth) {
        if (auth instanceof AzureAuth.ServicePrincipal sp) {
            ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder().tenantId(sp.tenantId())
                    .clientId(sp.clientId()).clientSecret(secrets.resolve(sp.clientSecret()));
            if (sp.authorityHost() != null) {
                b.authorityHost(sp.authorityHost());
                if (!MICROSOFT_AUTHORITIES.contains(java.net.URI.create(sp.authorityHost()).getHost())) {
                    // Azure Stack, AD FS, private authorities: Microsoft's instance discovery does not know them
                    b.disableInstanceDiscovery();
                }
            }
            return b.build();
        } else if (auth instanceof AzureAuth.DefaultChain d) {
            DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder();
            if (d.managedIdentityClientId() != null) {
                b.managedIdentityClientId(d.managedIdentityClientId());
            }
            if (d.tenantId() != null) {
                b.tenantId(d.tenantId());
            }
            return b.build();
        }
        throw new IllegalArgumentException("auth type '" + auth.toml() + "' is not a token credential");
    }

    /**
     * The connection string of {@link AzureAuth.ConnectionString}, resolved. Its {@code SharedAccessKey} or
     * {@code SharedAccessSignature} value is registered with {@link Secrets#redact} on its own too.
     *
     * @throws IllegalArgumentException for any other auth type
     * @throws Secrets.SecretException  when the reference cannot be read (the message names it)
     */
    public String connectionString(AzureAuth auth) {
        if (auth instanceof AzureAuth.ConnectionString c) {
            String value = secrets.resolve(c.value());
            // the key or signature alone is as secret as the whole string: mask it too wherever it appears
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                String name = eq > 0 ? part.substring(0, eq).trim() : "";
                if ((name.equalsIgnoreCase("SharedAccessKey") || name.equalsIgnoreCase("SharedAccessSignature"))
                        && part.length() > eq + 1) {
                    Secrets.rememberDerived(part.substring(eq + 1).trim());
                }
            }
            return value;
        }
        throw new IllegalArgumentException("auth type '" + auth.toml() + "' is not a connection string");
    }

    /**
     * A fingerprint of the secret values {@code auth} refers to (64 hex characters of SHA-256, never the values):
     * part of a client cache's key, so that a rotated key, SAS, client secret or connection string makes a new
     * client. Empty input for the default chain, which holds no secret here.
     *
     * @throws Secrets.SecretException when a reference cannot be read
     */
    public String fingerprint(AzureAuth auth) {
        java.util.List<io.flowexport.flow.SecretValue> refs = new java.util.ArrayList<>();
        if (auth instanceof AzureAuth.SharedKey k) {
            refs.add(k.accountKey());
        } else if (auth instanceof AzureAuth.Sas s) {
            refs.add(s.token());
        } else if (auth instanceof AzureAuth.ServicePrincipal sp) {
            refs.add(sp.clientSecret());
        } else if (auth instanceof AzureAuth.ConnectionString c) {
            refs.add(c.value());
        }
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (io.flowexport.flow.SecretValue r : refs) {
                sha.update(secrets.resolve(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The credential in words, e.g. {@code the shared key of account 'contoso' (${env:ADLS_KEY})} or
     * {@code service principal 1234... in tenant 'abcd...'}.
     */
    public static String describe(AzureAuth auth, String account) {
        if (auth instanceof AzureAuth.SharedKey k) {
            return "the shared key of account '" + account + "' (" + k.accountKey().masked() + ")";
        } else if (auth instanceof AzureAuth.Sas s) {
            return "the SAS token " + s.token().masked();
        } else if (auth instanceof AzureAuth.ServicePrincipal sp) {
            return "service principal (client id " + sp.clientId() + ") in tenant " + sp.tenantId();
        } else if (auth instanceof AzureAuth.ConnectionString c) {
            return "the connection string " + c.value().masked();
        } else if (auth instanceof AzureAuth.DefaultChain d) {
            return "the default credential chain (environment, workload identity, managed identity"
                    + (d.managedIdentityClientId() != null ? " " + d.managedIdentityClientId() : "")
                    + ", Azure CLI)";
        }
        return auth.toml();
    }
}
