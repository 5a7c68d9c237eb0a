package io.voipsign;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads {@code libvoipsign_jni.so}, in this order:
 *
 * <ol>
 *   <li>the file named by the system property {@value #PATH_PROPERTY}, when set (a
 *       failure there is final: the property was meant);</li>
 *   <li>{@code System.loadLibrary("voipsign_jni")}: a library on {@code java.library.path};</li>
 *   <li>the jar's resource {@code native/<platform>/}{@code System.mapLibraryName("voipsign_jni")}
 *       (platform(): linux-x86_64, linux-aarch64-musl, macos-aarch64, …), copied to a new
 *       private temporary file (owner-only permissions, a unique name per process, so
 *       two JVMs never share or overwrite one), loaded, then deleted (Linux keeps the
 *       loaded mapping).</li>
 * </ol>
 */
final class NativeLoader {
    /** The system property naming the library file to load. */
    static final String PATH_PROPERTY = "voipsign.lib.path";
    /** The library's name for {@code System.loadLibrary}. */
    static final String LIBRARY = "voipsign_jni";

    private static String loadedFrom;

    private NativeLoader() {}

    /**
     * Where the library was loaded from.
     *
     * @return a file path, or {@code java.library.path}
     */
    static synchronized String loadedFrom() {
        return loadedFrom;
    }

    /** Load the library (called once, from {@link Native}'s initializer). */
    static synchronized void load() {
        if (loadedFrom != null) {
            return;
        }
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isEmpty()) {
            String path = new File(explicit).getAbsolutePath();
            System.load(path);
            loadedFrom = path;
            return;
        }
        UnsatisfiedLinkError onPath;
        try {
            System.loadLibrary(LIBRARY);
            loadedFrom = "java.library.path";
            return;
        } catch (UnsatisfiedLinkError e) {
            onPath = e;
        }
        String resource = "/native/" + platform() + "/" + System.mapLibraryName(LIBRARY);
        try {
            loadedFrom = extractAndLoad(resource) + " (from the jar's " + resource.substring(1) + ")";
        } catch (IOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot extract " + resource
                    + " to a temporary file in " + System.getProperty("java.io.tmpdir")
                    + " (" + e + "); set -D" + PATH_PROPERTY + "=/path/to/"
                    + System.mapLibraryName(LIBRARY) + " or -Djava.io.tmpdir");
            error.initCause(e);
            throw error;
        } catch (UnsatisfiedLinkError e) {
            e.addSuppressed(onPath);
            throw e;
        }
    }

    /** The jar's resource loaded from a fresh temporary copy; the path it had. */
    private static String extractAndLoad(String resource) throws IOException {
        Path copy;
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("this jar has no native library for "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                        + " (" + resource.substring(1) + "), and none is on java.library.path; set -D"
                        + PATH_PROPERTY + "=/path/to/" + System.mapLibraryName(LIBRARY));
            }
            // createTempFile: a new file (never an existing one) with permissions rw-------.
            String name = System.mapLibraryName(LIBRARY);
            copy = Files.createTempFile("voipsign_jni-", name.substring(name.lastIndexOf('.')));
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(copy);
                throw e;
            }
        }
        try {
            System.load(copy.toAbsolutePath().toString());
        } finally {
            try {
                Files.delete(copy);
            } catch (IOException e) {
                copy.toFile().deleteOnExit(); // a system that cannot delete a loaded library
            }
        }
        return copy.toString();
    }

    /**
     * This JVM's platform as the jar names its {@code native/} folders: {@code
     * linux-x86_64}, {@code linux-aarch64}, {@code linux-x86_64-musl}, {@code
     * linux-aarch64-musl}, {@code macos-aarch64}, {@code macos-x86_64}, {@code
     * windows-x86_64}. musl (Alpine) is told from glibc by the C library this process
     * has mapped ({@code /proc/self/maps} names {@code ld-musl}), not by what is
     * installed: a glibc system may have musl's loader installed too.
     */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64") || arch.equals("aarch64")) {
            arch = "aarch64";
        }
        String platform = os + "-" + arch;
        return os.equals("linux") && mapsMusl() ? platform + "-musl" : platform;
    }

    private static boolean mapsMusl() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
                if (line.contains("/ld-musl-")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc: not Linux as we know it; glibc is the safe guess.
        }
        return false;
    }
}
