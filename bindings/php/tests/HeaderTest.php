<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Library;

use function VoipSign\Tools\declarations;
use function VoipSign\Tools\ffi_header;
use function VoipSign\Tools\strip_comments;

/** voipsign_ffi.h stays in sync with include/voipsign.h, and PHP's FFI accepts it. */
final class HeaderTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        require_once \dirname(__DIR__) . '/tools/gen-ffi-header.php';
    }

    private static function cHeader(): string
    {
        return (string) file_get_contents(\dirname(__DIR__, 3) . '/include/voipsign.h');
    }

    public function testTheShippedHeaderIsTheGeneratedOne(): void
    {
        self::assertSame(
            ffi_header(self::cHeader()),
            file_get_contents(Library::headerPath()),
            'voipsign_ffi.h is out of date with include/voipsign.h: run `make -C bindings/php header`'
        );
    }

    public function testTheShippedHeaderNamesTheScopeAndTheInstalledLibrary(): void
    {
        $lines = file(Library::headerPath(), FILE_IGNORE_NEW_LINES);
        self::assertSame('#define FFI_SCOPE "voipsign"', $lines[0]);
        self::assertSame('#define FFI_LIB "libvoipsign.so"', $lines[1]);
        $rest = implode("\n", \array_slice($lines, 2));
        self::assertStringNotContainsString('#', $rest, 'PHP FFI accepts no other preprocessor line');
        self::assertStringNotContainsString('extern "C"', $rest);
        self::assertStringNotContainsString('VOIPSIGN_ERROR_MESSAGE_CAP', $rest);
        self::assertStringContainsString('char message[256];', $rest);
    }

    public function testEveryFunctionOfTheCHeaderIsDeclared(): void
    {
        preg_match_all('/\b(voipsign_\w+)\s*\(/', strip_comments(self::cHeader()), $c);
        preg_match_all('/\b(voipsign_\w+)\s*\(/', Library::declarations(), $php);
        $functions = array_values(array_unique($c[1]));
        self::assertGreaterThanOrEqual(10, \count($functions));
        self::assertSame($functions, array_values(array_unique($php[1])));
        // Issue 23's listing and usage: what Ledger::rooms() and usage() call.
        foreach (['voipsign_ledger_rooms', 'voipsign_room_page_json_bound', 'voipsign_ledger_usage'] as $f) {
            self::assertContains($f, $php[1], $f);
        }
        self::assertStringContainsString('int64_t live_rooms;', Library::declarations());
        self::assertStringContainsString('int64_t member_daily_openings;', Library::declarations());
    }

    public function testFfiLoadsTheGeneratedHeader(): void
    {
        $dir = sys_get_temp_dir() . '/voipsign-php-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        $file = "$dir/voipsign_ffi.h";
        try {
            file_put_contents($file, ffi_header(self::cHeader(), (string) realpath((string) getenv('VOIPSIGN_LIB')), 'voipsign_test'));
            $ffi = \FFI::load($file);
            self::assertNotNull($ffi);
            self::assertSame(64, $ffi->voipsign_signature_len());
            self::assertSame('INVALID_NONCE', $ffi->voipsign_status_name(3));
            self::assertSame(256, \FFI::sizeof($ffi->new('voipsign_error')->message));
        } finally {
            @unlink($file);
            rmdir($dir);
        }
    }

    public function testTheGeneratorHandlesCommentsGuardsAndMacros(): void
    {
        $c = <<<'C'
            /* a block comment with // inside */
            #ifndef X_H
            #define X_H
            #include <stdint.h>
            // a line comment with /* inside
            #define CAP 16
            #define TWICE (CAP * 2)
            #ifdef __cplusplus
            extern "C" {
            #endif
            typedef struct s { char a[CAP]; char b[TWICE]; } s; /* trailing */
            const char *f(const char *x, /* inline */ int y); // "quoted /* text"
            #ifdef __cplusplus
            }
            #endif
            #endif
            C;
        self::assertSame(
            "typedef struct s { char a[16]; char b[(16 * 2)]; } s;\n\nconst char *f(const char *x,   int y);\n",
            declarations($c)
        );
    }

    /** @dataProvider unsupported */
    public function testTheGeneratorRefusesWhatItDoesNotUnderstand(string $c): void
    {
        $this->expectException(\RuntimeException::class);
        declarations($c);
    }

    /** @return array<string, array{string}> */
    public static function unsupported(): array
    {
        return [
            '#if' => ["#if FOO > 1\nint x;\n#endif\n"],
            '#pragma' => ["#pragma once\nint x;\n"],
            'function-like macro' => ["#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"],
            'unterminated #ifdef' => ["#ifdef X\nint x;\n"],
            'unterminated comment' => ["/* int x;\n"],
        ];
    }

    public function testTheGeneratorRefusesAQuoteInTheLibraryPath(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        ffi_header(self::cHeader(), 'lib"voipsign.so');
    }
}
