<?php

declare(strict_types=1);

namespace VoipSign\Tests;

use PHPUnit\Framework\TestCase;
use VoipSign\Signer;
use VoipSign\VoipSignException;

/**
 * Secret hygiene: no run of 6 characters of a session_key (nor of its decoded
 * bytes in hex) shows in an exception (message, string form with its trace,
 * var_export and JSON of its message) or in a result (issue, diagnose), for
 * every invalid vector through every method that takes a key, and for errors
 * raised after the key was accepted.
 */
final class SecretsTest extends TestCase
{
    private const APP_ID = 'wx20afc706a711eefc';
    private const GROUP_ID = '1559129713_672975982';
    private const NONCE = '8AP6DT9ybtniUJfb';
    private const TS = 1559129714;
    private const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ==';
    private const OTHER_KEY = 'hd6Ja/yM0kg/JbaZROpZFA==';
    private const SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617';
    private const WINDOW = 6;

    /** The first run of WINDOW characters of $secret (without whitespace) in $text, or null. */
    public static function leak(string $text, string $secret): ?string
    {
        $w = min(self::WINDOW, \strlen($secret));
        if ($w < 4) {
            return null;
        }
        for ($i = 0; $i + $w <= \strlen($secret); $i++) {
            $run = substr($secret, $i, $w);
            if (strpbrk($run, " \t\r\n") === false && str_contains($text, $run)) {
                return $run;
            }
        }
        return null;
    }

    /** @return list<string> the key and, when it is well-formed, its decoded bytes in hex */
    private static function forms(string $key): array
    {
        $raw = base64_decode($key, true);
        return \is_string($raw) && \strlen($raw) === 16 ? [$key, bin2hex($raw)] : [$key];
    }

    /** @param list<string> $keys */
    private static function assertNoKey(string $what, string $text, array $keys): void
    {
        foreach ($keys as $key) {
            foreach (self::forms($key) as $form) {
                $run = self::leak($text, $form);
                self::assertNull($run, "$what shows '$run' of a session_key: $text");
            }
        }
    }

    /**
     * Every rendering of the exception $call throws.
     *
     * @param list<string> $keys
     * @param bool         $withTrace false when an argument that is not a session_key
     *                                 (shown in the trace, as PHP does) holds a key
     */
    private static function assertRefusedWithoutKey(string $what, callable $call, ?string $code, array $keys, bool $withTrace = true): void
    {
        try {
            $call();
            self::fail("$what was accepted");
        } catch (VoipSignException $e) {
            if ($code !== null) {
                self::assertSame($code, $e->getErrorName(), "$what: " . $e->getMessage());
            }
            self::assertNotSame('', $e->getMessage());
            $texts = [$e->getMessage(), var_export($e->getMessage(), true), json_encode($e->getMessage())];
            if ($withTrace) {
                $texts[] = (string) $e;
                $texts[] = $e->getTraceAsString();
            }
            foreach ($texts as $text) {
                self::assertNoKey($what, (string) $text, $keys);
            }
        }
    }

    public function testTheDetector(): void
    {
        self::assertSame('a0mFz9', self::leak('sessionKey ...a0mFz9... bad', self::KEY));
        self::assertNull(self::leak('sessionKey ends with a newline', self::KEY . "\n"));
        self::assertSame(['803c95833c1ad26173f6e50fecce8641'], \array_slice(self::forms(self::KEY), 1));
    }

    /**
     * Every invalid vector through its own op, with every key it holds; a sign
     * vector also through every method that takes a session_key.
     *
     * @dataProvider invalid
     * @param array<string, mixed> $c
     */
    public function testEveryInvalidVector(array $c): void
    {
        ini_set('zend.exception_ignore_args', '0');
        $code = $c['error'];
        self::assertRefusedWithoutKey(Vectors::op($c), static fn () => Vectors::call($c), $code, Vectors::keys($c));
        if (isset($c['op'])) {
            return;
        }
        [$a, $g, $n, $t, $k] = [$c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey']];
        $keys = [$k, self::KEY, self::OTHER_KEY];
        self::assertRefusedWithoutKey('sign', static fn () => Signer::sign($a, $g, $n, $t, $k), $code, $keys);
        self::assertRefusedWithoutKey('verify', static fn () => Signer::verify($a, $g, $n, $t, $k, self::SIGNATURE), $code, $keys);
        self::assertRefusedWithoutKey('signMany', static fn () => Signer::signMany($a, $g, $n, $t, [self::KEY, self::OTHER_KEY, $k]), $code, $keys);
        if ($code !== 'INVALID_TIMESTAMP') { // diagnose takes milliseconds as a finding
            self::assertRefusedWithoutKey('diagnose', static fn () => Signer::diagnose($a, $g, $n, $t, $k, self::SIGNATURE, [self::OTHER_KEY]), $code, $keys);
        }
        if ($code === 'INVALID_SESSION_KEY') {
            self::assertRefusedWithoutKey('issue', static fn () => Signer::issue(self::APP_ID, self::GROUP_ID, $k), $code, $keys);
            self::assertRefusedWithoutKey('sessionSignature', static fn () => Signer::sessionSignature($k, 'body'), $code, $keys);
            self::assertRefusedWithoutKey(
                'diagnose(older key)',
                static fn () => Signer::diagnose(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE, [self::OTHER_KEY, $k]),
                $code,
                $keys
            );
            return;
        }
        if (!str_starts_with($c['name'], 'multi-')) {
            // A single-field vector: refused after the (good) key was accepted. (The
            // generated multi-… vectors may have a bad key behind the reported field.)
            self::assertSame(self::KEY, $k);
        }
        $d = Signer::diagnose(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE, [self::OTHER_KEY]);
        self::assertNoKey('diagnose', json_encode($d, JSON_THROW_ON_ERROR) . print_r($d, true), $keys);
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function invalid(): array
    {
        return Vectors::section('invalid');
    }

    public function testErrorsAfterTheKeyWasAccepted(): void
    {
        ini_set('zend.exception_ignore_args', '0');
        $keys = [self::KEY, self::OTHER_KEY];
        $cases = [
            'sign, bad nonce' => ['INVALID_NONCE', static fn () => Signer::sign(self::APP_ID, self::GROUP_ID, 'bad nonce', self::TS, self::KEY)],
            'sign, milliseconds' => ['INVALID_TIMESTAMP', static fn () => Signer::sign(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS * 1000, self::KEY)],
            'verify, 63 digits' => ['INVALID_SIGNATURE', static fn () => Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, substr(self::SIGNATURE, 1))],
            'issue, room type' => ['INVALID_ROOM_TYPE', static fn () => Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY, 'Video')],
            'issue, bad groupId' => ['INVALID_GROUP_ID', static fn () => Signer::issue(self::APP_ID, "a\nb", self::KEY)],
            'signMany, bad third key' => ['INVALID_SESSION_KEY', static fn () => Signer::signMany(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, [self::KEY, self::OTHER_KEY, substr(self::KEY, 1)])],
            'signMany, bad nonce' => ['INVALID_NONCE', static fn () => Signer::signMany(self::APP_ID, self::GROUP_ID, '', self::TS, [self::KEY, self::OTHER_KEY])],
            'diagnose, bad older key' => ['INVALID_SESSION_KEY', static fn () => Signer::diagnose(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE, [self::OTHER_KEY, 'x' . self::KEY])],
            'diagnose, bad appId' => ['INVALID_APP_ID', static fn () => Signer::diagnose('', self::GROUP_ID, self::NONCE, self::TS, self::KEY, self::SIGNATURE, [self::OTHER_KEY])],
        ];
        foreach ($cases as $what => [$code, $call]) {
            self::assertRefusedWithoutKey($what, $call, $code, array_merge($keys, ['x' . self::KEY, substr(self::KEY, 1)]));
        }
        // A signature argument that holds the key: the message does not quote it
        // (the trace does show it, as the non-sensitive argument it was passed as).
        foreach ([self::KEY, self::SIGNATURE . '_' . self::KEY] as $signature) {
            self::assertRefusedWithoutKey(
                'verify, the key as signature',
                static fn () => Signer::verify(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, $signature),
                'INVALID_SIGNATURE',
                $keys,
                false
            );
        }
    }

    public function testResults(): void
    {
        $ticket = Signer::issue(self::APP_ID, self::GROUP_ID, self::KEY, 'video');
        self::assertNoKey('issue', json_encode($ticket, JSON_THROW_ON_ERROR) . print_r($ticket, true) . var_export($ticket, true), [self::KEY]);
        $file = json_decode((string) file_get_contents(\dirname(__DIR__, 3) . '/tests/vectors/diagnose.json'), true, 16, JSON_THROW_ON_ERROR);
        self::assertNotEmpty($file['diagnose']);
        foreach ($file['diagnose'] as $c) {
            $d = Signer::diagnose($c['appId'], $c['groupId'], $c['nonceStr'], $c['timeStamp'], $c['sessionKey'], $c['signature'], $c['otherSessionKeys']);
            self::assertSame($c['verdict'], $d->verdict->value, $c['name']);
            self::assertNoKey("diagnose {$c['name']}", json_encode($d, JSON_THROW_ON_ERROR) . print_r($d, true), array_merge([$c['sessionKey']], $c['otherSessionKeys']));
        }
        // A "rejected signature" that is the key, or holds it, is not quoted back.
        foreach ([self::KEY, str_repeat(self::KEY, 3), substr(self::SIGNATURE, 0, 56) . '_' . self::KEY] as $rejected) {
            $d = Signer::diagnose(self::APP_ID, self::GROUP_ID, self::NONCE, self::TS, self::KEY, $rejected, [self::OTHER_KEY]);
            self::assertNoKey('diagnose of a key-like signature', json_encode($d, JSON_THROW_ON_ERROR), [self::KEY, self::OTHER_KEY]);
        }
    }
}
