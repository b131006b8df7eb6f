package io.flowexport.destination.camel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Camel components on the class path, read from the {@code META-INF/services/org/apache/camel/component.properties}
 * that every component jar carries ({@code components=sftp ftp ftps}); the shaded jar appends them all into one file,
 * so each {@code components=} line counts.
 */
final class CamelComponents {

    static final String INDEX = "META-INF/services/org/apache/camel/component.properties";

    private CamelComponents() {
    }

    /** The names of every component the class loader can find, sorted; empty when none is listed. */
    static Set<String> available(ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        try {
            Enumeration<URL> files = loader.getResources(INDEX);
            while (files.hasMoreElements()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("components=")) {
                            for (String n : line.substring("components=".length()).trim().split("\\s+")) {
                                if (!n.isEmpty()) {
                                    names.add(n);
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the list only helps a message along: an unreadable index leaves it shorter
        }
        return names;
    }
}
