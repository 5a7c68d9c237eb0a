package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voipsign.bench.Idioms;
import org.junit.jupiter.api.Test;

/** The benchmark's idioms are right: they reproduce the documentation's example. */
class IdiomsTest {
    @Test
    void bothIdiomsReproduceTheDocumentationExample() {
        assertEquals(Vectors.DOC_SIGNATURE,
                Idioms.perCall(Vectors.APP, Vectors.GROUP, Vectors.NONCE, Vectors.TS, Vectors.KEY));
        assertEquals(Vectors.DOC_SIGNATURE,
                Idioms.threadLocalMac(Vectors.APP, Vectors.GROUP, Vectors.NONCE, Vectors.TS, Vectors.KEY));
    }
}
