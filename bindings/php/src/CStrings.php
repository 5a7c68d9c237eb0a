<?php

declare(strict_types=1);

namespace VoipSign;

use FFI;
use FFI\CData;

/**
 * The string arrays of the C ABI (session_keys for Signer, openIds for Ledger): an
 * array of pointers and an array of lengths.
 *
 * @internal
 */
final class CStrings
{
    /**
     * Copy each string into a buffer of its own (a PHP string cannot be stored in a
     * char *, and FFI pointer arithmetic is unreliable in PHP 8.2) and point at the
     * copies; keep the copies until the call has returned, and wipe() secrets after
     * it. A non-string element is PHP's own type error, raised here as the argument
     * is read, before the library is called.
     *
     * @param array<array-key, mixed> $items
     * @param string                  $method   the PHP method, for the type error
     * @param int                     $argument the argument's position, for the type error
     *
     * @return array{?CData, ?CData, list<CData>} pointers, lengths (NULL when empty), copies
     *
     * @throws \TypeError when an element of $items is not a string
     */
    public static function arrays(FFI $ffi, array $items, string $method, int $argument): array
    {
        $count = \count($items);
        if ($count === 0) {
            return [null, null, []];
        }
        $ptrs = $ffi->new("const char *[$count]");
        $lens = $ffi->new("size_t[$count]");
        $copies = [];
        $i = 0;
        foreach ($items as $index => $item) {
            if (!\is_string($item)) {
                self::wipe($copies);
                throw new \TypeError(sprintf(
                    '%s(): Argument #%d must contain only strings, %s given at key %s',
                    $method,
                    $argument,
                    get_debug_type($item),
                    json_encode($index)
                ));
            }
            $n = \strlen($item);
            $copy = $ffi->new('char[' . max(1, $n) . ']');
            FFI::memcpy($copy, $item, $n);
            $ptrs[$i] = $ffi->cast('const char *', $copy);
            $lens[$i] = $n;
            $copies[] = $copy;
            $i++;
        }
        return [$ptrs, $lens, $copies];
    }

    /** @param list<CData> $copies zero the copies arrays() made (session_keys) */
    public static function wipe(array $copies): void
    {
        foreach ($copies as $copy) {
            FFI::memset($copy, 0, FFI::sizeof($copy));
        }
    }
}
