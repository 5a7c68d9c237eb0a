package io.voipsign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voipsign.VoipSign;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code BenchReport jmh.json}: the medians (with min and max) of SignBench's JMH
 * iterations, a table of the ratios, and — with BENCH_JSON=path in the environment —
 * one JSON object with the keys of bench/c/bench.c for {@code make -C bench all}.
 */
public final class BenchReport {
    private BenchReport() {}

    /** Median, min and max of one benchmark's iterations (ns/op). */
    private static final class Stat {
        final double median;
        final double min;
        final double max;
        final int n;

        Stat(List<Double> v) {
            Collections.sort(v);
            n = v.size();
            median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
            min = v.get(0);
            max = v.get(n - 1);
        }
    }

    /**
     * Reads JMH's JSON result file and prints the summary.
     *
     * @param args the JMH result file
     * @throws Exception when the file is missing a benchmark
     */
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Stat> stats = new HashMap<>();
        String jvm = "";
        int warmups = 0;
        for (JsonNode b : json.readTree(new File(args[0]))) {
            String name = b.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.') + 1);
            List<Double> values = new ArrayList<>();
            for (JsonNode fork : b.get("primaryMetric").get("rawData")) {
                fork.forEach(v -> values.add(v.asDouble()));
            }
            stats.put(name, new Stat(values));
            jvm = b.get("vmName").asText() + " " + b.get("vmVersion").asText();
            warmups = b.get("warmupIterations").asInt();
        }
        Stat idiom = need(stats, "idiomPerCall");
        Stat tuned = need(stats, "idiomThreadLocalMac");
        Stat sign = need(stats, "voipsignSign");
        Stat idiom10 = need(stats, "idiomPerCall10");
        Stat many = need(stats, "voipsignSignMany10");
        Stat ledger = need(stats, "ledgerAdmitLeavePair");

        System.out.printf("%nmedians of %d JMH iterations (after %d of warm-up), ns/op, %s%n", sign.n, warmups, jvm);
        System.out.printf("| %-52s | %9s | %19s |%n", "benchmark", "ns/op", "min - max");
        System.out.printf("|%s|%s|%s|%n", dashes(54), dashes(11), dashes(21));
        row("idiom: new Mac per call (the WxJava way)", idiom);
        row("tuned idiom: ThreadLocal<Mac>", tuned);
        row("VoipSign.sign", sign);
        row("10 x idiom per call", idiom10);
        row("VoipSign.signMany(10 keys)", many);
        row("Ledger admit+leave pair (memory store)", ledger);
        System.out.printf("%nVoipSign.sign vs the per-call idiom:    %.2fx%n", idiom.median / sign.median);
        System.out.printf("VoipSign.sign vs ThreadLocal<Mac>:       %.2fx%n", tuned.median / sign.median);
        System.out.printf("signMany(10) vs 10 per-call idioms:      %.2fx%n", idiom10.median / many.median);

        String path = System.getenv("BENCH_JSON");
        if (path == null || path.isEmpty()) {
            return;
        }
        ObjectNode o = json.createObjectNode();
        o.put("language", "Java");
        o.put("idiom", "Mac.getInstance(\"HmacSHA256\") + SecretKeySpec + Arrays.sort + hex, per call (WxJava's SignUtils)");
        put(o, "idiom", idiom);
        put(o, "voipsign", sign);
        o.put("ratio", idiom.median / sign.median);
        o.put("tuned_idiom", "the same with a cached ThreadLocal<Mac> (init with the key per call)");
        put(o, "tuned", tuned);
        o.put("ratio_vs_tuned", tuned.median / sign.median);
        o.put("idiom10_ns", idiom10.median);
        o.put("sign_many10_ns", many.median);
        o.put("sign_many_per_member_ns", many.median / 10);
        o.put("sign_many_ratio", idiom10.median / many.median);
        put(o, "ledger_pair", ledger);
        o.put("repeats", sign.n);
        o.put("clock", "JMH average time (ns/op), 1 fork, " + sign.n + " iterations after " + warmups + " of warm-up");
        o.put("java", jvm);
        o.put("jmh", "1.37");
        o.put("voipsign_version", VoipSign.version());
        o.put("quick", "1".equals(System.getenv("BENCH_QUICK")));
        json.writeValue(new File(path), o);
    }

    private static Stat need(Map<String, Stat> stats, String name) {
        Stat s = stats.get(name);
        if (s == null) {
            throw new IllegalStateException("no result for SignBench." + name);
        }
        return s;
    }

    private static void put(ObjectNode o, String prefix, Stat s) {
        o.put(prefix + "_ns", s.median);
        o.put(prefix + "_min", s.min);
        o.put(prefix + "_max", s.max);
    }

    private static void row(String label, Stat s) {
        System.out.printf("| %-52s | %9.1f | %19s |%n", label, s.median, String.format("%.1f - %.1f", s.min, s.max));
    }

    private static String dashes(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append('-');
        }
        return b.toString();
    }
}
