package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

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

    /** The class each kind of code is thrown as. */
    static final Map<Code.Kind, Class<?>> CLASS_OF_KIND = new EnumMap<>(Code.Kind.class);

    static {
        CLASS_OF_KIND.put(Code.Kind.INPUT, InputException.class);
        CLASS_OF_KIND.put(Code.Kind.REFUSAL, RefusalException.class);
        CLASS_OF_KIND.put(Code.Kind.OUTAGE, OutageException.class);
        CLASS_OF_KIND.put(Code.Kind.INTERNAL, VoipSignException.class);
    }

    private Vectors() {}

    /** What {@code call} throws: a VoipSignError, of exactly the class of its code's kind. */
    static VoipSignError error(Executable call, String where) {
        RuntimeException e = assertThrows(RuntimeException.class, call, where);
        assertTrue(e instanceof VoipSignError, where + ": " + e);
        VoipSignError v = (VoipSignError) e;
        assertEquals(CLASS_OF_KIND.get(v.code().kind()), e.getClass(), where + ": " + e);
        assertEquals(v.code().name(), v.codeName(), where);
        return v;
    }

    static VoipSignError error(Executable call) {
        return error(call, "");
    }

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
