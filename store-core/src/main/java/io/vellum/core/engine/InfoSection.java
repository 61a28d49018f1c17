package io.vellum.core.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of one INFO section, in order. {@link #put} replaces a field in place (so a
 * module can give the real value of a field the server fills with a default) or appends a
 * new one. Values are written as given: Redis's formats are the caller's ("%.2f", "0"...).
 */
public final class InfoSection {
    private final String name;
    private final Map<String, String> fields = new LinkedHashMap<>();

    public InfoSection(String name) {
        this.name = name;
    }

    /** Lower-case section name ("server", "persistence"...). */
    public String name() {
        return name;
    }

    public InfoSection put(String field, String value) {
        fields.put(field, value);
        return this;
    }

    public InfoSection put(String field, long value) {
        return put(field, Long.toString(value));
    }

    public InfoSection remove(String field) {
        fields.remove(field);
        return this;
    }

    /** The value of a field, or null. */
    public String get(String field) {
        return fields.get(field);
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** "# Title\r\nfield:value\r\n..." as Redis writes a section ("keyspace" titled "Keyspace"). */
    public void appendTo(StringBuilder out, String title) {
        out.append("# ").append(title).append("\r\n");
        for (Map.Entry<String, String> e : fields.entrySet()) {
            out.append(e.getKey()).append(':').append(e.getValue()).append("\r\n");
        }
    }
}
