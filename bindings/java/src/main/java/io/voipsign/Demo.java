package io.voipsign;

/**
 * {@code java -jar voipsign-<version>.jar}: signs the documentation's example, issues a
 * ticket and names the native library that did it — a check that the jar works on
 * this machine.
 */
public final class Demo {
    private Demo() {}

    /**
     * Prints the documentation's signature, a fresh ticket and where the native library
     * was loaded from.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String key = "gDyVgzwa0mFz9uUP7M6GQQ==";
        System.out.println(VoipSign.sign("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb",
                1559129714L, key));
        System.out.println(VoipSign.issue("wx20afc706a711eefc", "room-42", key).toJson());
        System.out.println("voipsign " + VoipSign.version() + ", native library: " + VoipSign.nativeLibrary());
    }
}
