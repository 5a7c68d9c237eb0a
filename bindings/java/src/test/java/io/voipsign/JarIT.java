package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar (Failsafe, after {@code package}) in fresh JVMs of the JDK under
 * test: loaded with nothing on {@code java.library.path}, by {@code java -jar} and from
 * the class path, by several JVMs at once sharing one temporary directory.
 */
class JarIT {
    private static final String JAR = System.getProperty("voipsign.jar");
    private static final String JAVA = System.getProperty("voipsign.test.java");
    private static final String ARG_LINE = System.getProperty("voipsign.test.argLine", "").trim();
    private static final String RESTRICTED = "WARNING: A restricted method";

    /** A finished child JVM. */
    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        List<String> lines() {
            return Arrays.asList(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Path freshDir(String name) throws IOException {
        Path base = Paths.get(System.getProperty("voipsign.test.tmp"));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, name);
    }

    private static Process start(List<String> jvmArgs, Path tmp, Path emptyLibraryPath, String... main)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(jvmArgs);
        cmd.add("-Djava.library.path=" + emptyLibraryPath);
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.addAll(Arrays.asList(main));
        return new ProcessBuilder(cmd).start();
    }

    private static Run finish(Process p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drainErr = new Thread(() -> copy(p.getErrorStream(), err));
        drainErr.start();
        copy(p.getInputStream(), out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        drainErr.join();
        return new Run(p.exitValue(), out.toString("UTF-8").replace("\r", ""), err.toString("UTF-8"));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static List<String> argLine() {
        return ARG_LINE.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(ARG_LINE.split("\\s+")));
    }

    private static int childFeatureVersion() {
        String v = System.getProperty("java.specification.version"); // Failsafe runs on the same JVM
        return v.startsWith("1.") ? Integer.parseInt(v.substring(2)) : Integer.parseInt(v);
    }

    private static void assertDemo(Run r) {
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.lines();
        assertEquals(Vectors.DOC_SIGNATURE, lines.get(0), r.toString());
        assertTrue(lines.get(1).startsWith("{\"groupId\":\"room-42\",\"nonceStr\":\""), r.toString());
        assertTrue(lines.get(2).endsWith("(from the jar's native/linux-x86_64/libvoipsign_jni.so)"), r.toString());
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "temporary copies of the library are deleted after loading");
        }
    }

    @Test
    void javaDashJarWithNothingOnTheLibraryPath() throws Exception {
        Path tmp = freshDir("jar");
        Path empty = freshDir("empty-library-path");
        Run r = finish(start(new ArrayList<>(), tmp, empty, "-jar", JAR));
        assertDemo(r);
        // The manifest's Enable-Native-Access: ALL-UNNAMED covers java -jar on JDK 24+.
        assertFalse(r.err.contains(RESTRICTED), r.toString());
        assertEmpty(tmp);
    }

    @Test
    void fromTheClassPathWithTheTestArgLine() throws Exception {
        Path tmp = freshDir("cp");
        Run r = finish(start(argLine(), tmp, freshDir("empty"), "-cp", JAR, "io.voipsign.Demo"));
        assertDemo(r);
        if (ARG_LINE.contains("--enable-native-access=ALL-UNNAMED")) {
            assertFalse(r.err.contains(RESTRICTED), r.toString());
        }
        assertEmpty(tmp);
    }

    @Test
    void withoutEnableNativeAccessJdk24AndLaterWarn() throws Exception {
        // Why the README asks for --enable-native-access=ALL-UNNAMED on JDK 24+ (JEP 472):
        // loading a JNI library from the class path is a restricted operation there.
        Run r = finish(start(new ArrayList<>(), freshDir("warn"), freshDir("empty"), "-cp", JAR, "io.voipsign.Demo"));
        assertDemo(r);
        assertEquals(childFeatureVersion() >= 24, r.err.contains(RESTRICTED), r.toString());
    }

    @Test
    void fourJvmsAtOnceShareOneTemporaryDirectory() throws Exception {
        Path tmp = freshDir("together");
        Path empty = freshDir("empty");
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            started.add(start(argLine(), tmp, empty, "-cp", JAR, "io.voipsign.Demo"));
        }
        List<String> libraries = new ArrayList<>();
        for (Process p : started) {
            Run r = finish(p);
            assertDemo(r);
            libraries.add(r.lines().get(2));
        }
        // Each JVM loaded its own private copy.
        assertEquals(4, libraries.stream().distinct().count(), libraries.toString());
        assertEmpty(tmp);
    }

    @Test
    void aWrongExplicitPathIsFinal() throws Exception {
        List<String> args = argLine();
        args.add("-D" + NativeLoader.PATH_PROPERTY + "=/nonexistent/libvoipsign_jni.so");
        Run r = finish(start(args, freshDir("wrong"), freshDir("empty"), "-cp", JAR, "io.voipsign.Demo"));
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("UnsatisfiedLinkError") && r.err.contains("/nonexistent/libvoipsign_jni.so"),
                r.toString());
    }

    @Test
    void theJarCarriesTheReleaseLibraryAndJava8Bytecode() throws Exception {
        try (JarFile jar = new JarFile(new File(JAR))) {
            ZipEntry lib = jar.getEntry("native/linux-x86_64/libvoipsign_jni.so");
            assertNotNull(lib);
            byte[] so;
            try (InputStream in = jar.getInputStream(lib)) {
                so = readAll(in);
            }
            assertFalse(new String(so, StandardCharsets.ISO_8859_1).contains("panicForTests"),
                    "the test-panic entry never ships");
            assertNull(jar.getEntry("io/voipsign/TestPanic.class"));
            try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry("io/voipsign/VoipSign.class")))) {
                assertEquals(0xCAFEBABE, in.readInt());
                in.readUnsignedShort();
                assertEquals(52, in.readUnsignedShort(), "class file major version 52: Java 8");
            }
            assertEquals("io.voipsign.Demo", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
