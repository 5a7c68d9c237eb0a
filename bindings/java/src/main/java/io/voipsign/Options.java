package io.voipsign;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The maps behind {@link Rules} and {@link RedisOptions}: what the user set, by name, passed
 * to the core as one JSON object. Nothing is checked here: the core does.
 */
final class Options {
    private Options() {}

    static Map<String, Object> frozen(Map<String, Object> values) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** {@code name} set to {@code value} ({@code null}: unset); whole numbers kept as Long. */
    static void put(Map<String, Object> values, String name, Object value) {
        if (value == null) {
            values.remove(name);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            values.put(name, ((Number) value).longValue());
        } else {
            values.put(name, value);
        }
    }

    static Long number(Map<String, Object> values, String name) {
        Object v = values.get(name);
        return v instanceof Long ? (Long) v : null;
    }

    static String text(Map<String, Object> values, String name) {
        Object v = values.get(name);
        return v instanceof String ? (String) v : null;
    }

    /** The maps as one JSON object: finite numbers and booleans as such, the rest as strings. */
    @SafeVarargs
    static String json(Map<String, Object>... maps) {
        StringBuilder out = new StringBuilder("{");
        for (Map<String, Object> m : maps) {
            for (Map.Entry<String, Object> e : m.entrySet()) {
                string(out.append(out.length() > 1 ? "," : ""), e.getKey()).append(':');
                Object v = e.getValue();
                boolean number = v instanceof Number && Double.isFinite(((Number) v).doubleValue());
                if (number || v instanceof Boolean) {
                    out.append(v);
                } else {
                    string(out, v.toString());
                }
            }
        }
        return out.append('}').toString();
    }

    private static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
