package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The panic boundary: a panic inside the native library is a VoipSignException with
 * code INTERNAL and the JVM goes on (no abort, no {@code fatal_error}). Runs in its own
 * JVM (Surefire execution {@code panic-boundary}) on the library built with the cargo
 * feature {@code test-panic}, loaded through {@code -Dvoipsign.lib.path}.
 */
class PanicBoundaryTest {
    private static final String INTERNAL_MESSAGE = "internal error (a bug in voipsign): please report it";

    @Test
    void theTestPanicLibraryIsTheOneLoaded() {
        String path = System.getProperty(NativeLoader.PATH_PROPERTY);
        assertTrue(path != null && path.endsWith("debug" + File.separator + "libvoipsign_jni.so"), path);
        assertEquals(new File(path).getAbsolutePath(), VoipSign.nativeLibrary());
    }

    @Test
    void aPanicIsVoipSignExceptionInternal() {
        VoipSignError e = Vectors.error(TestPanic::panicForTests);
        assertEquals(Code.INTERNAL, e.code());
        assertEquals(INTERNAL_MESSAGE, e.getMessage());
        // The JVM and the library go on.
        assertEquals(Vectors.DOC_SIGNATURE,
                VoipSign.sign(Vectors.APP, Vectors.GROUP, Vectors.NONCE, Vectors.TS, Vectors.KEY));
    }

    @Test
    void aThousandPanicsThenEverythingStillWorks() {
        for (int i = 0; i < 1000; i++) {
            VoipSignError e = Vectors.error(TestPanic::panicForTests);
            assertEquals(Code.INTERNAL, e.code());
        }
        try (Ledger ledger = Ledger.memory()) {
            assertTrue(ledger.admit(Vectors.APP, "room", "openid-1", 1_796_083_200_000L).isOpened());
        }
        VoipSignError e = Vectors.error(() -> VoipSign.sign(Vectors.APP, Vectors.GROUP, Vectors.NONCE, 1559129714000L, Vectors.KEY));
        assertEquals(Code.INVALID_TIMESTAMP, e.code());
    }

    @Test
    void panicsInFourThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    int internal = 0;
                    for (int i = 0; i < 500; i++) {
                        try {
                            TestPanic.panicForTests();
                        } catch (VoipSignException e) {
                            internal += e.code() == Code.INTERNAL ? 1 : 0;
                        }
                        VoipSign.sign(Vectors.APP, Vectors.GROUP, Vectors.NONCE, Vectors.TS, Vectors.KEY);
                    }
                    return internal;
                }));
            }
            for (Future<Integer> r : results) {
                assertEquals(500, r.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
