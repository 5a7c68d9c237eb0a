<?php

declare(strict_types=1);

namespace VoipSign\Tests\Panic;

use FFI;
use PHPUnit\Framework\TestCase;
use VoipSign\ErrorCode;
use VoipSign\Library;
use VoipSign\Signer;
use VoipSign\VoipSignException;

/**
 * The panic boundary, run on its own by `make test-panic` with VOIPSIGN_LIB set to
 * the test-only library built with the cargo feature test-panic
 * (target/test-panic/release/libvoipsign.so), which adds voipsign_test_panic: it
 * panics inside the library's panic boundary. Not part of the default suite
 * (phpunit.xml excludes tests/panic).
 *
 * The declarations are voipsign_ffi.h's plus that function, registered as the
 * library Signer loads for VOIPSIGN_LIB, so that the status goes through the
 * exception Signer builds for every failed call.
 */
final class PanicTest extends TestCase
{
    private const DECLARATION = 'voipsign_status voipsign_test_panic(voipsign_error *err);';
    private const SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617';

    private static function sign(): string
    {
        return Signer::sign('wx20afc706a711eefc', '1559129713_672975982', '8AP6DT9ybtniUJfb', 1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ==');
    }

    /** Make the library panic; return the exception Signer builds for the status. */
    private static function panic(): VoipSignException
    {
        $signer = new \ReflectionClass(Signer::class);
        /** @var FFI $ffi */
        $ffi = $signer->getStaticPropertyValue('ffi');
        $status = $ffi->voipsign_test_panic($signer->getStaticPropertyValue('err'));
        $error = $signer->getMethod('error');
        $e = $error->invoke(null, $status);
        self::assertInstanceOf(VoipSignException::class, $e);
        return $e;
    }

    public static function setUpBeforeClass(): void
    {
        $path = (string) getenv('VOIPSIGN_LIB');
        if (!str_contains($path, 'test-panic')) {
            self::fail("VOIPSIGN_LIB=$path is not the test-panic build; run `make test-panic`");
        }
        // What Library::load() would make for VOIPSIGN_LIB, plus the test-only function.
        $ffi = FFI::cdef(Library::declarations() . "\n" . self::DECLARATION . "\n", $path);
        $loaded = new \ReflectionProperty(Library::class, 'loaded');
        $loaded->setValue(null, [$path => $ffi] + $loaded->getValue());
        Signer::useLibrary(null);
        self::assertSame($path, Signer::library());
    }

    public function testAPanicIsAVoipSignExceptionInternal(): void
    {
        $e = self::panic();
        self::assertSame('INTERNAL', $e->getErrorName());
        self::assertSame(ErrorCode::INTERNAL->number(), $e->getCode());
        self::assertSame(11, $e->getCode());
        self::assertStringContainsString('panic', $e->getMessage());
        // A bug, not a bad argument: the internal kind's base, a \RuntimeException.
        self::assertInstanceOf(\VoipSign\InternalError::class, $e);
        self::assertInstanceOf(\VoipSign\UnexpectedError::class, $e);
        self::assertInstanceOf(\RuntimeException::class, $e);
        self::assertNotInstanceOf(\InvalidArgumentException::class, $e);
        // The process, and the library, carry on.
        self::assertSame(self::SIGNATURE, self::sign());
    }

    public function testManyPanicsThenEveryFunctionStillWorks(): void
    {
        for ($i = 0; $i < 20; $i++) {
            self::assertSame('INTERNAL', self::panic()->getErrorName());
            self::assertSame(self::SIGNATURE, self::sign());
        }
        try {
            Signer::sign('wx20afc706a711eefc', '1559129713_672975982', '', 1559129714, 'gDyVgzwa0mFz9uUP7M6GQQ==');
            self::fail('accepted an empty nonceStr');
        } catch (VoipSignException $e) {
            self::assertSame('INVALID_NONCE', $e->getErrorName(), 'the error buffer is not stuck on INTERNAL');
        }
        $ticket = Signer::issue('wx20afc706a711eefc', 'room-1', 'gDyVgzwa0mFz9uUP7M6GQQ==');
        self::assertTrue(Signer::verify('wx20afc706a711eefc', 'room-1', $ticket->nonceStr, $ticket->timeStamp, 'gDyVgzwa0mFz9uUP7M6GQQ==', $ticket->signature));
    }
}
