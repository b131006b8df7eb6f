package io.flowexport.destination.lake;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import reactor.core.publisher.Mono;

/**
 * The DFS service clients of lake destinations, one per endpoint, credential and retry policy, made on first use
 * and kept (token credentials cache their tokens). Each client is also bound in the connectors' Camel registry
 * under its own name, so a {@code azure-storage-datalake} endpoint can name it with {@code serviceClient=#name}
 * (no client is ever autowired).
 *
 * <p>A secret read from a file or variable is part of the key: a rotated key or SAS makes a new client.
 */
final class LakeClients {

    private final Supplier<CamelContext> context;
    private final Secrets secrets;
    private final AzureCredentials credentials;
    private final Map<Key, Entry> clients = new ConcurrentHashMap<>();
    private final AtomicInteger names = new AtomicInteger();

    /** A client and its bean name in the Camel registry. */
    record Entry(DataLakeServiceClient client, String bean) {
        /** The file system client of {@code d} ({@code file_system}, or the OneLake workspace). */
        DataLakeFileSystemClient fileSystem(LakeSpec d) {
            return client.getFileSystemClient(d.fileSystem());
        }

        /** The Camel endpoint URI that uses this client: {@code azure-storage-datalake:<account>?serviceClient=#bean}. */
        String endpointUri(LakeSpec d) {
            return "azure-storage-datalake:" + d.account() + "?serviceClient=#" + bean;
        }
    }

    private record Key(String endpoint, String account, AzureAuth auth, AzureRetry retry,
                       String secretDigest) {
    }

    LakeClients(Supplier<CamelContext> context, Secrets secrets) {
        this.context = context;
        this.secrets = secrets;
        this.credentials = new AzureCredentials(secrets);
    }

    /**
     * The client of a destination.
     *
     * @throws Secrets.SecretException  when a secret reference cannot be read
     * @throws IllegalArgumentException when a secret is malformed (e.g. a key that is not base64)
     */
    Entry client(LakeSpec d) {
        Key key = new Key(d.serviceEndpoint(), d.account(), d.auth(), d.retry(), credentials.fingerprint(d.auth()));
        return clients.computeIfAbsent(key, k -> {
            DataLakeServiceClientBuilder b = new DataLakeServiceClientBuilder().endpoint(k.endpoint())
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, d.retry().maxAttempts(),
                            d.retry().tryTimeout(), d.retry().initialBackoff(), d.retry().maxBackoff(), null))
                    .addPolicy(new GatewayErrors())
                    // the sync client does not apply tryTimeout to a slow answer; these timeouts do
                    .clientOptions(new HttpClientOptions().setResponseTimeout(d.retry().tryTimeout())
                            .setReadTimeout(d.retry().tryTimeout()).setWriteTimeout(d.retry().tryTimeout())
                            .setConnectTimeout(java.time.Duration.ofSeconds(Math.min(30,
                                    Math.max(1, d.retry().tryTimeout().toSeconds())))));
            credentials.apply(b, d.auth(), d.account());
            DataLakeServiceClient client = b.buildClient();
            String bean = "flowexport-lake-" + names.incrementAndGet();
            context.get().getRegistry().bind(bean, DataLakeServiceClient.class, client);
            return new Entry(client, bean);
        });
    }

    /** The file system client of a destination ({@code file_system}, or the OneLake workspace). */
    DataLakeFileSystemClient fileSystem(LakeSpec d) {
        return client(d).fileSystem(d);
    }

    /**
     * Makes 502 and 504 answers (a gateway or load balancer in front of the service) retryable: the storage
     * retry policy retries 429, 500, 503, timeouts and connection errors, not these. Runs inside each try.
     */
    static final class GatewayErrors implements HttpPipelinePolicy {
        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext ctx, HttpPipelineNextPolicy next) {
            return next.process().flatMap(r -> {
                if (r.getStatusCode() == 502 || r.getStatusCode() == 504) {
                    int status = r.getStatusCode();
                    r.close();
                    return Mono.error(new IOException("HTTP " + status + (status == 502 ? " (Bad Gateway)"
                            : " (Gateway Timeout)") + " from " + ctx.getHttpRequest().getUrl().getHost()));
                }
                return Mono.just(r);
            });
        }
    }
}
