<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Signer;

use function VoipSign\Tools\ffi_header;

/**
 * The FPM path: php.ini's ffi.preload loads voipsign_ffi.h as the FFI scope
 * 'voipsign', and the classes use FFI::scope('voipsign'). The shipped header names
 * FFI_LIB "libvoipsign.so"; the tests generate a copy with the absolute path of the
 * workspace build in a temporary directory.
 */
final class PreloadTest extends TestCase
{
    private static string $dir;
    private static string $header;

    public static function setUpBeforeClass(): void
    {
        require_once \dirname(__DIR__) . '/tools/gen-ffi-header.php';
        self::$dir = sys_get_temp_dir() . '/voipsign-php-' . bin2hex(random_bytes(6));
        mkdir(self::$dir, 0700);
        self::$header = self::$dir . '/voipsign_ffi.h';
        $lib = realpath((string) getenv('VOIPSIGN_LIB'));
        self::assertIsString($lib, 'VOIPSIGN_LIB names no file');
        $source = (string) file_get_contents(\dirname(__DIR__, 3) . '/include/voipsign.h');
        file_put_contents(self::$header, ffi_header($source, $lib));
    }

    public static function tearDownAfterClass(): void
    {
        foreach (glob(self::$dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        rmdir(self::$dir);
    }

    public function testCliScriptThroughFfiPreload(): void
    {
        [$code, $out, $err] = self::runPhp([
            PHP_BINARY, '-d', 'ffi.enable=preload', '-d', 'ffi.preload=' . self::$header,
            __DIR__ . '/fixtures/preload_cli.php',
        ], ['VOIPSIGN_LIB' => '/nonexistent/libvoipsign.so']);
        self::assertSame(0, $code, $out . $err);
        $report = json_decode($out, true, 4, JSON_THROW_ON_ERROR);
        self::assertSame("FFI scope 'voipsign' (ffi.preload)", $report['library']);
        self::assertSame('b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617', $report['signature']);
        self::assertTrue($report['ticketVerifies']);
        self::assertSame('preload', $report['ffi.enable']);
    }

    public function testWithoutThePreloadTheCliScriptFallsBackToCdef(): void
    {
        [$code, $out, $err] = self::runPhp([PHP_BINARY, '-d', 'ffi.enable=preload', __DIR__ . '/fixtures/preload_cli.php'], []);
        self::assertSame(0, $code, $out . $err);
        $report = json_decode($out, true, 4, JSON_THROW_ON_ERROR);
        self::assertSame(getenv('VOIPSIGN_LIB'), $report['library']);
    }

    /**
     * A real web SAPI (the built-in server is not "cli", so ffi.enable=preload is
     * enforced as under FPM): ffi.preload plus opcache.preload of preload.php, the
     * php.ini lines README.md documents, serve the controller.
     */
    public function testWebSapiWithFfiPreloadAndOpcachePreload(): void
    {
        $ini = [
            'ffi.enable=preload',
            'ffi.preload=' . self::$header,
            'opcache.enable=1',
            'opcache.enable_cli=1',
            'opcache.preload=' . \dirname(__DIR__) . '/preload.php',
            'opcache.preload_user=' . self::user(),
        ];
        [$status, $headers, $body, $log] = self::serve($ini, '/?groupId=' . rawurlencode('房间-42') . '&roomType=video');
        self::assertSame(200, $status, $body . $log);
        self::assertContains("X-Voipsign-Library: FFI scope 'voipsign' (ffi.preload)", $headers);
        $ticket = json_decode($body, true, 4, JSON_THROW_ON_ERROR);
        self::assertSame(['groupId', 'nonceStr', 'timeStamp', 'signature', 'roomType'], array_keys($ticket));
        self::assertSame('房间-42', $ticket['groupId']);
        self::assertSame('video', $ticket['roomType']);
        self::assertTrue(Signer::verify(
            'wx20afc706a711eefc', $ticket['groupId'], $ticket['nonceStr'], $ticket['timeStamp'],
            'gDyVgzwa0mFz9uUP7M6GQQ==', $ticket['signature']
        ));

        [$status, , $body] = self::serve($ini, '/?roomType=audio');
        self::assertSame(400, $status);
        self::assertSame('INVALID_ROOM_TYPE', json_decode($body, true)['error']);
    }

    /** The room ledger under the same FPM-like setup: Ledger is preloaded with Signer. */
    public function testLedgerUnderWebSapiWithFfiPreloadAndOpcachePreload(): void
    {
        $ini = [
            'ffi.enable=preload',
            'ffi.preload=' . self::$header,
            'opcache.enable=1',
            'opcache.enable_cli=1',
            'opcache.preload=' . \dirname(__DIR__) . '/preload.php',
            'opcache.preload_user=' . self::user(),
        ];
        [$status, $headers, $body, $log] = self::serve($ini, '/join.php');
        self::assertSame(200, $status, $body . $log);
        self::assertContains("X-Voipsign-Library: FFI scope 'voipsign' (ffi.preload)", $headers);
        $got = json_decode($body, true, 8, JSON_THROW_ON_ERROR);
        self::assertTrue($got['admission']['opened']);
        self::assertSame(1, $got['admission']['members']);
        self::assertSame('ROOM_FULL', $got['bob']);
        self::assertSame(['alice'], array_column($got['room']['members'], 'memberId'));
        self::assertTrue(Signer::verify(
            'wx20afc706a711eefc', 'room-42', $got['ticket']['nonceStr'], $got['ticket']['timeStamp'],
            'gDyVgzwa0mFz9uUP7M6GQQ==', $got['ticket']['signature']
        ));
    }

    /**
     * Ledger::redis() under the same FPM-like setup (README.md's lazy static): the
     * first request seats alice in a one-seat room, the next (a new ledger: PHP
     * resets statics between requests) finds the room full, counted in Redis.
     */
    public function testRedisLedgerUnderWebSapiWithFfiPreloadAndOpcachePreload(): void
    {
        $url = getenv('VOIPSIGN_REDIS_URL');
        if (!\is_string($url) || $url === '') {
            if (getenv('VOIPSIGN_REDIS_REQUIRED') === '1') {
                self::fail('VOIPSIGN_REDIS_URL is not set: run `eval "$(tests/redis/servers.sh start)"` first');
            }
            self::markTestSkipped('VOIPSIGN_REDIS_URL is not set (tests/redis/servers.sh start)');
        }
        $ini = [
            'ffi.enable=preload',
            'ffi.preload=' . self::$header,
            'opcache.enable=1',
            'opcache.enable_cli=1',
            'opcache.preload=' . \dirname(__DIR__) . '/preload.php',
            'opcache.preload_user=' . self::user(),
        ];
        $prefix = 'vstest-php-sapi-' . getmypid() . '-' . hrtime(true) % 1_000_000_000;
        [$status, $headers, $body, $log] = self::serve($ini, "/join_redis.php?member=alice&prefix=$prefix");
        self::assertSame(200, $status, $body . $log);
        self::assertContains("X-Voipsign-Library: FFI scope 'voipsign' (ffi.preload)", $headers);
        $got = json_decode($body, true, 8, JSON_THROW_ON_ERROR);
        self::assertTrue($got['admission']['opened']);
        self::assertSame(['alice'], array_column($got['room']['members'], 'memberId'));
        [$status, , $body] = self::serve($ini, "/join_redis.php?member=bob&prefix=$prefix");
        self::assertSame(409, $status, $body);
        self::assertSame('ROOM_FULL', json_decode($body, true)['error']);
    }

    /** ffi.preload alone is not enough under a web SAPI: the error says what to add. */
    public function testWebSapiWithoutOpcachePreloadExplainsTheSetup(): void
    {
        [$status, , $body, $log] = self::serve(['ffi.enable=preload', 'ffi.preload=' . self::$header], '/');
        self::assertSame(500, $status, $body . $log);
        $error = json_decode($body, true, 4, JSON_THROW_ON_ERROR);
        self::assertSame('LIBRARY', $error['error']);
        self::assertStringContainsString('opcache.preload', $error['message']);
    }

    /**
     * @param list<string>          $command
     * @param array<string, string> $env     added to the current environment
     *
     * @return array{int, string, string} exit code, stdout, stderr
     */
    private static function runPhp(array $command, array $env): array
    {
        $proc = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
        self::assertIsResource($proc);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), $out, $err];
    }

    /**
     * Start `php -S` with these ini settings, GET $uri, stop the server.
     *
     * @param list<string> $ini
     *
     * @return array{int, list<string>, string, string} status, headers, body, server log
     */
    private static function serve(array $ini, string $uri): array
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($probe);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);

        $command = [PHP_BINARY];
        foreach ($ini as $setting) {
            array_push($command, '-d', $setting);
        }
        array_push($command, '-S', "127.0.0.1:$port", '-t', __DIR__ . '/fixtures/www');
        $log = self::$dir . "/server-$port.log";
        $env = ['VOIPSIGN_LIB' => '/nonexistent/libvoipsign.so'] + getenv();
        $proc = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log, 'a']], $pipes, null, $env);
        self::assertIsResource($proc);
        try {
            $deadline = microtime(true) + 10;
            while (!($socket = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.2))) {
                if (microtime(true) > $deadline || !proc_get_status($proc)['running']) {
                    self::fail('php -S did not start: ' . file_get_contents($log));
                }
                usleep(50_000);
            }
            fclose($socket);
            $context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 10]]);
            $body = (string) file_get_contents("http://127.0.0.1:$port$uri", false, $context);
            /** @var list<string> $http_response_header */
            $headers = $http_response_header;
            preg_match('{^HTTP/\S+ (\d+)}', $headers[0], $m);
            return [(int) $m[1], $headers, $body, (string) file_get_contents($log)];
        } finally {
            proc_terminate($proc);
            proc_close($proc);
        }
    }

    /** The user opcache.preload runs as (it must be set when PHP runs as root). */
    private static function user(): string
    {
        if (\function_exists('posix_getpwuid') && \function_exists('posix_geteuid')) {
            $entry = posix_getpwuid(posix_geteuid());
            if (\is_array($entry)) {
                return $entry['name'];
            }
        }
        return (string) (getenv('USER') ?: 'root');
    }
}
