package io.voipsign;

/**
 * The test-only native method of the library built with the cargo feature
 * {@code test-panic} (src/main/rust/testing.rs): it panics inside the panic boundary.
 * Only PanicBoundaryTest's JVM, which loads that library, calls it.
 */
final class TestPanic {
    static {
        Native.version(); // loads the library (voipsign.lib.path) with Native's class loader
    }

    private TestPanic() {}

    static native String panicForTests();
}
