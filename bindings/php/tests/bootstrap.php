<?php

declare(strict_types=1);

// Test bootstrap without Composer: a PSR-4 autoloader for VoipSign\ (src/) and
// VoipSign\Tests\ (tests/). The library comes from $VOIPSIGN_LIB (the Makefile sets
// it), else the workspace build.

spl_autoload_register(static function (string $class): void {
    foreach (['VoipSign\\Tests\\' => __DIR__ . '/', 'VoipSign\\' => dirname(__DIR__) . '/src/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

// The generated declarations (codes and exceptions, enums and records, options):
// three files, which Composer's "files" autoload loads.
require_once dirname(__DIR__) . '/src/contract_codes_gen.php';
require_once dirname(__DIR__) . '/src/contract_types_gen.php';
require_once dirname(__DIR__) . '/src/contract_options_gen.php';

if (getenv('VOIPSIGN_LIB') === false || getenv('VOIPSIGN_LIB') === '') {
    putenv('VOIPSIGN_LIB=' . dirname(__DIR__, 3) . '/target/release/libvoipsign.so');
}
