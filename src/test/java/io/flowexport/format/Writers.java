package io.flowexport.format;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FormatOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: write rows through a format, read golden files. */
public final class Writers {

    private Writers() {
    }

    /** Opens {@code file} with {@code format}, writes every row, closes it, returns the file. */
    public static Path write(ExportFormat format, Path file, List<Column> columns, FormatOptions options,
            List<Object[]> rows) throws IOException {
        try (RowWriter writer = format.open(file, columns, options)) {
            for (Object[] row : rows) {
                writer.write(row.clone());
            }
        }
        return file;
    }

    /** Writes the whole {@link FormatFixture}. */
    public static Path writeFixture(ExportFormat format, Path file, FormatOptions options) throws IOException {
        return write(format, file, FormatFixture.COLUMNS, options, FormatFixture.ROWS);
    }

    /**
     * The bytes of {@code src/test/resources/golden/<name>}. Set {@code -Dgolden.update=<dir>} to (re)write
     * golden files from {@code actual} into that directory instead of comparing (then review the diff).
     */
    public static byte[] golden(String name, byte[] actual) {
        String update = System.getProperty("golden.update");
        try {
            if (update != null) {
                Path target = Path.of(update, name);
                Files.createDirectories(target.getParent());
                Files.write(target, actual);
                return actual;
            }
            try (InputStream in = Writers.class.getResourceAsStream("/golden/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing golden file golden/" + name);
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
