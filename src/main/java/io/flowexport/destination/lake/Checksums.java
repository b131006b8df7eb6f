package io.flowexport.destination.lake;

import com.azure.storage.file.datalake.models.PathProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A staged file's size, MD5 (sent as Content-MD5, which the service keeps) and SHA-256 (kept in the file's
 * metadata as {@code flowexport_sha256}), read in one streaming pass.
 *
 * @param size   bytes
 * @param md5    the 16-byte MD5 digest
 * @param sha256 the 32-byte SHA-256 digest
 */
record Checksums(long size, byte[] md5, byte[] sha256) {

    /** @throws UncheckedIOException when the file cannot be read */
    static Checksums of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
                sha.update(buf, 0, n);
                size += n;
            }
            return new Checksums(size, md5.digest(), sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the staged file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    /**
     * True when a lake file holds these bytes: same size, and the same SHA-256 in its metadata or, failing that,
     * the same Content-MD5.
     */
    boolean sameAs(PathProperties p) {
        if (p.getFileSize() != size) {
            return false;
        }
        String sha = p.getMetadata() == null ? null : p.getMetadata().get("flowexport_sha256");
        if (sha != null) {
            return sha.equalsIgnoreCase(sha256Hex());
        }
        return p.getContentMd5() != null && Arrays.equals(p.getContentMd5(), md5);
    }
}
