package io.flowexport.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file behind an embedded H2 database URL, so that commands can tell whether it exists before connecting. */
final class EmbeddedH2 {

    private EmbeddedH2() {
    }

    /**
     * The database file of an embedded H2 URL: {@code jdbc:h2:file:./data/state;AUTO_SERVER=TRUE} or
     * {@code jdbc:h2:./data/state} gives {@code <working dir>/data/state.mv.db}; {@code ~} is the user's home.
     *
     * @return the absolute, normalised path of the {@code .mv.db} file; empty for any other URL (H2 servers
     *         {@code tcp:} and {@code ssl:}, {@code mem:}, other file systems such as {@code zip:} or {@code nio:},
     *         other databases)
     */
    static Optional<Path> file(String url) {
        if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return Optional.empty();
        }
        String rest = url.substring(8);
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.toLowerCase(Locale.ROOT).startsWith("file:")) {
            name = name.substring(5);
        } else if (name.matches("(?i)[a-z][a-z0-9]+:.*")) { // mem:, tcp:, ssl:, zip:, nio:, split:, ...
            return Optional.empty();
        }
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Optional.of(Path.of(name + ".mv.db").toAbsolutePath().normalize());
    }
}
