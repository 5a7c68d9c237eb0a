package io.voipsign.bench;

import io.voipsign.Ledger;
import io.voipsign.VoipSign;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: {@code VoipSign.sign} against the two Java idioms ({@link Idioms}), one room for
 * ten members ({@code signMany} against ten per-call idioms), and the room ledger's
 * admit+leave pair (a guest joining and leaving a live room, memory store, explicit
 * time). Run by {@code make bench}; BenchReport turns the results into the table and
 * bench/run.py's JSON.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SignBench {
    static final String APP = "wx20afc706a711eefc";
    static final String GROUP = "1559129713_672975982";
    static final String NONCE = "8AP6DT9ybtniUJfb";
    static final long TS = 1559129714L;
    static final String KEY = "gDyVgzwa0mFz9uUP7M6GQQ==";
    static final String DOC_SIGNATURE = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
    static final List<String> KEYS = Arrays.asList(
            "gDyVgzwa0mFz9uUP7M6GQQ==", "o0q0otL8aEzpcZL/FT9WsQ==", "kUpBwvRHPfIDSEEATFMKZg==",
            "AAAAAAAAAAAAAAAAAAAAAA==", "/////////////////////w==", "MDEyMzQ1Njc4OWFiY2RlZg==",
            "ZmVkY2JhOTg3NjU0MzIxMA==", "c2Vzc2lvbl9rZXlfMTIzNA==", "cXdlcnR5dWlvcGFzZGZnaA==",
            "emF4Y3Zibm1xd2VydHl1aQ==");

    // Fields, not constants: the JIT must not fold the inputs.
    String app = APP;
    String group = GROUP;
    String nonce = NONCE;
    long ts = TS;
    String key = KEY;
    List<String> keys = KEYS;
    Ledger ledger;
    long nowMs = TS * 1000;

    @Setup(Level.Trial)
    public void setUp() {
        // Every contender first reproduces the documentation's signature.
        for (String sig : new String[] {Idioms.perCall(app, group, nonce, ts, key),
            Idioms.threadLocalMac(app, group, nonce, ts, key), VoipSign.sign(app, group, nonce, ts, key)}) {
            if (!DOC_SIGNATURE.equals(sig)) {
                throw new IllegalStateException("wrong signature " + sig);
            }
        }
        ledger = Ledger.memory();
        ledger.admit(app, group, "host", nowMs); // the room stays live: the guest never opens it
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ledger.close();
    }

    @Benchmark
    public String idiomPerCall() {
        return Idioms.perCall(app, group, nonce, ts, key);
    }

    @Benchmark
    public String idiomThreadLocalMac() {
        return Idioms.threadLocalMac(app, group, nonce, ts, key);
    }

    @Benchmark
    public String voipsignSign() {
        return VoipSign.sign(app, group, nonce, ts, key);
    }

    @Benchmark
    public void idiomPerCall10(Blackhole bh) {
        for (int i = 0; i < 10; i++) {
            bh.consume(Idioms.perCall(app, group, nonce, ts, keys.get(i)));
        }
    }

    @Benchmark
    public List<String> voipsignSignMany10() {
        return VoipSign.signMany(app, group, nonce, ts, keys);
    }

    @Benchmark
    public boolean ledgerAdmitLeavePair() {
        ledger.admit(app, group, "guest", nowMs);
        return ledger.leave(app, group, "guest", nowMs);
    }
}
