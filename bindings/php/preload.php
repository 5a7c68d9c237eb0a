<?php

/**
 * opcache.preload script for PHP-FPM with ffi.enable=preload.
 *
 * Under ffi.enable=preload, PHP allows the FFI API only to code that was
 * preloaded: php.ini's ffi.preload=.../voipsign_ffi.h defines the FFI scope
 * 'voipsign', and this file preloads the VoipSign classes so that their methods may
 * use it. php.ini (see README.md):
 *
 *     ffi.enable=preload
 *     ffi.preload=/path/to/voipsign/voipsign_ffi.h
 *     opcache.enable=1
 *     opcache.preload=/path/to/voipsign/preload.php
 *     opcache.preload_user=www-data
 *
 * An application with its own preload script requires this one from it.
 */

declare(strict_types=1);

require_once __DIR__ . '/src/contract_codes_gen.php';
require_once __DIR__ . '/src/contract_types_gen.php';
require_once __DIR__ . '/src/contract_options_gen.php';
require_once __DIR__ . '/src/LibraryException.php';
require_once __DIR__ . '/src/Library.php';
require_once __DIR__ . '/src/CStrings.php';
require_once __DIR__ . '/src/NativeCalls.php';
require_once __DIR__ . '/src/Signer.php';
require_once __DIR__ . '/src/Ledger.php';
