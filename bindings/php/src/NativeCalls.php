<?php

declare(strict_types=1);

namespace VoipSign;

use FFI;
use FFI\CData;

/**
 * The FFI plumbing behind Signer's public methods: the loaded library, the reusable
 * output buffers, the retry of a call whose output did not fit and the exception of
 * a failed call (CStrings makes the string arrays of the C ABI). Internal to Signer
 * (a trait, so that the hot path reads its own private static properties). The
 * using class defines CANONICAL_CAP and ISSUE_CAP, the sizes of the reusable text
 * buffers.
 *
 * Nothing here checks a value: every input goes to the library as it is, and the
 * library decides what is refused and, when several inputs are bad, which one is
 * reported (docs/CONTRACT.md).
 *
 * @internal
 */
trait NativeCalls
{
    private static ?FFI $ffi = null;
    private static ?string $path = null;
    private static string $source = '';

    // Reusable output buffers, allocated once per process (per request under FPM).
    private static ?CData $sig = null;     // char[65]
    private static ?CData $err = null;     // voipsign_error[1]
    private static ?CData $valid = null;   // bool[1]
    private static ?CData $len = null;     // size_t[1]
    private static ?CData $text = null;    // char[CANONICAL_CAP]
    private static ?CData $ticket = null;  // char[ISSUE_CAP]

    /** Load the library (Library::load()) and allocate the reusable buffers. */
    private static function boot(): FFI
    {
        $source = '';
        $ffi = Library::load(self::$path, $source);
        self::$sig = $ffi->new('char[65]');
        self::$err = $ffi->new('voipsign_error[1]');
        self::$valid = $ffi->new('bool[1]');
        self::$len = $ffi->new('size_t[1]');
        self::$text = $ffi->new('char[' . self::CANONICAL_CAP . ']');
        self::$ticket = $ffi->new('char[' . self::ISSUE_CAP . ']');
        self::$source = $source;
        return self::$ffi = $ffi;
    }

    /** Forget the loaded library and its buffers; the next call loads from $path. */
    private static function unload(?string $path): void
    {
        // The buffers' C types belong to the FFI object: release them first.
        self::$sig = self::$err = self::$valid = self::$len = self::$text = self::$ticket = null;
        self::$ffi = null;
        self::$source = '';
        self::$path = $path;
    }

    /**
     * Make a call that writes NUL-terminated text to a buffer and its length to
     * self::$len, and return the text. When the library answers BUFFER_TOO_SMALL
     * with a length that does not fit, the call is made again with a buffer of that
     * size.
     *
     * @param CData                 $buf  the buffer to try first
     * @param int                   $cap  its size in bytes
     * @param \Closure(CData, int): int $call the C call, given a buffer and its size;
     *                                        returns the voipsign_status
     *
     * @throws VoipSignException when the call fails
     */
    private static function text(CData $buf, int $cap, \Closure $call): string
    {
        while (true) {
            $status = $call($buf, $cap);
            if ($status === Native::BUFFER_TOO_SMALL && self::$len[0] + 1 > $cap) {
                $cap = self::$len[0] + 1;
                $buf = self::$ffi->new("char[$cap]");
                continue;
            }
            if ($status !== 0) {
                throw self::error($status);
            }
            return FFI::string($buf, self::$len[0]);
        }
    }

    /** The exception for a failed call of Signer. */
    private static function error(int $status): VoipSignException
    {
        return self::failure(self::$ffi, self::$err, $status);
    }

    /**
     * The exception of a failed call: the code's class (a code this binding does
     * not know: its kind's base, as voipsign_status_kind says), the library's code
     * name and message.
     *
     * @internal
     */
    public static function failure(FFI $ffi, CData $err, int $status): VoipSignException
    {
        $e = $err[0];
        $message = $e->status === $status
            ? FFI::string($e->message, $e->message_len)
            : $ffi->voipsign_status_message($status);
        $class = ErrorCode::fromNumber($status)?->exceptionClass()
            ?? ErrorKind::fromNumber($ffi->voipsign_status_kind($status))->exceptionClass();
        return new $class($message, $status, $ffi->voipsign_status_name($status));
    }
}
