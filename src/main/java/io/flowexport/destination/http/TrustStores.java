package io.flowexport.destination.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.UnrecoverableKeyException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Loads a custom trust store and registers it as Camel {@link SSLContextParameters} under a name derived from the
 * file's content, so that endpoints are shared while the file stays the same and a replaced file (a rotated CA)
 * gets endpoints of its own.
 */
final class TrustStores {

    private TrustStores() {
    }

    /**
     * Binds the trust store in the context's registry.
     *
     * @return the registry name of its {@link SSLContextParameters}
     * @throws SetupException when the file cannot be read or is not a key store of its type, or the password is wrong
     */
    static String bind(CamelContext context, Path file, String password) throws SetupException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SetupException("trust store " + file + " does not exist: check trustStore");
        } catch (IOException e) {
            throw new SetupException("trust store " + file + " cannot be read (" + e + ")");
        }
        String type = type(file);
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
            store.load(new ByteArrayInputStream(bytes), password == null ? null : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new SetupException("trust store " + file + " cannot be loaded as " + type + " ("
                    + (wrongPassword ? "wrong password" : e.getMessage())
                    + "): check trustStore and trustStorePassword");
        }
        // the store is handed over loaded, so Camel never resolves placeholders in (or logs) the password
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setKeyStore(store);
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(keyStore);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        String name = "flowexportTrustStore" + sha256(bytes).substring(0, 16);
        context.getRegistry().bind(name, SSLContextParameters.class, parameters);
        return name;
    }

    /** JKS for {@code .jks}, PKCS12 otherwise. */
    static String type(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
