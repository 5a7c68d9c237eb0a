<?php

declare(strict_types=1);

namespace VoipSign;

/**
 * libvoipsign could not be loaded: the shared library was not found, FFI is
 * disabled or restricted (ffi.enable=preload without the preloading described in
 * README.md), or the declaration file voipsign_ffi.h is missing.
 */
class LibraryException extends \RuntimeException
{
}
