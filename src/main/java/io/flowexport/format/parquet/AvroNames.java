package io.flowexport.format.parquet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns column names into Avro field names ({@code [A-Za-z_][A-Za-z0-9_]*}), which parquet-avro uses as Parquet
 * column names. A valid name is kept as is; in an invalid one every other character becomes {@code _}, a leading
 * digit gets a {@code _} prefix, and a name that then collides with an earlier one gets {@code _2}, {@code _3}, ...
 */
final class AvroNames {

    private AvroNames() {
    }

    /** The field names for {@code columnNames}, in the same order, unique. */
    static List<String> fieldNames(List<String> columnNames) {
        Set<String> used = new HashSet<>();
        List<String> names = new ArrayList<>(columnNames.size());
        // Valid names first claim themselves, so a sanitised name never takes a real column's name.
        for (String name : columnNames) {
            if (isValid(name)) {
                used.add(name);
            }
        }
        for (String name : columnNames) {
            if (isValid(name)) {
                names.add(name);
                continue;
            }
            String base = sanitise(name);
            String candidate = base;
            for (int n = 2; used.contains(candidate); n++) {
                candidate = base + "_" + n;
            }
            used.add(candidate);
            names.add(candidate);
        }
        return names;
    }

    static boolean isValid(String name) {
        if (name.isEmpty() || !isStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!isPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String sanitise(String name) {
        StringBuilder b = new StringBuilder(name.length() + 1);
        if (name.isEmpty() || !isStart(name.charAt(0)) && isPart(name.charAt(0))) {
            b.append('_');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(isPart(c) ? c : '_');
        }
        return b.toString();
    }

    private static boolean isStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isPart(char c) {
        return isStart(c) || c >= '0' && c <= '9';
    }
}
