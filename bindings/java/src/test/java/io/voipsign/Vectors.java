package io.voipsign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared tables of tests/vectors, read from the repository (the directory is the
 * system property {@code voipsign.vectors}, set by Surefire), never copied.
 */
final class Vectors {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String APP = "wx20afc706a711eefc";
    static final String GROUP = "1559129713_672975982";
    static final String NONCE = "8AP6DT9ybtniUJfb";
    static final long TS = 1559129714L;
    static final String KEY = "gDyVgzwa0mFz9uUP7M6GQQ==";
    static final String DOC_SIGNATURE = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";

    private Vectors() {}

    static JsonNode load(String name) {
        String dir = System.getProperty("voipsign.vectors");
        if (dir == null) {
            throw new IllegalStateException("the system property voipsign.vectors is not set (run through Maven)");
        }
        try {
            return JSON.readTree(new File(dir, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON array of strings as a list. */
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** JSON text as a tree. */
    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What Jackson (Spring's default) makes of a value, as a tree comparable with the vectors. */
    static JsonNode jackson(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
