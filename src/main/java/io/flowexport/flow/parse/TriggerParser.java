package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.TriggerType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** Reads the {@code [[triggers]]} of an export flow. Keys are reported as {@code triggers[n].key}, n 1-based. */
final class TriggerParser {

    static final Set<String> KEYS = Set.of("id", "type", "schedule", "timezone", "every", "enabled", "description");

    private TriggerParser() {
    }

    /** The triggers; entries with errors are left out (the errors are reported). */
    static List<TriggerSpec> parse(TomlView root) {
        if (!root.has("triggers")) {
            return List.of();
        }
        TomlArray array = root.array("triggers", "an array of tables ([[triggers]])");
        if (array == null) {
            return List.of();
        }
        List<TriggerSpec> out = new ArrayList<>();
        Map<String, SourcePosition> ids = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "triggers[" + (i + 1) + "]";
            SourcePosition at = root.elementPos(array, i);
            if (!(array.get(i) instanceof TomlTable t)) {
                root.problems().error(at, path, "expected a table ([[triggers]]), found "
                        + TomlView.typeName(array.get(i)));
                continue;
            }
            TomlView v = new TomlView(t, path, at, root.context());
            TriggerSpec spec = trigger(v, i + 1, ids);
            if (spec != null) {
                out.add(spec);
            }
        }
        return out;
    }

    private static TriggerSpec trigger(TomlView v, int n, Map<String, SourcePosition> ids) {
        long before = v.problems().errorCount();
        v.checkKeys(KEYS);
        String id = v.string("id");
        if (id != null && !FlowParser.ID.matcher(id).matches()) {
            // the id goes into the trigger's Camel endpoint URI: '?', '&' or '#' would add endpoint options
            v.problems().error(v.pos("id"), v.key("id"), "invalid trigger id '" + id + "'; use letters, digits, "
                    + "'_', '.' and '-', starting with a letter or digit");
        }
        if (id == null) {
            id = "trigger-" + n;
        }
        SourcePosition idAt = v.has("id") ? v.pos("id") : v.header();
        SourcePosition first = ids.putIfAbsent(id, idAt);
        if (first != null) {
            v.problems().error(idAt, v.key("id"), "duplicate trigger id '" + id + "' (first at line "
                    + first.line() + "); give each trigger of a flow its own id");
        }
        TriggerType type = v.enumValue("type", TriggerType.class, "trigger type");
        if (!v.has("type")) {
            v.missing("type", "set type = \"schedule\" (with schedule = \"0 1 * * *\") "
                    + "or type = \"interval\" (with every = \"15m\")");
        }
        String schedule = null;
        Duration every = null;
        if (type == TriggerType.SCHEDULE) {
            schedule = schedule(v);
            otherType(v, "every", "interval", type);
        } else if (type == TriggerType.INTERVAL) {
            every = every(v);
            otherType(v, "schedule", "schedule", type);
        }
        ZoneId zone = timezone(v);
        Boolean enabled = v.bool("enabled");
        String description = v.string("description");
        if (v.problems().errorCount() > before || type == null) {
            return null;
        }
        return new TriggerSpec(id, type, schedule, zone, every, enabled == null || enabled, description);
    }

    private static void otherType(TomlView v, String key, String owner, TriggerType type) {
        if (v.has(key)) {
            v.problems().error(v.pos(key), v.key(key), "'" + key + "' belongs to " + owner + " triggers, but this "
                    + "trigger has type = \"" + type.toml() + "\"; remove it or change the type");
        }
    }

    private static String schedule(TomlView v) {
        String s = v.string("schedule");
        if (!v.has("schedule")) {
            v.missing("schedule", "a schedule trigger needs schedule = \"<minute hour day month weekday>\", "
                    + "e.g. \"0 1 * * *\" for 01:00 daily");
            return null;
        }
        if (s == null) {
            return null;
        }
        Optional<String> problem = CronCheck.problem(s);
        problem.ifPresent(m -> v.problems().error(v.pos("schedule"), v.key("schedule"), m));
        return problem.isPresent() ? null : s.trim();
    }

    private static Duration every(TomlView v) {
        String s = v.string("every");
        if (!v.has("every")) {
            v.missing("every", "an interval trigger needs every = \"<n><unit>\", e.g. \"15m\"");
            return null;
        }
        if (s == null) {
            return null;
        }
        Duration d = io.flowexport.flow.Durations.parse(s).orElse(null);
        if (d == null || d.isZero()) {
            v.problems().error(v.pos("every"), v.key("every"), "invalid interval '" + s + "'; write a number "
                    + "greater than 0 and a unit: 500ms, 30s, 15m, 1h or 1d");
            return null;
        }
        return d;
    }

    private static ZoneId timezone(TomlView v) {
        String s = v.string("timezone");
        if (s == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(s.trim());
        } catch (DateTimeException e) {
            String hint = Suggestions.nearest(s, ZoneId.getAvailableZoneIds()).map(z -> "; did you mean '" + z
                    + "'?").orElse("; use an IANA time zone id such as UTC or Europe/Paris");
            v.problems().error(v.pos("timezone"), v.key("timezone"), "unknown time zone '" + s + "'" + hint);
            return null;
        }
    }
}
